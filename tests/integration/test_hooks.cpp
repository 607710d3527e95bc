// OCI hooks: each runs once, in the spec's order, at the point and with the
// state the spec gives it, from the command that reaches that point; a
// failure fails that command and leaves nothing (or a stopped container).
//
// Every hook here appends "<phase> <state JSON>" to one log file: runtime
// hooks and createContainer (before pivot_root) reach it at its host path,
// startContainer (inside the container) at /hooks, a bind of its directory.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

struct LoggedHook {
    std::string phase;
    json state;
};

class Hooks : public RtTest {
protected:
    void SetUp() override {
        RtTest::SetUp();
        hooks_dir_ = bundle_.dir() + "/hooks";
        fs::create_directories(hooks_dir_);
        chmod(hooks_dir_.c_str(), 0777);
        bundle_.config["mounts"].push_back(
            {{"destination", "/hooks"}, {"type", "bind"}, {"source", hooks_dir_}, {"options", {"rbind"}}});
        bundle_.args({"/bin/rt-testhelper", "sleep", "30"});
    }

    // A hook that logs its phase and the state it read.
    json logging_hook(const std::string& phase, const std::string& log_dir, const std::string& extra = "") {
        return {{"path", "/bin/sh"},
                {"args", {"sh", "-c", "echo \"" + phase + " $(cat)\" >> " + log_dir + "/log" + extra}}};
    }
    json failing_hook(const std::string& message) {
        return {{"path", "/bin/sh"}, {"args", {"sh", "-c", "echo " + message + " >&2; exit 7"}}};
    }
    // Every phase, each logging.
    void log_every_phase() {
        auto& hooks = bundle_.config["hooks"];
        hooks["prestart"] = {logging_hook("prestart", hooks_dir_)};
        hooks["createRuntime"] = {logging_hook("createRuntime", hooks_dir_)};
        hooks["createContainer"] = {logging_hook("createContainer", hooks_dir_)};
        hooks["startContainer"] = {logging_hook("startContainer", "/hooks")};
        hooks["poststart"] = {logging_hook("poststart", hooks_dir_)};
        hooks["poststop"] = {logging_hook("poststop", hooks_dir_)};
    }

    std::vector<LoggedHook> logged() {
        std::vector<LoggedHook> entries;
        std::istringstream lines(read_text(hooks_dir_ + "/log"));
        std::string line;
        while (std::getline(lines, line)) {
            auto space = line.find(' ');
            entries.push_back({line.substr(0, space), json::parse(line.substr(space + 1))});
        }
        return entries;
    }
    std::vector<std::string> phases() {
        std::vector<std::string> names;
        for (const auto& entry : logged()) names.push_back(entry.phase);
        return names;
    }

    Bundle bundle_;
    std::string hooks_dir_;
};

using Phases = std::vector<std::string>;

TEST_F(Hooks, EachRunsOnceInOrderFromTheCommandThatReachesIt) {
    log_every_phase();
    bundle_.config["annotations"] = {{"org.example.hooks", "yes"}};
    bundle_.write();
    std::string id = new_id();

    auto r = rt({"create", "--bundle", bundle_.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(phases(), (Phases{"prestart", "createRuntime", "createContainer"}));
    pid_t init = state(id)["pid"];

    r = rt({"start", id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(phases(), (Phases{"prestart", "createRuntime", "createContainer", "startContainer", "poststart"}));

    r = rt({"kill", id, "KILL"});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    r = rt({"delete", id});
    ASSERT_EQ(r.status, 0) << r.err;
    auto log = logged();
    ASSERT_EQ(phases(), (Phases{"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                                "poststop"}));

    // The state each got: the status of its point of the lifecycle; the pid
    // as seen where it runs (the host's, or 1 inside the pid namespace).
    const std::vector<std::pair<std::string, int>> expected = {
        {"creating", init}, {"creating", init}, {"creating", 1}, {"created", 1}, {"running", init}};
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(log[i].state["status"], expected[i].first) << log[i].phase;
        EXPECT_EQ(log[i].state["pid"], expected[i].second) << log[i].phase;
        EXPECT_EQ(log[i].state["id"], id);
        EXPECT_EQ(log[i].state["bundle"], bundle_.dir());
        EXPECT_EQ(log[i].state["ociVersion"], "1.3.0");
        EXPECT_EQ(log[i].state["annotations"]["org.example.hooks"], "yes") << log[i].phase;
    }
    EXPECT_EQ(log[5].state["status"], "stopped");
    EXPECT_FALSE(log[5].state.contains("pid"));
}

TEST_F(Hooks, RunRunsThemAllAndArgsEnvReachTheHook) {
    log_every_phase();
    bundle_.config["hooks"]["createRuntime"] = {
        {{"path", "/bin/sh"},
         {"args", {"hook-name", "-c", "echo \"$0 $1 $HOOK_VAR\" > " + hooks_dir_ + "/args", "zero", "one"}},
         {"env", {"HOOK_VAR=from-env"}}}};
    bundle_.args({"/bin/true"});
    auto r = rt({"run", "--bundle", bundle_.dir(), new_id()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(phases(), (Phases{"prestart", "createContainer", "startContainer", "poststart", "poststop"}));
    EXPECT_EQ(read_text(hooks_dir_ + "/args"), "zero one from-env\n");
}

TEST_F(Hooks, StartContainerRunsInTheContainerWithItsEnv) {
    // Its path resolves in the container (a busybox applet there) and it
    // sees the container's root and, without env of its own, the process's.
    bundle_.config["process"]["env"].push_back("FROM_PROCESS=yes");
    bundle_.config["hooks"]["startContainer"] = {
        {{"path", "/bin/sh"}, {"args", {"sh", "-c", "hostname > /hooks/where; echo $FROM_PROCESS >> /hooks/where"}}}};
    bundle_.args({"/bin/true"});
    auto r = rt({"run", "--bundle", bundle_.dir(), new_id()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_text(hooks_dir_ + "/where"), "rt-test\nyes\n");
}

TEST_F(Hooks, FailingCreateRuntimeLeavesNothingBehind) {
    log_every_phase();
    bundle_.config["hooks"]["createRuntime"] = {failing_hook("no-network-for-you")};
    bundle_.write();
    std::string id = new_id();
    auto mounts_before = host_mounts_containing(bundle_.dir()).size();
    auto r = rt({"create", "--bundle", bundle_.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("createRuntime hook /bin/sh: exit status 7"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no-network-for-you"), std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_EQ(host_mounts_containing(bundle_.dir()).size(), mounts_before);
    // The container was stopped and destroyed: no process of it is left,
    // and the lifecycle went on to poststop (runtime.md steps 4, 12, 13).
    EXPECT_EQ(phases(), (Phases{"prestart", "poststop"}));
    EXPECT_EQ(run_program({"/usr/bin/pgrep", "-f", id}).status, 1) << "a process of the container is left";
}

TEST_F(Hooks, FailingCreateContainerFailsCreate) {
    bundle_.config["hooks"]["createContainer"] = {failing_hook("bad-mounts")};
    bundle_.write();
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle_.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("createContainer hook /bin/sh: exit status 7 (output: bad-mounts)"), std::string::npos)
        << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

TEST_F(Hooks, TimeoutKillsTheHookAndFailsCreate) {
    bundle_.config["hooks"]["prestart"] = {
        {{"path", "/bin/sh"}, {"args", {"sh", "-c", "echo $$ > " + hooks_dir_ + "/pid; exec sleep 60"}}, {"timeout", 1}}};
    bundle_.write();
    std::string id = new_id();
    auto start = std::chrono::steady_clock::now();
    auto r = rt({"create", "--bundle", bundle_.dir(), id});
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("prestart hook /bin/sh: did not finish within its timeout of 1s and was killed"),
              std::string::npos) << r.err;
    EXPECT_LT(took, std::chrono::seconds(10));
    EXPECT_FALSE(process_exists(std::stoi(read_text(hooks_dir_ + "/pid"))));
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

TEST_F(Hooks, FailingStartContainerFailsStartAndStopsTheContainer) {
    bundle_.config["hooks"]["startContainer"] = {failing_hook("ldconfig-broke")};
    bundle_.config["hooks"]["poststart"] = {logging_hook("poststart", hooks_dir_)};
    bundle_.config["hooks"]["poststop"] = {logging_hook("poststop", hooks_dir_)};
    bundle_.write();
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle_.dir(), id}).status, 0);
    auto r = rt({"start", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("startContainer hook /bin/sh: exit status 7 (output: ldconfig-broke)"), std::string::npos)
        << r.err;
    EXPECT_EQ(state(id)["status"], "stopped");
    EXPECT_EQ(rt({"delete", id}).status, 0);
    EXPECT_EQ(phases(), (Phases{"poststop"}));
}

TEST_F(Hooks, FailingPoststartFailsStartAndStopsTheContainer) {
    bundle_.config["hooks"]["poststart"] = {failing_hook("notify-failed")};
    bundle_.write();
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle_.dir(), id}).status, 0);
    auto r = rt({"start", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("poststart hook /bin/sh: exit status 7"), std::string::npos) << r.err;
    EXPECT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
}

TEST_F(Hooks, FailingPoststopIsOnlyAWarning) {
    bundle_.config["hooks"]["poststop"] = {failing_hook("cleanup-failed"), logging_hook("poststop", hooks_dir_)};
    bundle_.args({"/bin/true"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle_.dir(), id}).status, 0);
    auto r = rt({"delete", id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("poststop hook /bin/sh: exit status 7 (output: cleanup-failed)"), std::string::npos)
        << r.err;
    EXPECT_EQ(phases(), (Phases{"poststop"}));  // the next one still ran
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

}  // namespace
}  // namespace rt_test
