// The systemd driver without systemd: cgroupsPath as runc reads it, the unit
// properties each resource becomes (runc's tables for cgroup v1 and v2 and
// for older systemd versions), and the manager's calls to systemd and writes
// to a fake cgroupfs through create, update, delete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "fake_cgroupfs.hpp"
#include "rt/cgroups/systemd.hpp"
#include "rt/dbus/connection.hpp"
#include "rt/spec/parse.hpp"

namespace rt::cgroups::systemd {
namespace {

using test::FakeCgroupfs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

std::string text_of(const dbus::Value& v) {
    switch (v.code()) {
    case 'b': return v.as_bool() ? "true" : "false";
    case 'y': case 'q': case 'u': case 't': return v.as_uint() == UINT64_MAX ? "infinity" : std::to_string(v.as_uint());
    case 's': return v.as_string();
    case 'v': return text_of(v.inner());
    case '(': {
        std::string out;
        for (const auto& item : v.items()) out += (out.empty() ? "" : " ") + text_of(item);
        return out;
    }
    case 'a': {
        if (v.type() == "ay") {
            std::ostringstream hex;
            for (unsigned char c : v.as_string()) hex << std::hex << (c < 16 ? "0" : "") << static_cast<int>(c);
            return hex.str();
        }
        std::string out;
        for (const auto& item : v.items()) out += (out.empty() ? "" : ", ") + text_of(item);
        return "[" + out + "]";
    }
    default: return "?" + v.type();
    }
}

std::vector<std::string> texts(const std::vector<Property>& props) {
    std::vector<std::string> out;
    for (const auto& p : props) out.push_back(p.name + "=" + text_of(p.value));
    return out;
}

std::vector<std::string> props_for(const std::string& resources_json, bool v2, int version = 252) {
    spec::Resources r = spec::parse_resources(resources_json);
    return texts(resource_properties(r, nullptr, v2, version));
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

TEST(SystemdUnitPath, SliceColonPrefixColonName) {
    UnitPath p = unit_path(std::string("system.slice:docker:abc"), "id");
    EXPECT_EQ(p.slice, "system.slice");
    EXPECT_EQ(p.unit, "docker-abc.scope");
    EXPECT_EQ(p.cgroup(), "/system.slice/docker-abc.scope");

    p = unit_path(std::string("kubepods-besteffort-pod12.slice:cri-containerd:c1"), "id");
    EXPECT_EQ(p.slice, "kubepods-besteffort-pod12.slice");
    EXPECT_EQ(p.cgroup(),
              "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12.slice/cri-containerd-c1.scope");
    // An empty slice is system.slice; the root slice "-.slice" is /.
    EXPECT_EQ(unit_path(std::string(":libpod:x"), "id").cgroup(), "/system.slice/libpod-x.scope");
    EXPECT_EQ(unit_path(std::string("-.slice:p:x"), "id").cgroup(), "/p-x.scope");
    // An empty prefix gives "-NAME.scope", as in runc.
    EXPECT_EQ(unit_path(std::string("a.slice::x"), "id").unit, "-x.scope");
}

TEST(SystemdUnitPath, DefaultsWhenAbsentOrEmpty) {
    EXPECT_EQ(unit_path(std::nullopt, "web").cgroup(), "/system.slice/rt-web.scope");
    EXPECT_EQ(unit_path(std::string(""), "web").unit, "rt-web.scope");
}

TEST(SystemdUnitPath, AnythingElseIsRefusedNamingTheField) {
    struct Case {
        const char* path;
        const char* message;
    } cases[] = {
        {"/a/b", "expected the form \"slice:prefix:name\""},
        {"a:b", "expected the form"},
        {"a.slice:b:c:d", "expected the form"},
        {"system.slice:p:", "the name (after the second ':') is empty"},
        {"system.slice:p:x.slice", "must not end in \".slice\""},
        {"system:p:x", "invalid slice name \"system\""},
        {".slice:p:x", "invalid slice name"},
        {"a/b.slice:p:x", "invalid slice name"},
        {"a--b.slice:p:x", "an empty part between dashes"},
        {"-a.slice:p:x", "an empty part between dashes"},
        {"a.slice:p p:x", "systemd unit names take only"},
        {"a.slice:p:x/y", "systemd unit names take only"},
    };
    for (const auto& c : cases) {
        std::string error = error_of([&] { unit_path(std::string(c.path), "id"); });
        EXPECT_THAT(error, HasSubstr(".linux.cgroupsPath: \"" + std::string(c.path) + "\""));
        EXPECT_THAT(error, HasSubstr(c.message)) << c.path;
    }
    EXPECT_THAT(error_of([] { unit_path(std::string("a.slice:p:" + std::string(250, 'x')), "id"); }),
                HasSubstr("at most 255 characters"));
}

TEST(SystemdUnitPath, SlicesExpandAsRuncExpandsThem) {
    EXPECT_EQ(expand_slice("system.slice"), "/system.slice");
    EXPECT_EQ(expand_slice("a-b-c.slice"), "/a.slice/a-b.slice/a-b-c.slice");
    EXPECT_EQ(expand_slice("-.slice"), "/");
    EXPECT_THAT(error_of([] { expand_slice("a-.slice"); }), HasSubstr("empty part"));
}

TEST(SystemdProperties, CpuMasksAsRuncMakesThem) {
    EXPECT_EQ(cpu_mask("0"), "\x01");
    EXPECT_EQ(cpu_mask("0-1"), "\x03");
    EXPECT_EQ(cpu_mask("1,3-5"), "\x3a");
    EXPECT_EQ(cpu_mask("8"), std::string("\x00\x01", 2));
    EXPECT_EQ(cpu_mask(" 0 , 2,"), "\x05");
    EXPECT_THAT(error_of([] { cpu_mask(""); }), HasSubstr("names no CPU"));
    EXPECT_THAT(error_of([] { cpu_mask("3-1"); }), HasSubstr("backwards range"));
    EXPECT_THAT(error_of([] { cpu_mask("a"); }), HasSubstr("not a list of numbers"));
    EXPECT_THAT(error_of([] { cpu_mask("0-4294967295"); }), HasSubstr("out of range"));
}

TEST(SystemdProperties, VersionsAsSystemdSaysThem) {
    EXPECT_EQ(parse_version("252.38-1~deb12u1"), 252);
    EXPECT_EQ(parse_version("\"v245.4-1.fc32\""), 245);
    EXPECT_EQ(parse_version("249"), 249);
    EXPECT_EQ(parse_version("unknown"), -1);
}

TEST(SystemdProperties, ScopeProperties) {
    UnitPath path = unit_path(std::string("machine.slice:libpod:c1"), "c1");
    EXPECT_THAT(texts(scope_properties("c1", path, 4242, true)),
                ElementsAre("Description=rt container c1", "Slice=machine.slice", "Delegate=true", "PIDs=[4242]",
                            "MemoryAccounting=true", "CPUAccounting=true", "IOAccounting=true",
                            "TasksAccounting=true", "DefaultDependencies=false"));
    EXPECT_THAT(texts(scope_properties("c1", path, 1, false))[6], "BlockIOAccounting=true");
}

TEST(SystemdProperties, CgroupV2AsRunc) {
    EXPECT_THAT(props_for(R"({"memory": {"limit": 33554432, "reservation": 16777216, "swap": 50331648},
                               "cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0", "mems": "0"},
                               "pids": {"limit": 10}, "blockIO": {"weight": 500}})",
                          true),
                ElementsAre("MemoryMax=33554432", "MemoryLow=16777216", "MemorySwapMax=16777216", "CPUWeight=59",
                            "CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=200000", "AllowedCPUs=01",
                            "AllowedMemoryNodes=01", "IOWeight=4950", "TasksMax=10"));
    // Unlimited: systemd's infinity; a pids limit of 0 is TasksMax=1 (the
    // file gets 0).
    EXPECT_THAT(props_for(R"({"memory": {"limit": -1}, "pids": {"limit": -1}})", true),
                ElementsAre("MemoryMax=infinity", "MemorySwapMax=infinity", "TasksMax=infinity"));
    EXPECT_THAT(props_for(R"({"pids": {"limit": 0}})", true), ElementsAre("TasksMax=1"));
    EXPECT_THAT(error_of([] { props_for(R"({"memory": {"limit": 2000, "swap": 1000}})", true); }),
                HasSubstr("memory.swap: memory+swap limit (1000) must not be below the memory limit (2000)"));
}

TEST(SystemdProperties, CgroupV1AsRunc) {
    EXPECT_THAT(props_for(R"({"memory": {"limit": 33554432, "reservation": 16777216, "swap": 50331648},
                               "cpu": {"shares": 512, "quota": 20000, "cpus": "0-1"},
                               "pids": {"limit": 10}, "blockIO": {"weight": 500}})",
                          false),
                ElementsAre("MemoryLimit=33554432", "CPUShares=512", "CPUQuotaPerSecUSec=200000", "AllowedCPUs=03",
                            "BlockIOWeight=500", "TasksMax=10"));
}

TEST(SystemdProperties, AQuotaIsRoundedUpToWholePercentsForTheFilesToo) {
    spec::Resources r = spec::parse_resources(R"({"cpu": {"quota": 12345, "period": 100000}})");
    EXPECT_THAT(texts(resource_properties(r, nullptr, true, 252)),
                ElementsAre("CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=130000"));
    EXPECT_EQ(*r.cpu->quota, 13000);
    // No quota with a period: infinity; a quota without period: 100 ms.
    EXPECT_THAT(props_for(R"({"cpu": {"period": 50000}})", true),
                ElementsAre("CPUQuotaPeriodUSec=50000", "CPUQuotaPerSecUSec=infinity"));
    EXPECT_THAT(props_for(R"({"cpu": {"quota": 50000}})", true), ElementsAre("CPUQuotaPerSecUSec=500000"));
}

TEST(SystemdProperties, WhatAnOlderSystemdLacksGoesToTheFilesOnly) {
    const char* json = R"({"cpu": {"quota": 20000, "period": 100000, "cpus": "0", "idle": 1}})";
    EXPECT_THAT(props_for(json, true, 241), ElementsAre("CPUQuotaPerSecUSec=200000"));
    EXPECT_THAT(props_for(json, true, 243), ElementsAre("CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=200000"));
    EXPECT_THAT(props_for(json, true, 251),
                ElementsAre("CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=200000", "AllowedCPUs=01"));
    // cpu.idle 1 is CPUWeight=0 from 252 on, and then takes the weight's place.
    EXPECT_THAT(props_for(R"({"cpu": {"idle": 1, "shares": 1024}})", true, 252), ElementsAre("CPUWeight=0"));
    EXPECT_THAT(props_for(R"({"cpu": {"idle": 1, "shares": 1024}})", true, 251), ElementsAre("CPUWeight=100"));
}

TEST(SystemdProperties, UnifiedKeysSystemdKnows) {
    EXPECT_THAT(props_for(R"({"unified": {"memory.high": "1000000", "memory.min": "max", "pids.max": "0",
                                          "cpu.max": "max 50000", "cpu.weight": "300", "cpuset.mems": "0",
                                          "io.max": "8:0 rbps=1", "hugetlb.2MB.max": "0"}})",
                          true),
                ElementsAre("CPUQuotaPeriodUSec=50000", "CPUQuotaPerSecUSec=infinity", "CPUWeight=300",
                            "AllowedMemoryNodes=01", "MemoryHigh=1000000", "MemoryMin=infinity", "TasksMax=1"));
    EXPECT_THAT(props_for(R"({"unified": {"cpu.idle": "1", "cpu.weight": "300"}})", true), ElementsAre("CPUWeight=0"));
    // On v1 rt leaves unified to the files (of a hybrid host's cgroup2).
    EXPECT_THAT(props_for(R"({"unified": {"memory.high": "1000000"}})", false), IsEmpty());
    EXPECT_THAT(error_of([] { props_for(R"({"unified": {"memory.high": "lots"}})", true); }),
                HasSubstr("unified: \"memory.high\": \"lots\" is not a number"));
    EXPECT_THAT(error_of([] { props_for(R"({"unified": {"cpu.max": "1 2 3"}})", true); }),
                HasSubstr("is not \"QUOTA [PERIOD]\""));
}

std::vector<std::string> devices_for(const std::string& devices_json, int version = 252) {
    spec::Resources r = spec::parse_resources(R"({"devices": )" + devices_json + "}");
    return texts(device_properties(container_device_rules(r.devices, {}), version));
}

TEST(SystemdDevices, TheContainersRulesAsAnAllowList) {
    // The defaults: deny all, then runc's default devices, sorted by major
    // and minor as runc sorts them.
    EXPECT_THAT(devices_for("[]"),
                ElementsAre("DeviceAllow=[]", "DevicePolicy=strict",
                            "DeviceAllow=[block-* m, char-* m, /dev/char/1:3 rwm, /dev/char/1:5 rwm, "
                            "/dev/char/1:7 rwm, /dev/char/1:8 rwm, /dev/char/1:9 rwm, /dev/char/5:0 rwm, "
                            "/dev/char/5:2 rwm, /dev/char/10:200 rwm, char-136 rwm]"));
    // An allowed device joins; a denied default leaves; access merges.
    EXPECT_THAT(devices_for(R"([{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"},
                               {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "w"}])")[2],
                HasSubstr("/dev/char/10:229 rw,"));
    EXPECT_THAT(devices_for(R"([{"allow": true, "type": "b", "major": 8, "access": "r"}])")[2],
                HasSubstr("block-8 r"));
}

TEST(SystemdDevices, WhatSystemdCannotSay) {
    // Allow all, and nothing denied after: DevicePolicy=auto.
    EXPECT_THAT(devices_for(R"([{"allow": true, "access": "rwm"}])"), ElementsAre("DeviceAllow=[]", "DevicePolicy=auto"));
    // Allow all but something: no deny list in systemd: strict with nothing
    // (the files hold the rules).
    EXPECT_THAT(devices_for(R"([{"allow": true, "access": "rwm"}, {"allow": false, "type": "c", "major": 10, "minor": 229}])"),
                ElementsAre("DeviceAllow=[]", "DevicePolicy=strict"));
    // "c *:5": no such rule in systemd; left out.
    EXPECT_EQ(devices_for(R"([{"allow": true, "type": "c", "minor": 5, "access": "r"}])"), devices_for("[]"));
    // Before 240, "char-MAJOR" was a group name from /proc/devices.
    EXPECT_THAT(devices_for("[]", 239)[2], HasSubstr("char-pts rwm"));
    // Part of a wildcard rule cannot be taken away.
    EXPECT_THAT(error_of([] { devices_for(R"([{"allow": true, "type": "c", "major": 10, "access": "rw"},
                                               {"allow": false, "type": "c", "major": 10, "minor": 229, "access": "w"}])"); }),
                HasSubstr("would punch a hole in the rule for c 10:*"));
}

// A systemd that records what it is asked.
class RecordingSystemd : public UnitControl {
public:
    struct Log {
        std::vector<std::string> calls;
        int version = 252;
        bool fail_start = false;
        std::function<void()> on_stop;  // what systemd does when it stops the unit
        std::string control_group;      // the manager's own cgroup ("" for the system's)
    };
    explicit RecordingSystemd(std::shared_ptr<Log> log) : log_(std::move(log)) {}
    int version() override { return log_->version; }
    void start_unit(const std::string& unit, const std::vector<Property>& properties) override {
        log_->calls.push_back("start " + unit + " " + join(properties));
        if (log_->fail_start) throw Error("systemd could not start " + unit);
    }
    void set_properties(const std::string& unit, const std::vector<Property>& properties) override {
        log_->calls.push_back("set " + unit + " " + join(properties));
    }
    void stop_unit(const std::string& unit) override {
        log_->calls.push_back("stop " + unit);
        if (log_->on_stop) log_->on_stop();
    }
    std::string control_group() override { return log_->control_group; }

private:
    static std::string join(const std::vector<Property>& properties) {
        std::string out;
        for (const auto& t : texts(properties)) out += (out.empty() ? "" : " ") + t;
        return out;
    }
    std::shared_ptr<Log> log_;
};

class RecordingLoader : public DeviceFilterLoader {
public:
    void replace(const std::string& dir, const std::vector<bpf_insn>&) override { dirs.push_back(dir); }
    std::vector<std::string> dirs;
};

class SystemdManagerV2 : public ::testing::Test {
protected:
    SystemdManagerV2() {
        layout.mode = Mode::unified;
        layout.root = fs.root();
        layout.unified = fs.root();
        layout.own = {{"", "/user.slice/session-1.scope"}};
        fs.v2_cgroup("", "cpuset cpu io memory pids");
        fs.v2_cgroup("system.slice", "cpuset cpu io memory pids");
        // What systemd makes when it starts the scope.
        fs.v2_cgroup("system.slice/rt-c1.scope", "cpuset cpu io memory pids");
        fs.write("system.slice/rt-c1.scope/cgroup.procs", "4242\n");
    }

    std::unique_ptr<Manager> create(const std::string& resources_json, const std::string& path = "") {
        spec::Resources r = spec::parse_resources(resources_json);
        auto m = manager_for_create(layout, path.empty() ? std::nullopt : std::optional<std::string>(path), "c1",
                                    loader, false, connector());
        m->check(r);
        m->create(r);
        m->apply(r, container_device_rules(r.devices, {}));
        m->add_process(4242);
        return m;
    }

    Connector connector() {
        return [this] {
            ++connections;
            return std::make_unique<RecordingSystemd>(log);
        };
    }

    FakeCgroupfs fs;
    Layout layout;
    RecordingLoader loader;
    std::shared_ptr<RecordingSystemd::Log> log = std::make_shared<RecordingSystemd::Log>();
    int connections = 0;
};

TEST_F(SystemdManagerV2, CreateStartsAScopeWithTheInitAndTheLimitsThenWritesTheFiles) {
    auto m = create(R"({"memory": {"limit": 33554432}, "pids": {"limit": 10}, "hugepageLimits": []})");
    EXPECT_EQ(connections, 1);
    EXPECT_EQ(m->driver(), "systemd-v2");
    EXPECT_EQ(m->paths(), (std::map<std::string, std::string>{{"", fs.path("system.slice/rt-c1.scope")}}));
    ASSERT_EQ(log->calls.size(), 1u);
    EXPECT_THAT(log->calls[0], HasSubstr("start rt-c1.scope Description=rt container c1 Slice=system.slice "
                                         "Delegate=true PIDs=[4242] MemoryAccounting=true"));
    EXPECT_THAT(log->calls[0], HasSubstr("DevicePolicy=strict DeviceAllow=[block-* m, char-* m"));
    EXPECT_THAT(log->calls[0], HasSubstr("MemoryMax=33554432 TasksMax=10"));
    // The same values in the files, the device filter on the scope, and no
    // refusal of the (populated) scope.
    EXPECT_EQ(fs.read("system.slice/rt-c1.scope/memory.max"), "33554432");
    EXPECT_EQ(fs.read("system.slice/rt-c1.scope/pids.max"), "10");
    EXPECT_EQ(fs.read("system.slice/rt-c1.scope/cgroup.procs"), "4242");
    EXPECT_THAT(loader.dirs, ElementsAre(fs.path("system.slice/rt-c1.scope")));
}

TEST_F(SystemdManagerV2, WhatSystemdCannotTakeIsRefusedByCheck) {
    auto m = manager_for_create(layout, std::nullopt, "c1", loader, false, connector());
    EXPECT_THAT(error_of([&] {
                    m->check(spec::parse_resources(R"({"devices": [{"allow": true, "type": "c", "major": 10, "access": "rw"},
                        {"allow": false, "type": "c", "major": 10, "minor": 229, "access": "w"}]})"));
                }),
                HasSubstr("devices: the rule for c 10:229 w would punch a hole"));
    EXPECT_THAT(error_of([&] { m->check(spec::parse_resources(R"({"unified": {"pids.max": "many"}})")); }),
                HasSubstr("unified: \"pids.max\": \"many\" is not a number"));
    EXPECT_TRUE(log->calls.empty());
}

TEST_F(SystemdManagerV2, ARoundedQuotaIsWhatTheFilesGet) {
    create(R"({"cpu": {"quota": 12345, "period": 100000}})");
    EXPECT_EQ(fs.read("system.slice/rt-c1.scope/cpu.max"), "13000 100000");
}

TEST_F(SystemdManagerV2, UpdateSetsUnitPropertiesAndFiles) {
    auto m = create("{}");
    auto later = manager_from_state(layout, "systemd-v2", m->paths(), loader, connector());
    EXPECT_EQ(connections, 1);  // none needed yet
    later->update(spec::parse_resources(R"({"memory": {"limit": 67108864}, "cpu": {"shares": 1024}})"), nullptr);
    EXPECT_EQ(connections, 2);
    EXPECT_EQ(log->calls.back(), "set rt-c1.scope MemoryMax=67108864 CPUWeight=100");
    EXPECT_EQ(fs.read("system.slice/rt-c1.scope/memory.max"), "67108864");
    EXPECT_EQ(fs.read("system.slice/rt-c1.scope/cpu.weight"), "100");
}

TEST_F(SystemdManagerV2, PauseAndTheReadersUseTheFilesOnly) {
    auto m = create("{}");
    auto later = manager_from_state(layout, "systemd-v2", m->paths(), loader, connector());
    EXPECT_EQ(later->freezer_state(), FreezerState::thawed);
    EXPECT_THAT(later->processes(), ElementsAre(4242));
    later->stats();
    EXPECT_EQ(connections, 1);
}

TEST_F(SystemdManagerV2, DestroyStopsTheUnitThenRemovesWhatIsLeft) {
    auto m = create("{}");
    // systemd removes the scope's cgroup (the fake holds plain files, which
    // rt's rmdir could not remove: rt must not try before systemd is done);
    // a cgroup a process of the container made below it stays for rt.
    log->on_stop = [&] {
        fs.write("system.slice/rt-c1.scope/sub/.keep", "");
        std::filesystem::remove_all(fs.path("system.slice/rt-c1.scope/sub/.keep"));
        for (const auto& entry : std::filesystem::directory_iterator(fs.path("system.slice/rt-c1.scope"))) {
            if (!entry.is_directory()) std::filesystem::remove(entry.path());
        }
    };
    auto later = manager_from_state(layout, "systemd-v2", m->paths(), loader, connector());
    later->destroy();
    EXPECT_EQ(log->calls.back(), "stop rt-c1.scope");
    EXPECT_FALSE(fs.exists("system.slice/rt-c1.scope"));
}

TEST_F(SystemdManagerV2, AFailedStartFailsTheCreateAndStopsNoUnit) {
    log->fail_start = true;
    spec::Resources r;
    auto m = manager_for_create(layout, std::nullopt, "c1", loader, false, connector());
    m->create(r);
    m->apply(r, {});
    EXPECT_THAT(error_of([&] { m->add_process(4242); }), HasSubstr("systemd could not start rt-c1.scope"));
    // The create's cleanup: a unit of that name is not this container's
    // (systemd refused to make it): neither it nor its cgroup is touched.
    m->destroy();
    EXPECT_EQ(log->calls.size(), 1u);
    EXPECT_TRUE(fs.exists("system.slice/rt-c1.scope/cgroup.procs"));
}

TEST_F(SystemdManagerV2, TheStateMustNameAScopeOfThisHostsVersion) {
    EXPECT_THAT(error_of([&] { manager_from_state(layout, "systemd-v1", {{"memory", "/x/rt-c1.scope"}}, loader, connector()); }),
                HasSubstr("made by the systemd-v1 driver, but this host's cgroups are unified"));
    EXPECT_THAT(error_of([&] { manager_from_state(layout, "systemd-v2", {{"", "/sys/fs/cgroup/x"}}, loader, connector()); }),
                HasSubstr("is not a systemd scope"));
}

TEST_F(SystemdManagerV2, AnUnreachableSystemdFailsBeforeAnythingIsMade) {
    Connector unreachable = [] () -> std::unique_ptr<UnitControl> {
        throw Error("--systemd-cgroup: cannot reach systemd over D-Bus");
    };
    EXPECT_THAT(error_of([&] { manager_for_create(layout, std::nullopt, "c1", loader, false, unreachable); }),
                HasSubstr("cannot reach systemd over D-Bus"));
    EXPECT_THAT(fs.take_writes(), IsEmpty());
}

TEST(SystemdManagerV1, EveryHierarchyGetsTheScopesPathAndSystemdLimitsAsV1Properties) {
    FakeCgroupfs fs;
    Layout layout;
    layout.mode = Mode::hybrid;
    layout.root = fs.root();
    layout.unified = fs.path("unified");
    for (const char* h : {"memory", "pids", "devices", "freezer", "cpuset", "systemd"}) {
        Hierarchy hierarchy;
        hierarchy.mount = fs.path(h);
        hierarchy.controllers = {std::string(h) == "systemd" ? "name=systemd" : h};
        layout.v1.push_back(hierarchy);
        fs.write(std::string(h) + "/cgroup.procs", "");
    }
    fs.v2_cgroup("unified", "");
    fs.write("cpuset/cpuset.cpus", "0-1\n");
    fs.write("cpuset/cpuset.mems", "0\n");
    // systemd manages memory, pids, devices and its own hierarchy (it made
    // those directories); rt makes the rest.
    for (const char* h : {"memory", "pids", "devices", "systemd", "unified"}) {
        fs.write(std::string(h) + "/a.slice/p-c1.scope/cgroup.procs", "77\n");
    }
    fs.write("memory/a.slice/p-c1.scope/memory.limit_in_bytes", "");
    fs.write("pids/a.slice/p-c1.scope/pids.max", "");
    fs.write("devices/a.slice/p-c1.scope/devices.allow", "");
    fs.write("devices/a.slice/p-c1.scope/devices.deny", "");
    auto log = std::make_shared<RecordingSystemd::Log>();
    RecordingLoader loader;
    auto m = manager_for_create(layout, std::string("a.slice:p:c1"), "c1", loader, false,
                                [&] { return std::make_unique<RecordingSystemd>(log); });
    EXPECT_EQ(m->driver(), "systemd-v1");
    EXPECT_EQ(m->paths().at("name=systemd"), fs.path("systemd/a.slice/p-c1.scope"));
    EXPECT_EQ(m->paths().at(""), fs.path("unified/a.slice/p-c1.scope"));
    spec::Resources r = spec::parse_resources(R"({"memory": {"limit": 33554432}, "pids": {"limit": 10}})");
    m->check(r);
    m->create(r);
    m->apply(r, container_device_rules({}, {}));
    // The freezer directory does not exist yet: rt makes it when it adds
    // the init (the fake kernel shows no files in it: stop there).
    EXPECT_THAT(error_of([&] { m->add_process(77); }), HasSubstr("cpuset"));
    ASSERT_EQ(log->calls.size(), 1u);
    EXPECT_THAT(log->calls[0], HasSubstr("BlockIOAccounting=true"));
    EXPECT_THAT(log->calls[0], HasSubstr("MemoryLimit=33554432 TasksMax=10"));
}


// Rootless: the user's systemd instance. runc's default slice is the user
// manager's user.slice, the scope's cgroup below the manager's own.
TEST(SystemdUnitPath, RootlessDefaultsToTheUserManagersUserSlice) {
    EXPECT_EQ(unit_path(std::nullopt, "c1", true).slice, "user.slice");
    EXPECT_EQ(unit_path(std::string(""), "c1", true).cgroup(), "/user.slice/rt-c1.scope");
    EXPECT_EQ(unit_path(std::string(":p:c1"), "c1", true).cgroup(), "/user.slice/p-c1.scope");
    EXPECT_EQ(unit_path(std::string("a.slice:p:c1"), "c1", true).cgroup(), "/a.slice/p-c1.scope");
    EXPECT_EQ(unit_path(std::nullopt, "c1").slice, "system.slice");
}

TEST(SystemdUserBus, TheSessionAddressElseTheRuntimeDirsBus) {
    EXPECT_EQ(user_bus_address("unix:path=/x/bus,guid=1", "/run/user/1000"), "unix:path=/x/bus,guid=1");
    EXPECT_EQ(user_bus_address("", "/run/user/1000"), "unix:path=/run/user/1000/bus");
    EXPECT_EQ(user_bus_address(nullptr, "/run/user/1000"), "unix:path=/run/user/1000/bus");
    // Escaped as an address must be, and read back as the same path.
    std::string odd = user_bus_address(nullptr, "/tmp/a b,c;d=e%");
    EXPECT_EQ(odd, "unix:path=/tmp/a%20b%2cc%3bd%3de%25/bus");
    ASSERT_EQ(dbus::parse_address(odd).size(), 1u);
    EXPECT_EQ(dbus::parse_address(odd)[0].path, "/tmp/a b,c;d=e%/bus");
    EXPECT_THAT(error_of([] { user_bus_address(nullptr, ""); }),
                AllOf(HasSubstr("DBUS_SESSION_BUS_ADDRESS"), HasSubstr("XDG_RUNTIME_DIR")));
}

class SystemdUserManagerV2 : public SystemdManagerV2 {
protected:
    static constexpr const char* manager_cgroup = "/user.slice/user-1000.slice/user@1000.service";
    SystemdUserManagerV2() {
        log->control_group = manager_cgroup;
        std::string scope = std::string(manager_cgroup).substr(1) + "/user.slice/rt-c1.scope";
        for (const char* dir : {"user.slice", "user.slice/user-1000.slice", "user.slice/user-1000.slice/user@1000.service",
                                "user.slice/user-1000.slice/user@1000.service/user.slice"}) {
            fs.v2_cgroup(dir, "memory pids");
        }
        fs.v2_cgroup(scope, "memory pids");
        fs.write(scope + "/cgroup.procs", "4242\n");
    }
    std::string scope_file(const std::string& name) {
        return std::string(manager_cgroup).substr(1) + "/user.slice/rt-c1.scope/" + name;
    }
};

TEST_F(SystemdUserManagerV2, TheScopeIsInTheUserManagersUserSliceWithTheLimitsAndNoDeviceRules) {
    spec::Resources r = spec::parse_resources(R"({"memory": {"limit": 33554432}, "pids": {"limit": 10}})");
    auto m = manager_for_create(layout, std::nullopt, "c1", loader, true, connector());
    EXPECT_EQ(m->driver(), "systemd-user-v2");
    EXPECT_EQ(m->paths(), (std::map<std::string, std::string>{
                              {"", fs.path(std::string(manager_cgroup).substr(1) + "/user.slice/rt-c1.scope")}}));
    m->check(r);
    m->create(r);
    m->apply(r, container_device_rules({}, {}));
    m->add_process(4242);
    ASSERT_EQ(log->calls.size(), 1u);
    EXPECT_THAT(log->calls[0], HasSubstr("start rt-c1.scope Description=rt container c1 Slice=user.slice "
                                         "Delegate=true PIDs=[4242]"));
    EXPECT_THAT(log->calls[0], HasSubstr("MemoryMax=33554432 TasksMax=10"));
    EXPECT_THAT(log->calls[0], Not(HasSubstr("Device")));
    EXPECT_THAT(loader.dirs, IsEmpty());  // no device filter: a user cannot load one
    EXPECT_EQ(fs.read(scope_file("memory.max")), "33554432");

    log->on_stop = [&] { std::filesystem::remove_all(fs.path(scope_file(""))); };  // systemd removes the scope
    auto later = manager_from_state(layout, "systemd-user-v2", m->paths(), loader, connector());
    later->update(spec::parse_resources(R"({"memory": {"limit": 67108864}})"), nullptr);
    EXPECT_EQ(log->calls.back(), "set rt-c1.scope MemoryMax=67108864");
    EXPECT_EQ(fs.read(scope_file("memory.max")), "67108864");
    later->destroy();
    EXPECT_EQ(log->calls.back(), "stop rt-c1.scope");
}

TEST_F(SystemdUserManagerV2, TheStateNamesTheUserDriverOfThisHostsVersion) {
    EXPECT_THAT(error_of([&] { manager_from_state(layout, "systemd-user-v1", {{"name=systemd", "/x/rt-c1.scope"}},
                                                  loader, connector()); }),
                HasSubstr("made by the systemd-user-v1 driver, but this host's cgroups are unified"));
}

TEST(SystemdUserManagerV1, OnlyTheScopeNoLimits) {
    FakeCgroupfs fs;
    Layout layout;
    layout.mode = Mode::hybrid;
    layout.root = fs.root();
    layout.unified = fs.path("unified");
    for (const char* h : {"memory", "systemd"}) {
        Hierarchy hierarchy;
        hierarchy.mount = fs.path(h);
        hierarchy.controllers = {std::string(h) == "systemd" ? "name=systemd" : h};
        layout.v1.push_back(hierarchy);
    }
    auto log = std::make_shared<RecordingSystemd::Log>();
    log->control_group = "/user.slice/user-1000.slice/user@1000.service";
    RecordingLoader loader;
    auto m = manager_for_create(layout, std::nullopt, "c1", loader, true,
                                [&] { return std::make_unique<RecordingSystemd>(log); });
    EXPECT_EQ(m->driver(), "systemd-user-v1");
    EXPECT_EQ(m->paths(), (std::map<std::string, std::string>{
                              {"name=systemd", fs.path("systemd/user.slice/user-1000.slice/user@1000.service/"
                                                       "user.slice/rt-c1.scope")}}));
    EXPECT_THAT(error_of([&] { m->check(spec::parse_resources(R"({"memory": {"limit": 33554432}})")); }),
                AllOf(HasSubstr("memory"), HasSubstr("cgroup v1: the user's systemd instance is delegated no controller")));
    spec::Resources none;
    m->check(none);
    m->create(none);
    m->apply(none, container_device_rules({}, {}));
    m->add_process(4242);
    ASSERT_EQ(log->calls.size(), 1u);
    EXPECT_THAT(log->calls[0], HasSubstr("start rt-c1.scope Description=rt container c1 Slice=user.slice "
                                         "Delegate=true PIDs=[4242]"));
    EXPECT_THAT(log->calls[0], Not(HasSubstr("Device")));
    auto later = manager_from_state(layout, "systemd-user-v1", m->paths(), loader,
                                    [&] { return std::make_unique<RecordingSystemd>(log); });
    later->destroy();
    EXPECT_EQ(log->calls.back(), "stop rt-c1.scope");
}

}  // namespace
}  // namespace rt::cgroups::systemd
