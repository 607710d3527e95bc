// rt.lxcfs: lxcfs's files over /proc and /sys, and sysinfo(2) answered by
// rt's agent from the container's cgroup. The tests use the host's lxcfs if
// one runs, else start one of their own on a mount point of their own, which
// they stop at the end of the test binary.
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.hpp"

namespace rt_test {
namespace {

// Mount points of every fuse.lxcfs mount of the whole filesystem.
std::vector<std::string> lxcfs_mounts() {
    std::vector<std::string> points;
    for (const auto& line : host_mounts_containing(" - fuse.lxcfs ")) {
        std::istringstream fields(line);
        std::string skip, root, point;
        fields >> skip >> skip >> skip >> root >> point;
        if (root == "/") points.push_back(point);
    }
    return points;
}

bool lxcfs_answers(const std::string& point) {
    struct stat st {};
    return stat((point + "/proc/meminfo").c_str(), &st) == 0;
}

// lxcfs for the tests: the host's, or one started here (and stopped by the
// environment's TearDown once every test ran).
class LxcfsEnvironment : public ::testing::Environment {
public:
    static void ensure_running() {
        for (const auto& point : lxcfs_mounts()) {
            if (lxcfs_answers(point)) return;
        }
        if (pid_ > 0) return;
        mount_point_ = "/run/rt-test-lxcfs-" + std::to_string(getpid());
        mkdir(mount_point_.c_str(), 0755);
        pid_ = fork();
        if (pid_ == 0) {
            for (int fd = 3; fd < 1024; ++fd) close(fd);
            std::string pidfile = mount_point_ + ".pid";
            execlp("lxcfs", "lxcfs", "-f", "-p", pidfile.c_str(), mount_point_.c_str(), nullptr);
            _exit(127);
        }
        bool up = eventually([] { return lxcfs_answers(mount_point_); }, 10000);
        ASSERT_TRUE(up) << "lxcfs did not come up on " << mount_point_ << " (is the lxcfs package installed?)";
    }

    void TearDown() override {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        umount2(mount_point_.c_str(), MNT_DETACH);  // if lxcfs left it
        rmdir(mount_point_.c_str());
        unlink((mount_point_ + ".pid").c_str());
        pid_ = -1;
    }

private:
    static inline pid_t pid_ = -1;
    static inline std::string mount_point_;
};

const auto* const kLxcfsEnvironment = ::testing::AddGlobalTestEnvironment(new LxcfsEnvironment);

std::string field(const std::string& text, const std::string& key) {
    std::istringstream words(text);
    std::string word;
    while (words >> word) {
        if (word.rfind(key + "=", 0) == 0) return word.substr(key.size() + 1);
    }
    return "";
}

// The value (kB) of a /proc/meminfo line.
std::string meminfo(const std::string& text, const std::string& key) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream fields(line.substr(key.size() + 1));
            std::string value;
            fields >> value;
            return value;
        }
    }
    return "";
}

// `free`'s total of its Mem: line (busybox free gets it from sysinfo).
std::string free_total(const std::string& text) {
    auto at = text.find("Mem:");
    if (at == std::string::npos) return "";
    std::istringstream fields(text.substr(at + 4));
    std::string total;
    fields >> total;
    return total;
}

class Lxcfs : public RtTest {
protected:
    void SetUp() override {
        RtTest::SetUp();
        LxcfsEnvironment::ensure_running();
    }

    // A container with the annotation, a 64 MiB memory limit and cpuset "0".
    void lxcfs_config(Bundle& bundle, const std::vector<std::string>& args) {
        bundle.config["annotations"]["rt.lxcfs"] = "true";
        bundle.config["linux"]["resources"]["memory"]["limit"] = 64 << 20;
        bundle.config["linux"]["resources"]["cpu"]["cpus"] = "0";
        bundle.args(args);
    }

    Result run(Bundle& bundle) { return rt({"run", "--bundle", bundle.dir(), new_id()}); }

    // The agents of this test's containers: their command line names our --root.
    std::vector<pid_t> agents() {
        std::vector<pid_t> found;
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            std::string name = entry.path().filename();
            if (name.find_first_not_of("0123456789") != std::string::npos) continue;
            if (read_text(entry.path() / "comm") != "rt-sysinfo\n") continue;
            if (read_text(entry.path() / "cmdline").find(root_) != std::string::npos) found.push_back(std::stoi(name));
        }
        return found;
    }
};

TEST_F(Lxcfs, MeminfoAndFreeShowTheMemoryLimit) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/sh", "-c", "cat /proc/meminfo; echo ---; free"});
    Result r = run(bundle);
    ASSERT_EQ(r.status, 0) << r.err;
    auto split = r.out.find("---");
    ASSERT_NE(split, std::string::npos) << r.out;
    EXPECT_EQ(meminfo(r.out.substr(0, split), "MemTotal"), "65536") << r.out;
    // busybox free: total from sysinfo(2), which rt's agent answers.
    EXPECT_EQ(free_total(r.out.substr(split)), "65536") << r.out;
}

TEST_F(Lxcfs, SysinfoFollowsTheCgroup) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/rt-testhelper", "sysinfo"});
    Result r = run(bundle);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(field(r.out, "totalram"), std::to_string(64 << 20)) << r.out;
    uint64_t free = std::stoull(field(r.out, "freeram"));
    EXPECT_GT(free, 0u);
    EXPECT_LT(free, 64u << 20);
    EXPECT_EQ(field(r.out, "procs"), "1") << r.out;  // the helper alone in the cgroup
    EXPECT_LT(std::stol(field(r.out, "uptime")), 30) << r.out;
}

TEST_F(Lxcfs, CpuinfoOnlineAndNprocFollowTheCpuset) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/sh", "-c",
                          "grep -c ^processor /proc/cpuinfo; cat /sys/devices/system/cpu/online; nproc"});
    Result r = run(bundle);
    ASSERT_EQ(r.status, 0) << r.err;
    // nproc counts sched_getaffinity, which the cpuset limits already.
    EXPECT_EQ(r.out, "1\n0\n1\n");
}

TEST_F(Lxcfs, UptimeIsTheContainers) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/cat", "/proc/uptime"});
    Result r = run(bundle);
    ASSERT_EQ(r.status, 0) << r.err;
    double host = std::stod(read_text("/proc/uptime"));
    double container = std::stod(r.out);
    EXPECT_LT(container, 30) << r.out;
    EXPECT_GT(host, container + 30) << "host " << host << ", container " << container;
}

TEST_F(Lxcfs, TheBindsAreReadOnly) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/sh", "-c",
                          "for f in /proc/meminfo /proc/cpuinfo /proc/uptime /sys/devices/system/cpu/online; do "
                          "rt-testhelper open $f w; done; grep fuse.lxcfs /proc/self/mountinfo"});
    Result r = run(bundle);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.substr(0, 24), "EROFS\nEROFS\nEROFS\nEROFS\n") << r.out;
    std::istringstream lines(r.out);
    std::string line;
    int mounts = 0;
    while (std::getline(lines, line)) {
        if (line.find("fuse.lxcfs") == std::string::npos) continue;
        ++mounts;
        std::istringstream fields(line);
        std::string skip, point, options;
        fields >> skip >> skip >> skip >> skip >> point >> options;
        EXPECT_EQ(options.rfind("ro,", 0), 0u) << line;
        EXPECT_TRUE(point.rfind("/proc/", 0) == 0 || point == "/sys/devices/system/cpu/online") << line;
    }
    EXPECT_GE(mounts, 7) << r.out;  // lxcfs 5 serves all nine files
}

TEST_F(Lxcfs, WithoutTheAnnotationNothingChanges) {
    Bundle bundle;
    bundle.config["linux"]["resources"]["memory"]["limit"] = 64 << 20;
    bundle.args({"/bin/sh", "-c", "grep -c fuse.lxcfs /proc/self/mountinfo; rt-testhelper sysinfo; "
                                  "grep MemTotal /proc/meminfo"});
    Result r = run(bundle);
    struct sysinfo host {};
    sysinfo(&host);
    EXPECT_EQ(r.out.substr(0, 2), "0\n") << r.out;
    EXPECT_EQ(field(r.out, "totalram"), std::to_string(uint64_t{host.totalram} * host.mem_unit)) << r.out;
    EXPECT_EQ(meminfo(r.out.substr(r.out.find("MemTotal")), "MemTotal"), meminfo(read_text("/proc/meminfo"), "MemTotal"));
}

TEST_F(Lxcfs, ExecGetsTheSameAnswers) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), id}).status, 0);
    Result r = rt({"exec", id, "/bin/sh", "-c", "rt-testhelper sysinfo; free; grep MemTotal /proc/meminfo"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(field(r.out, "totalram"), std::to_string(64 << 20)) << r.out;
    EXPECT_EQ(free_total(r.out), "65536") << r.out;
    EXPECT_NE(r.out.find("MemTotal:          65536 kB"), std::string::npos) << r.out;
}

TEST_F(Lxcfs, TheAgentLivesAsLongAsTheContainer) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_EQ(agents().size(), 1u);
    pid_t agent = agents().front();
    // Outside the container: not in its cgroup.
    EXPECT_EQ(read_text("/proc/" + std::to_string(agent) + "/cgroup").find("/rt/" + id), std::string::npos);
    ASSERT_EQ(rt({"start", id}).status, 0);
    ASSERT_EQ(rt({"kill", id, "TERM"}).status, 0);
    EXPECT_TRUE(eventually([&] { return !process_exists(agent); })) << "the agent outlived its container";
    ASSERT_EQ(rt({"delete", id}).status, 0);
}

TEST_F(Lxcfs, TheAgentEndsWhenCreateFailsLate) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/true"});
    bundle.config["hooks"]["createRuntime"] = json::array({{{"path", "/bin/false"}}});
    bundle.write();
    std::string id = new_id();
    Result r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_TRUE(eventually([&] { return agents().empty(); })) << "an agent outlived the failed create";
}

// A process moved out of the container's cgroup gets the kernel's answer.
TEST_F(Lxcfs, AProcessOutsideTheContainerIsNotAnswered) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/rt-testhelper", "sysinfo-on-usr1"});
    std::string id = new_id();
    Background run(rt_argv({"run", "--bundle", bundle.dir(), id}));
    ASSERT_TRUE(run.wait_for_output("uptime=")) << "no first answer";
    pid_t pid = state(id)["pid"];
    std::string outside = "/sys/fs/cgroup/memory/rt-test-outside-" + std::to_string(getpid());
    ASSERT_EQ(mkdir(outside.c_str(), 0755), 0);
    std::ofstream(outside + "/cgroup.procs") << pid;
    kill(pid, SIGUSR1);
    bool second = run.wait_for_output("\ntotalram=");
    kill(pid, SIGTERM);
    Result r = run.wait();
    rmdir(outside.c_str());
    ASSERT_TRUE(second) << r.out << r.err;
    struct sysinfo host {};
    sysinfo(&host);
    std::string first = r.out.substr(0, r.out.find('\n'));
    std::string then = r.out.substr(r.out.find('\n') + 1);
    EXPECT_EQ(field(first, "totalram"), std::to_string(64 << 20)) << r.out;
    EXPECT_EQ(field(then, "totalram"), std::to_string(uint64_t{host.totalram} * host.mem_unit)) << r.out;
}

TEST_F(Lxcfs, WorksInAUserNamespace) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/sh", "-c", "grep MemTotal /proc/meminfo; rt-testhelper sysinfo"});
    add_user_namespace(bundle.config);
    bundle.write();
    chown_tree(bundle.rootfs(), kMappedRoot, kMappedRoot);
    Result r = run(bundle);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("MemTotal:          65536 kB"), std::string::npos) << r.out;
    EXPECT_EQ(field(r.out, "totalram"), std::to_string(64 << 20)) << r.out;
}

TEST_F(Lxcfs, AProfileThatRefusesSysinfoStillRefusesIt) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/rt-testhelper", "sysinfo"});
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", json::array({{{"names", {"sysinfo"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 13}}})}};
    bundle.write();
    Result r = run(bundle);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "sysinfo EACCES\n");
}

TEST_F(Lxcfs, AProfileWithItsOwnListenerIsRefused) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/true"});
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"listenerPath", "/run/nobody-listens"},
        {"syscalls", json::array({{{"names", {"getcwd"}}, {"action", "SCMP_ACT_NOTIFY"}}})}};
    expect_create_fails(bundle, "annotation rt.lxcfs: .linux.seccomp has SCMP_ACT_NOTIFY rules");
}

TEST_F(Lxcfs, NeedsProcOnProc) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/true"});
    bundle.config["mounts"].erase(0);  // /proc
    expect_create_fails(bundle, "annotation rt.lxcfs: needs a mount of type \"proc\" on /proc");
}

TEST_F(Lxcfs, BadValueIsRefused) {
    Bundle bundle;
    bundle.config["annotations"]["rt.lxcfs"] = "yes";
    expect_create_fails(bundle, R"(.annotations["rt.lxcfs"]: must be "true" or "false", not "yes")");
}

// rt create where no lxcfs is mounted: in a private mount namespace of the
// test (the host's mounts stay as they are) in which every lxcfs mount is
// unmounted. `script` runs before rt; "$@" are those mounts.
Result create_without_lxcfs(const std::vector<std::string>& rt_argv, const std::string& script) {
    std::vector<std::string> argv = {"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                                     "for m; do umount -l \"$m\" || exit 99; done; " + script + " exec " +
                                         [&] {
                                             std::string words;
                                             for (const auto& w : rt_argv) words += "'" + w + "' ";
                                             return words;
                                         }(),
                                     "sh"};
    for (const auto& point : lxcfs_mounts()) argv.push_back(point);
    return run_program(argv);
}

TEST_F(Lxcfs, NoLxcfsIsAClearErrorAndLeavesNothing) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/true"});
    std::string id = new_id();
    Result r = create_without_lxcfs(rt_argv({"create", "--bundle", bundle.dir(), id}), "");
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("annotation rt.lxcfs: lxcfs is not running (no mount of type fuse.lxcfs"), std::string::npos)
        << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_FALSE(path_exists("/sys/fs/cgroup/memory/rt/" + id));
    EXPECT_TRUE(agents().empty());
}

TEST_F(Lxcfs, ADeadLxcfsIsAClearError) {
    Bundle bundle;
    lxcfs_config(bundle, {"/bin/true"});
    std::string id = new_id();
    // An lxcfs of the namespace's own, killed: its mount stays and answers
    // ENOTCONN (the namespace, and so the mount, go when the shell exits).
    std::string point = "/run/rt-test-dead-lxcfs-" + std::to_string(getpid());
    std::string script = "mkdir -p " + point + "; lxcfs -f -p " + point + ".pid " + point +
                         " >/dev/null 2>&1 & lxcfs=$!; i=0; until grep -q ' " + point +
                         " ' /proc/self/mountinfo; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.02; done; "
                         "kill -9 $lxcfs; wait $lxcfs; rm -f " + point + ".pid;";
    Result r = create_without_lxcfs(rt_argv({"create", "--bundle", bundle.dir(), id}), script);
    rmdir(point.c_str());
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("annotation rt.lxcfs: lxcfs is not running: lxcfs's mount " + point + " does not answer"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

}  // namespace
}  // namespace rt_test
