// What a config sets in the kernel for the container only: sysctls, time
// namespace offsets, network interfaces moved in; and what this host cannot
// do (SELinux mount labels, Intel RDT), refused before anything exists.
#include <net/if.h>
#include <unistd.h>

#include <sstream>

#include <gmock/gmock.h>

#include "fixture.hpp"

namespace rt_test {
namespace {

class KernelSettings : public RtTest {
protected:
    Result sh(Bundle& bundle, const std::string& script) {
        bundle.args({"/bin/sh", "-c", script});
        return rt({"run", "--bundle", bundle.dir(), new_id()});
    }
};

std::string trimmed(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

TEST_F(KernelSettings, SysctlIsSetInsideAndNotOutside) {
    std::string host_forward = read_text("/proc/sys/net/ipv4/ip_forward");
    std::string host_shmmax = read_text("/proc/sys/kernel/shmmax");
    std::string host_queues = read_text("/proc/sys/fs/mqueue/queues_max");
    Bundle bundle;
    std::string forward = trimmed(host_forward) == "1" ? "0" : "1";
    bundle.config["linux"]["sysctl"] = {{"net.ipv4.ip_forward", forward},
                                        {"kernel.shmmax", "123456789"},
                                        {"fs/mqueue/queues_max", "77"}};
    // Set before readonlyPaths makes /proc/sys read-only.
    bundle.config["linux"]["readonlyPaths"] = {"/proc/sys"};
    auto r = sh(bundle, "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/queues_max");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, forward + "\n123456789\n77\n");
    EXPECT_EQ(read_text("/proc/sys/net/ipv4/ip_forward"), host_forward);
    EXPECT_EQ(read_text("/proc/sys/kernel/shmmax"), host_shmmax);
    EXPECT_EQ(read_text("/proc/sys/fs/mqueue/queues_max"), host_queues);
}

TEST_F(KernelSettings, SysctlInAUserNamespace) {
    Bundle bundle;
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["sysctl"] = {{"net.ipv4.ip_unprivileged_port_start", "80"}, {"kernel.shmmni", "99"}};
    auto r = sh(bundle, "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "80\n99\n");
}

TEST_F(KernelSettings, SysctlTheKernelRefusesIsAnErrorOfCreate) {
    Bundle bundle;
    bundle.config["linux"]["sysctl"] = {{"net.ipv4.no_such_setting", "1"}};
    bundle.write();
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("sysctl net.ipv4.no_such_setting: open /proc/sys/net/ipv4/no_such_setting: No such file"),
              std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

double first_number(const std::string& text) { return std::stod(text.substr(0, text.find(' '))); }

TEST_F(KernelSettings, TimeNamespaceShiftsUptimeAndMonotonic) {
    constexpr double year = 365.0 * 86400;
    Bundle bundle;
    bundle.config["linux"]["namespaces"].push_back({{"type", "time"}});
    bundle.config["linux"]["timeOffsets"] = {{"boottime", {{"secs", static_cast<int64_t>(year)}, {"nanosecs", 0}}},
                                             {"monotonic", {{"secs", 2 * static_cast<int64_t>(year)}}}};
    double host_uptime = first_number(read_text("/proc/uptime"));
    auto r = sh(bundle, "cat /proc/uptime; cat /proc/self/timens_offsets");
    ASSERT_EQ(r.status, 0) << r.err;
    double inside = first_number(r.out);
    EXPECT_GT(inside, host_uptime + year - 60) << r.out;
    EXPECT_LT(inside, host_uptime + year + 60) << r.out;
    EXPECT_THAT(r.out, ::testing::ContainsRegex("monotonic +" + std::to_string(2 * static_cast<int64_t>(year)) +
                                                " +0\n"));
    // rt's own namespaces are untouched.
    EXPECT_LT(first_number(read_text("/proc/uptime")), host_uptime + 60);
    EXPECT_EQ(read_text("/proc/self/timens_offsets").find(std::to_string(static_cast<int64_t>(year))),
              std::string::npos);
}

// This kernel has no dummy interfaces: one end of a veth pair is moved in,
// its peer stays on the host.
class NetDevices : public KernelSettings {
protected:
    void SetUp() override {
        KernelSettings::SetUp();
        name_ = "rt-veth" + std::to_string(getpid() % 100000);
        peer_ = name_ + "p";
        auto r = run_program({"/usr/sbin/ip", "link", "add", name_, "type", "veth", "peer", "name", peer_});
        ASSERT_EQ(r.status, 0) << r.err;
        ASSERT_EQ(run_program({"/usr/sbin/ip", "addr", "add", "10.213.7.1/24", "dev", name_}).status, 0);
        ASSERT_EQ(run_program({"/usr/sbin/ip", "-6", "addr", "add", "fd00:213::1/64", "dev", name_}).status, 0);
    }
    void TearDown() override {
        // Gone with the container's network namespace (and the peer with
        // it); if not (a failed test), removed here.
        KernelSettings::TearDown();
        for (const auto& name : {name_, peer_}) {
            if (if_nametoindex(name.c_str()) != 0) run_program({"/usr/sbin/ip", "link", "del", name});
        }
    }
    std::string name_, peer_;
};

TEST_F(NetDevices, InterfaceMovesInWithItsNewNameAddressesAndUp) {
    Bundle bundle;
    bundle.config["linux"]["netDevices"] = {{name_, {{"name", "ctr0"}}}};
    bundle.args({"/bin/sh", "-c", "ip addr show ctr0; echo MARK; sleep 5"});
    std::string id = new_id();
    Background run(rt_argv({"run", "--bundle", bundle.dir(), id}));
    ASSERT_TRUE(run.wait_for_output("MARK"));
    EXPECT_EQ(if_nametoindex(name_.c_str()), 0U) << "still on the host";
    rt({"kill", id, "KILL"});
    auto r = run.wait();
    EXPECT_THAT(r.out, ::testing::ContainsRegex("ctr0@[^:]*: <[^>]*,UP[,>]")) << r.err;
    EXPECT_NE(r.out.find("inet 10.213.7.1/24"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("inet6 fd00:213::1/64"), std::string::npos) << r.out;
}

TEST_F(NetDevices, KeepsItsNameWithoutOne) {
    Bundle bundle;
    bundle.config["linux"]["netDevices"] = {{name_, json::object()}};
    auto r = sh(bundle, "ip -o link show | grep -c " + name_);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1\n");
}

TEST_F(NetDevices, MissingInterfaceIsRefusedBeforeAnythingExists) {
    Bundle bundle;
    bundle.config["linux"]["netDevices"] = {{"rt-no-such0", json::object()}};
    bundle.write();
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(".linux.netDevices[\"rt-no-such0\"]: no such network interface on the host"),
              std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

}  // namespace
}  // namespace rt_test
