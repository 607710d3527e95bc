// The lifecycle as a shim drives it: create, start, state, kill, delete, and
// run; exit statuses; what is left afterwards.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <filesystem>

#include "fixture.hpp"

namespace rt_test {
namespace {

class Lifecycle : public RtTest {};

TEST_F(Lifecycle, CreatedRunningStoppedThroughStateJson) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();

    std::string pid_file = bundle.dir() + "/pid";
    auto r = rt({"create", "--bundle", bundle.dir(), "--pid-file", pid_file, id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");

    json s = state(id);
    EXPECT_EQ(s["status"], "created");
    EXPECT_EQ(s["id"], id);
    EXPECT_EQ(s["bundle"], bundle.dir());
    EXPECT_EQ(s["rootfs"], bundle.rootfs());
    EXPECT_EQ(s["ociVersion"], "1.3.0");
    EXPECT_TRUE(s.contains("created"));
    EXPECT_TRUE(s.contains("owner"));
    int pid = s["pid"];
    EXPECT_GT(pid, 0);
    // The pid file holds digits only, no newline (containerd parses it so).
    EXPECT_EQ(read_text(pid_file), std::to_string(pid));
    EXPECT_TRUE(process_exists(pid));

    r = rt({"start", id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(state(id)["status"], "running");

    r = rt({"kill", id, "KILL"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    EXPECT_EQ(state(id)["pid"], 0);

    r = rt({"delete", id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_FALSE(process_exists(pid));
    r = rt({"state", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

// The init is named rt:init until the exec of the container's process
// renames it (state and list tell created from running by that name first);
// a process that happens to have that very name is still told apart, by the
// exec fifo.
TEST_F(Lifecycle, TheInitIsNamedUntilItsExecAndAProcessOfThatNameIsStillRunning) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    std::string comm = "/proc/" + std::to_string(state(id)["pid"].get<int>()) + "/comm";
    EXPECT_EQ(read_text(comm), "rt:init\n");
    EXPECT_EQ(state(id)["status"], "created");
    ASSERT_EQ(rt({"start", id}).status, 0);
    EXPECT_EQ(read_text(comm), "rt-testhelper\n");
    EXPECT_EQ(state(id)["status"], "running");
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);

    Bundle named;
    std::filesystem::copy_file(named.rootfs() + "/bin/rt-testhelper", named.rootfs() + "/bin/rt:init");
    named.args({"/bin/rt:init", "pause"});
    std::string other = new_id();
    ASSERT_EQ(rt({"create", "--bundle", named.dir(), other}).status, 0);
    EXPECT_EQ(state(other)["status"], "created");
    ASSERT_EQ(rt({"start", other}).status, 0);
    EXPECT_EQ(read_text("/proc/" + std::to_string(state(other)["pid"].get<int>()) + "/comm"), "rt:init\n");
    EXPECT_EQ(state(other)["status"], "running");
    EXPECT_EQ(rt({"delete", "--force", other}).status, 0);
}

TEST_F(Lifecycle, ProcessExitingOnItsOwnReadsStopped) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "exit 0"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_EQ(rt({"start", id}).status, 0);
    EXPECT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    EXPECT_EQ(rt({"delete", id}).status, 0);
}

TEST_F(Lifecycle, StartOnlyFromCreated) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_EQ(rt({"start", id}).status, 0);
    auto r = rt({"start", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("cannot start an already running container"), std::string::npos) << r.err;

    ASSERT_EQ(rt({"kill", id, "9"}).status, 0);
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    r = rt({"start", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("stopped"), std::string::npos) << r.err;
}

TEST_F(Lifecycle, DeleteRunningNeedsForce) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_EQ(rt({"start", id}).status, 0);
    int pid = state(id)["pid"];

    auto r = rt({"delete", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("cannot delete container " + id + " that is not stopped: running"),
              std::string::npos) << r.err;
    EXPECT_EQ(state(id)["status"], "running");

    r = rt({"delete", "--force", id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_TRUE(eventually([&] { return !process_exists(pid); }));
}

TEST_F(Lifecycle, DeleteCreatedKillsTheWaitingInit) {
    Bundle bundle;
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    int pid = state(id)["pid"];
    auto r = rt({"delete", id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(eventually([&] { return !process_exists(pid); }));
}

TEST_F(Lifecycle, KillOfStoppedOrUnknownIsAnError) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "exit 0"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_EQ(rt({"start", id}).status, 0);
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    auto r = rt({"kill", id, "TERM"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("container not running"), std::string::npos) << r.err;
    // --all works on a stopped, not yet deleted container.
    EXPECT_EQ(rt({"kill", "--all", id, "KILL"}).status, 0);

    r = rt({"kill", "no-such-container"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST_F(Lifecycle, DeleteForceOfUnknownSucceeds) {
    auto r = rt({"delete", "--force", "no-such-container"});
    EXPECT_EQ(r.status, 0) << r.err;
    r = rt({"delete", "no-such-container"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST_F(Lifecycle, KillTakesNamesAndNumbers) {
    for (std::string signal : {"TERM", "SIGTERM", "15", "sigterm"}) {
        Bundle bundle;
        bundle.args({"/bin/rt-testhelper", "pause"});
        std::string id = new_id();
        ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);
        auto r = rt({"kill", id, signal});
        EXPECT_EQ(r.status, 0) << signal << ": " << r.err;
        EXPECT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; })) << signal;
        EXPECT_EQ(rt({"delete", id}).status, 0);
    }
    auto r = rt({"kill", "x", "SIGNOPE"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("unknown signal \"SIGNOPE\""), std::string::npos) << r.err;
}

TEST_F(Lifecycle, RunReturnsTheExitStatus) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
}

TEST_F(Lifecycle, RunReturns128PlusSignal) {
    Bundle bundle;
    // PID 1 ignores signals it has no handler for, so the helper dies as a
    // child of sh, which exits with 128+N as shells do.
    bundle.args({"/bin/sh", "-c", "/bin/rt-testhelper signal-self SEGV; exit $?"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    // sh reports its child's death by signal as 128+N and exits with it.
    EXPECT_EQ(r.status, 128 + SIGSEGV) << r.err;

    // The init itself killed by a signal from outside: rt run says 128+9.
    Bundle waiting;
    waiting.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    Background run(rt_argv({"run", "--bundle", waiting.dir(), id}));
    ASSERT_TRUE(eventually([&] { return rt({"state", id}).out.find("running") != std::string::npos; }));
    ASSERT_EQ(rt({"kill", id, "KILL"}).status, 0);
    auto result = run.wait();
    EXPECT_EQ(result.status, 128 + SIGKILL) << result.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));  // run deletes without --keep
}

TEST_F(Lifecycle, RunForwardsSignalsToTheContainer) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    Background run(rt_argv({"run", "--bundle", bundle.dir(), id}));
    ASSERT_TRUE(eventually([&] { return rt({"state", id}).out.find("running") != std::string::npos; }));
    int pid = state(id)["pid"];
    // Running means released from the fifo; wait until the helper is there
    // with its handler, or PID 1 would drop the signal.
    ASSERT_TRUE(eventually([&] { return catches_signal(pid, SIGUSR1); }));
    kill(run.pid(), SIGUSR1);
    auto result = run.wait();
    // The helper prints the signal it got and exits 0.
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out, "SIGUSR1\n");
}

TEST_F(Lifecycle, RunKeepLeavesTheStoppedContainer) {
    Bundle bundle;
    std::string id = new_id();
    auto r = rt({"run", "--keep", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(state(id)["status"], "stopped");
    EXPECT_EQ(rt({"delete", id}).status, 0);
}

TEST_F(Lifecycle, RunWithABundleDirectoryAsTheOnlyArgument) {
    Bundle bundle;
    bundle.args({"/bin/hostname"});
    std::string id = bundle.dir().substr(bundle.dir().rfind('/') + 1);
    // From elsewhere, with a trailing slash, as a person types it.
    auto r = rt({"run", bundle.dir() + "/"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "rt-test\n");

    // The ID taken: a clear error.
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    r = rt({"run", bundle.dir()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("container \"" + id + "\" already exists"), std::string::npos) << r.err;
}

TEST_F(Lifecycle, RunWithABundleWhoseNameIsNotAValidId) {
    Bundle bundle;
    std::string odd = bundle.dir() + "/has space";
    ASSERT_EQ(system(("mkdir '" + odd + "' && cp " + bundle.dir() + "/config.json '" + odd + "'").c_str()), 0);
    auto r = rt({"run", odd});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("invalid container ID \"has space\""), std::string::npos) << r.err;
}

TEST_F(Lifecycle, RunDetachReturnsAtOnce) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    auto r = rt({"run", "-d", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(state(id)["status"], "running");
}

TEST_F(Lifecycle, ConcurrentCreatesOfOneIdOneWins) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    constexpr int n = 4;
    std::vector<std::unique_ptr<Background>> creates;
    for (int i = 0; i < n; ++i) {
        creates.push_back(std::make_unique<Background>(rt_argv({"create", "--bundle", bundle.dir(), id})));
    }
    int won = 0, lost = 0;
    for (auto& c : creates) {
        auto r = c->wait();
        if (r.status == 0) {
            ++won;
        } else {
            ++lost;
            EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
        }
    }
    EXPECT_EQ(won, 1);
    EXPECT_EQ(lost, n - 1);
    EXPECT_EQ(state(id)["status"], "created");
}

TEST_F(Lifecycle, DeleteLeavesNothing) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    bundle.config["mounts"].push_back({{"destination", "/data"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
    bundle.write();
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), id}).status, 0);
    int pid = state(id)["pid"];
    ASSERT_EQ(rt({"delete", "-f", id}).status, 0);
    EXPECT_FALSE(process_exists(pid));
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_TRUE(host_mounts_containing(bundle.dir()).empty());
    EXPECT_EQ(rt({"list", "-q"}).out, "");
}

TEST_F(Lifecycle, ListShowsContainers) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string a = new_id("a"), b = new_id("b");
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), a}).status, 0);
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), b}).status, 0);

    auto r = rt({"list"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("ID ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("PID"), std::string::npos);
    EXPECT_NE(r.out.find(a), std::string::npos);
    EXPECT_NE(r.out.find("created"), std::string::npos);
    EXPECT_NE(r.out.find("running"), std::string::npos);

    EXPECT_EQ(rt({"list", "-q"}).out, a + "\n" + b + "\n");

    json list = json::parse(rt({"list", "--format", "json"}).out);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["id"], a);
    EXPECT_EQ(list[0]["status"], "created");
    EXPECT_EQ(list[1]["status"], "running");
    EXPECT_EQ(list[1]["owner"], "root");
}

// list -q reads the names under --root and nothing else: a state it could
// not read (here: damaged) does not matter to it; list reads every state.
TEST_F(Lifecycle, ListQuietReadsNamesOnly) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string a = new_id("a"), b = new_id("b");
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), a}).status, 0);
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), b}).status, 0);
    std::string saved = read_text(root_ + "/" + b + "/state.json");
    {
        std::ofstream damage(root_ + "/" + b + "/state.json", std::ios::trunc);
        damage << "{\"id\": ";
    }
    Result quiet = rt({"list", "-q"});
    EXPECT_EQ(quiet.status, 0) << quiet.err;
    EXPECT_EQ(quiet.out, a + "\n" + b + "\n");
    Result full = rt({"list"});
    EXPECT_NE(full.status, 0);
    EXPECT_NE(full.err.find("corrupt state"), std::string::npos) << full.err;
    std::ofstream(root_ + "/" + b + "/state.json", std::ios::trunc) << saved;
}

TEST_F(Lifecycle, MissingExecutableFailsCreateAndLeavesNothing) {
    Bundle bundle;
    bundle.args({"no-such-program"});
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("exec: \"no-such-program\": executable file not found in $PATH"),
              std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

}  // namespace
}  // namespace rt_test
