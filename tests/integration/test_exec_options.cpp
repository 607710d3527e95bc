// rt exec's options as runc 1.1 has them: --ignore-paused, --cgroup,
// --process-label, and exit status 255 when the process could not be run.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class ExecOptions : public RtTest {
protected:
    size_t process_count(const std::string& id) {
        auto r = rt({"ps", "-f", "json", id});
        return r.status == 0 ? json::parse(r.out).size() : 0;
    }
};

// runc exits 255 whenever exec fails, so that a caller tells rt's failure
// from the status of a process that ran; a bad command line stays 1.
TEST_F(ExecOptions, ExitStatus255WhenTheProcessCouldNotRun) {
    Bundle bundle;
    std::string id = start_container(bundle);
    auto r = rt({"exec", id, "no-such-binary"});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("executable file not found"), std::string::npos) << r.err;
    EXPECT_EQ(rt({"exec", "no-such-container", "true"}).status, 255);
    EXPECT_EQ(rt({"exec", id, "sh", "-c", "exit 7"}).status, 7);
    r = rt({"exec", "--no-such-flag", id, "true"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos) << r.err;
}

// A paused container refuses exec unless --ignore-paused; then the process
// joins the frozen cgroup, frozen with it, and runs once the container is
// resumed (as with runc).
TEST_F(ExecOptions, IgnorePausedRunsTheProcessOnceResumed) {
    Bundle bundle;
    std::string id = start_container(bundle);
    ASSERT_EQ(rt({"pause", id}).status, 0);
    auto r = rt({"exec", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_EQ(r.err, "rt: cannot exec in a paused container (use --ignore-paused to override)\n");

    Background exec(rt_argv({"exec", "--ignore-paused", id, "sh", "-c", "echo ran; exit 3"}));
    // The process is in the container, frozen: it has printed nothing.
    ASSERT_TRUE(eventually([&] { return process_count(id) == 2; }, 20000));
    EXPECT_EQ(state(id)["status"], "paused");
    ASSERT_EQ(rt({"resume", id}).status, 0);
    r = exec.wait();
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_EQ(r.out, "ran\n");
}

// --cgroup [CONTROLLER:]PATH: a sub-cgroup (made beforehand) of the
// container's cgroup, per controller or, with a path alone, in every
// hierarchy; nothing outside the container's cgroup.
TEST_F(ExecOptions, CgroupPutsTheProcessInASubCgroup) {
    Bundle bundle;
    bundle.config["linux"]["cgroupsPath"] = "/rt-test-exec-cgroup-" + std::to_string(getpid()) + "/c";
    bundle.write();
    std::string id = start_container(bundle);
    std::map<std::string, std::string> paths =
        json::parse(read_text(root_ + "/" + id + "/state.json"))["cgroupPaths"];
    ASSERT_TRUE(paths.size() > 1 ? paths.count("pids") == 1 : paths.count("") == 1);
    const std::string one = paths.size() > 1 ? "pids" : "";  // cgroup v1: one controller; v2: the cgroup
    for (const auto& [controller, path] : paths) {
        mkdir((path + "/all").c_str(), 0755);
        if (controller == one) mkdir((path + "/only").c_str(), 0755);
        if (controller == "cpuset") {  // v1: a new cpuset has no CPUs nor memory nodes until given some
            for (const char* file : {"/cpuset.cpus", "/cpuset.mems"}) {
                std::ofstream(path + "/all" + file) << read_text(path + file);
            }
        }
    }
    // For each hierarchy: is the process exec'd with `options` in the
    // cgroup `sub` below the container's?
    auto in_sub_cgroup = [&](const std::vector<std::string>& options, const std::string& sub) {
        std::vector<std::string> args = {"exec", "-d", "--pid-file", bundle.dir() + "/exec.pid"};
        args.insert(args.end(), options.begin(), options.end());
        args.insert(args.end(), {id, "/bin/rt-testhelper", "sleep", "100"});
        auto r = rt(args);
        EXPECT_EQ(r.status, 0) << r.err;
        std::string pid = read_text(bundle.dir() + "/exec.pid");
        std::map<std::string, bool> in;
        for (const auto& [controller, path] : paths) {
            in[controller] = read_text(path + "/" + sub + "/cgroup.procs").find(pid + "\n") != std::string::npos;
        }
        if (!pid.empty()) kill(std::stoi(pid), SIGKILL);
        return in;
    };
    for (const auto& [controller, in] : in_sub_cgroup({"--cgroup", "/all/"}, "all")) EXPECT_TRUE(in) << controller;
    if (paths.size() > 1) {
        for (const auto& [controller, in] : in_sub_cgroup({"--cgroup=" + one + ":only"}, "only")) {
            EXPECT_EQ(in, controller == one) << controller;
        }
        for (const auto& [controller, in] : in_sub_cgroup({}, ".")) EXPECT_TRUE(in) << controller;
    }

    // Refused before anything runs: outside the container's cgroup, a
    // sub-cgroup that does not exist, a controller the container lacks.
    auto r = rt({"exec", "--cgroup", "all/../../c2", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_EQ(r.err, "rt: --cgroup \"all/../../c2\": not below the container's cgroup\n");
    r = rt({"exec", "--cgroup", "nope", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("--cgroup: the sub-cgroup " + paths.begin()->second + "/nope does not exist"),
              std::string::npos)
        << r.err;
    r = rt({"exec", "--cgroup", "no-such-controller:all", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("no cgroup of the controller \"no-such-controller\""), std::string::npos) << r.err;
    EXPECT_EQ(process_count(id), 1u);

    ASSERT_EQ(rt({"delete", "--force", id}).status, 0);
    for (const auto& [controller, path] : paths) {
        EXPECT_FALSE(path_exists(path)) << path;
        rmdir(fs::path(path).parent_path().c_str());
    }
}

// Without SELinux a label cannot be honoured: an error that names the flag,
// not a process run unlabelled.
TEST_F(ExecOptions, ProcessLabelNeedsSelinux) {
    Bundle bundle;
    std::string id = start_container(bundle);
    auto r = rt({"exec", "--process-label", "system_u:system_r:container_t:s0", id, "true"});
    EXPECT_EQ(r.status, 255);
    bool selinux = read_text("/sys/kernel/security/lsm").find("selinux") != std::string::npos;
    if (!selinux) {
        EXPECT_EQ(r.err.rfind("rt: --process-label: SELinux is not enabled on this host (", 0), 0u) << r.err;
    }
    // It describes the process: not with --process.
    std::string file = bundle.dir() + "/process.json";
    std::ofstream(file) << R"({"args": ["true"], "cwd": "/"})";
    r = rt({"exec", "-p", file, "--process-label", "x", id});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("--process-label cannot be given with it"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rt_test
