// rt features: the Features structure of the runtime spec, holding only the
// fields the spec defines (tests/data/features/fields.json, the project's
// copy of features.md and features-linux.md), and saying of each feature
// exactly what `rt create` does with a config that uses it.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"

namespace rt_test {
namespace {

class Features : public RtTest {
protected:
    json features() {
        auto r = rt({"features"});
        EXPECT_EQ(r.status, 0) << r.err;
        return json::parse(r.out);
    }

    // Does create refuse this config as something rt does not implement?
    bool create_says_unsupported(const json& patch) {
        Bundle bundle;
        bundle.config.merge_patch(patch);
        bundle.write();
        std::string id = new_id();
        auto r = rt({"create", "--bundle", bundle.dir(), id});
        if (r.status == 0) rt({"delete", "--force", id});
        return r.err.find("not supported by this build of rt") != std::string::npos;
    }
};

bool has_type(const json& value, const std::string& type) {
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_boolean();
    if (type == "object") return value.is_object();
    if (type == "array of strings" || type == "object of strings") {
        if (type == "array of strings" ? !value.is_array() : !value.is_object()) return false;
        for (const auto& element : value) {
            if (!element.is_string()) return false;
        }
        return true;
    }
    return false;
}

// Every field path in `value` ("linux.cgroup.v1"), objects walked down to
// the fields the list names as leaves.
void collect(const json& value, const std::string& prefix, const json& known,
             std::vector<std::string>& paths) {
    for (const auto& [key, child] : value.items()) {
        std::string path = prefix.empty() ? key : prefix + "." + key;
        paths.push_back(path);
        if (child.is_object() && known.contains(path) && known[path] == "object") {
            collect(child, path, known, paths);
        }
    }
}

TEST_F(Features, OnlyTheSpecsFieldsWithTheirTypes) {
    json spec = json::parse(read_text(std::string(RT_SOURCE_DIR) + "/tests/data/features/fields.json"));
    const json& known = spec["fields"];
    json f = features();
    for (const auto& required : spec["required"]) {
        EXPECT_TRUE(f.contains(required.get<std::string>())) << required;
    }
    std::vector<std::string> paths;
    collect(f, "", known, paths);
    for (const auto& path : paths) {
        ASSERT_TRUE(known.contains(path)) << "rt features has a field the spec does not define: " << path;
        json value = f;
        std::string rest = path;
        for (size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1)) {
            value = value[rest.substr(0, dot)];
        }
        value = value[rest];
        if (value.is_null()) continue;  // allowed for every optional field
        EXPECT_TRUE(has_type(value, known[path])) << path << " should be " << known[path] << ": " << value;
    }
    EXPECT_EQ(f["ociVersionMin"], "1.0.0");
    EXPECT_EQ(f["ociVersionMax"], "1.3.0");
}

TEST_F(Features, VersionsAreAcceptedByCreate) {
    json f = features();
    for (const char* field : {"ociVersionMin", "ociVersionMax"}) {
        EXPECT_FALSE(create_says_unsupported({{"ociVersion", f[field]}}));
        Bundle bundle;
        bundle.config["ociVersion"] = f[field];
        bundle.write();
        auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
        EXPECT_EQ(r.status, 0) << field << ": " << r.err;
    }
}

TEST_F(Features, NamespacesAreThoseCreateAccepts) {
    json listed = features()["linux"]["namespaces"];
    for (const char* type : {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"}) {
        // mount (rt needs it) and uts (the test config sets a hostname).
        json patch;
        json& list = patch["linux"]["namespaces"] = json::array({{{"type", "mount"}}, {{"type", "uts"}}});
        if (std::string(type) != "mount" && std::string(type) != "uts") list.push_back({{"type", type}});
        if (std::string(type) == "user") {
            json map = json::array({{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}});
            patch["linux"]["uidMappings"] = map;
            patch["linux"]["gidMappings"] = map;
        }
        bool is_listed = std::find(listed.begin(), listed.end(), type) != listed.end();
        EXPECT_EQ(is_listed, !create_says_unsupported(patch)) << type;
    }
    for (const char* always : {"mount", "pid", "network", "ipc", "uts", "cgroup"}) {
        EXPECT_NE(std::find(listed.begin(), listed.end(), always), listed.end()) << always;
    }
}

TEST_F(Features, EachFeatureSaysWhatCreateDoes) {
    json f = features();
    auto enabled = [&](const json::json_pointer& where) {
        const json& value = f.at(where);
        return value.is_boolean() ? value.get<bool>() : !value.empty();
    };
    struct Case {
        const char* feature;  // JSON pointer into `rt features`
        const char* patch;    // a config that uses it
    };
    const Case cases[] = {
        {"/hooks", R"({"hooks": {"poststop": [{"path": "/bin/true"}]}})"},
        {"/linux/capabilities", R"({"process": {"capabilities": {"bounding": ["CAP_CHOWN"]}}})"},
        {"/linux/cgroup/v2", R"({"linux": {"resources": {"pids": {"limit": 100}}}})"},
        {"/linux/seccomp/enabled", R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW"}}})"},
        {"/linux/apparmor/enabled", R"({"process": {"apparmorProfile": "unconfined"}})"},
        {"/linux/selinux/enabled", R"({"process": {"selinuxLabel": "system_u:system_r:container_t:s0"}})"},
        {"/linux/memoryPolicy/modes", R"({"linux": {"memoryPolicy": {"mode": "MPOL_DEFAULT"}}})"},
        {"/linux/intelRdt/enabled", R"({"linux": {"intelRdt": {"closID": "rt"}}})"},
        {"/linux/netDevices/enabled", R"({"linux": {"netDevices": {"rt-test-none": {}}}})"},
        {"/linux/mountExtensions/idmap/enabled",
         R"({"mounts": [{"destination": "/m", "source": "/tmp", "type": "bind", "options": ["bind"],
             "uidMappings": [{"containerID": 0, "hostID": 0, "size": 1}],
             "gidMappings": [{"containerID": 0, "hostID": 0, "size": 1}]}]})"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(enabled(json::json_pointer(c.feature)), !create_says_unsupported(json::parse(c.patch)))
            << c.feature;
    }
    // The capabilities, when there are any, are libcap's names of them all.
    json caps = f["linux"]["capabilities"];
    if (!caps.empty()) {
        EXPECT_EQ(caps.front(), "CAP_CHOWN");
        EXPECT_NE(std::find(caps.begin(), caps.end(), "CAP_SYS_ADMIN"), caps.end());
    }
}

// The seccomp architectures and filter flags are each what create takes
// (libseccomp builds no filter for an architecture of the other endianness,
// nor for one it does not know), never an empty list for want of a
// defaultAction in the probe.
TEST_F(Features, SeccompArchsAndFlagsAreThoseCreateTakes) {
    json seccomp = features()["linux"]["seccomp"];
    auto listed = [](const json& list, const std::string& name) {
        return std::find(list.begin(), list.end(), name) != list.end();
    };
    auto create_takes = [&](const json& seccomp_object) {
        Bundle bundle;
        bundle.config["linux"]["seccomp"] = seccomp_object;
        bundle.write();
        std::string id = new_id();
        auto r = rt({"create", "--bundle", bundle.dir(), id});
        if (r.status == 0) rt({"delete", "--force", id});
        return r.status == 0;
    };
    for (const char* arch :
         {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS",
          "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
          "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
          "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", "SCMP_ARCH_X32",
          "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"}) {
        json object = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {arch}}};
        EXPECT_EQ(listed(seccomp["archs"], arch), create_takes(object)) << arch;
    }
    EXPECT_TRUE(listed(seccomp["archs"], "SCMP_ARCH_X86_64") || listed(seccomp["archs"], "SCMP_ARCH_AARCH64"));
    for (const char* flag : {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG",
                             "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}) {
        json object = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"flags", {flag}}};
        EXPECT_EQ(listed(seccomp["knownFlags"], flag), create_takes(object)) << flag;
    }
    // Supported: known, and taken by this kernel and libseccomp (TSYNC: any
    // kernel rt runs on).
    EXPECT_TRUE(listed(seccomp["supportedFlags"], "SECCOMP_FILTER_FLAG_TSYNC")) << seccomp;
    for (const auto& flag : seccomp["supportedFlags"]) EXPECT_TRUE(listed(seccomp["knownFlags"], flag)) << flag;
    // Every action, SCMP_ACT_NOTIFY (which needs a listenerPath) too.
    EXPECT_EQ(seccomp["actions"].size(), 9u) << seccomp["actions"];
}

TEST_F(Features, MountOptionsCreateActsOn) {
    json options = features()["mountOptions"];
    for (const char* option :
         {"ro", "nosuid", "rbind", "rprivate", "rro", "nosymfollow", "strictatime", "idmap", "ridmap"}) {
        EXPECT_NE(std::find(options.begin(), options.end(), option), options.end()) << option;
    }
    // Filesystem data is not claimed.
    for (const char* option : {"mode=755", "size=1m"}) {
        EXPECT_EQ(std::find(options.begin(), options.end(), option), options.end()) << option;
    }
    // A recognized option does what it says: rro makes a bind read-only.
    Bundle bundle;
    bundle.config["mounts"].push_back(
        {{"destination", "/mnt"}, {"type", "bind"}, {"source", bundle.dir()}, {"options", {"rbind", "rro"}}});
    bundle.args({"/bin/rt-testhelper", "write", "/mnt/x", "data"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "EROFS\n");
}

// tmpcopyup (runc's extension, listed): the tmpfs starts with a copy of the
// directory it covers, owners, modes and symlinks as they are (a symlink
// copied, never followed), read-only last when asked; the image itself is
// left as it was.
TEST_F(Features, TmpcopyupCopiesTheCoveredDirectory) {
    json options = features()["mountOptions"];
    EXPECT_NE(std::find(options.begin(), options.end(), "tmpcopyup"), options.end());
    Bundle bundle;
    std::string dir = bundle.rootfs() + "/srv/data";
    std::filesystem::create_directories(dir + "/sub");
    std::ofstream(dir + "/sub/file") << "image data\n";
    ASSERT_EQ(chown((dir + "/sub/file").c_str(), 1000, 1001), 0);
    ASSERT_EQ(chmod((dir + "/sub/file").c_str(), 0604), 0);
    ASSERT_EQ(symlink("/proc/self/root/etc/shadow-of-the-host", (dir + "/escape").c_str()), 0);
    bundle.config["mounts"].push_back({{"destination", "/srv/data"},
                                       {"type", "tmpfs"},
                                       {"source", "tmpfs"},
                                       {"options", {"tmpcopyup", "mode=750", "nosuid"}}});
    bundle.args({"/bin/sh", "-c",
                 "cat /srv/data/sub/file; stat -c '%a %u %g' /srv/data /srv/data/sub/file; readlink /srv/data/escape; "
                 "grep ' /srv/data ' /proc/self/mounts | cut -d' ' -f3; echo new > /srv/data/new && echo written"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "image data\n750 0 0\n604 1000 1001\n/proc/self/root/etc/shadow-of-the-host\ntmpfs\nwritten\n");
    EXPECT_FALSE(path_exists(dir + "/new"));  // the write went to the tmpfs

    // "ro" holds once the copy is in.
    bundle.config["mounts"].back()["options"].push_back("ro");
    bundle.args({"/bin/sh", "-c", "cat /srv/data/sub/file; /bin/rt-testhelper write /srv/data/x y"});
    r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "image data\nEROFS\n");

    // Only for tmpfs: elsewhere runc ignores it, rt says so.
    Bundle bind;
    bind.config["mounts"].push_back({{"destination", "/mnt"},
                                     {"type", "bind"},
                                     {"source", bind.dir()},
                                     {"options", {"rbind", "tmpcopyup"}}});
    expect_create_fails(bind, ".mounts[6]: tmpcopyup is for tmpfs mounts only");
}

// The annotations of config.json rt acts on (rt.lxcfs, rt.init) are the
// potentially unsafe ones features.md lets a runtime name, and create checks
// their values.
TEST_F(Features, AnnotationsRtActsOn) {
    json f = features();
    EXPECT_EQ(f["potentiallyUnsafeConfigAnnotations"], json::array({"rt.lxcfs", "rt.init"}));
    for (const auto& key : f["potentiallyUnsafeConfigAnnotations"]) {
        Bundle bundle;
        bundle.config["annotations"][key.get<std::string>()] = "maybe";
        expect_create_fails(bundle, "must be \"true\" or \"false\", not \"maybe\"");
    }
}

}  // namespace
}  // namespace rt_test
