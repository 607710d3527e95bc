// The state rt keeps and the files it writes, under attack (issue 9, items 4
// and 5): an ID that climbs out of --root, a state directory planted as a
// symbolic link, a pid file whose temporary was planted as a link to a file
// the attacker wants truncated. Each attack aims at a decoy of the test's
// own: a second state root holding a real container whose poststop hook
// leaves a marker, or a decoy file with known content.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class StateSecurity : public RtTest {
protected:
    void SetUp() override {
        RtTest::SetUp();
        other_root_ = root_ + "-victim";
        marker_ = bundle_.dir() + "/poststop-ran";
    }
    void TearDown() override {
        if (fs::exists(other_root_)) {
            for (const auto& entry : fs::directory_iterator(other_root_)) {
                auto r = run_program({RT_BINARY, "--root", other_root_, "delete", "--force", entry.path().filename()});
                EXPECT_EQ(r.status, 0) << r.err;
            }
            fs::remove_all(other_root_);
        }
        RtTest::TearDown();
    }

    // A created container in the victim's root (beside ours), whose poststop
    // hook, were it run, would leave the marker. Returns its ID.
    std::string victim_container() {
        bundle_.config["hooks"]["poststop"] = {{{"path", "/bin/sh"}, {"args", {"sh", "-c", "touch " + marker_}}}};
        bundle_.args({"/bin/rt-testhelper", "pause"});
        bundle_.write();
        std::string id = new_id("victim");
        auto r = run_program({RT_BINARY, "--root", other_root_, "create", "--bundle", bundle_.dir(), id});
        EXPECT_EQ(r.status, 0) << r.err;
        return id;
    }
    bool victim_intact(const std::string& id) {
        return fs::exists(other_root_ + "/" + id + "/state.json") && !fs::exists(marker_);
    }

    Bundle bundle_;
    std::string other_root_;
    std::string marker_;
};

// Every command that takes an ID refuses one that is not an ID, before it
// touches anything: `delete --force ../victim` once emptied a directory
// beside --root and ran the poststop hooks it found there, as root.
TEST_F(StateSecurity, AnIdOutsideRootIsRefusedByEveryCommand) {
    std::string victim = victim_container();
    std::string escape = "../" + fs::path(other_root_).filename().string() + "/" + victim;
    fs::create_directories(root_);
    const std::vector<std::vector<std::string>> commands = {
        {"state", escape},         {"start", escape},           {"kill", escape, "KILL"},
        {"kill", "--all", escape}, {"delete", escape},          {"delete", "--force", escape},
        {"pause", escape},         {"resume", escape},          {"ps", escape},
        {"events", "--stats", escape}, {"update", "--pids-limit", "10", escape},
        {"exec", escape, "/bin/true"},
    };
    for (const auto& args : commands) {
        auto r = rt(args);
        EXPECT_NE(r.status, 0) << args[0] << " accepted " << escape;
        EXPECT_NE(r.err.find("invalid container ID"), std::string::npos) << args[0] << ": " << r.err;
        EXPECT_TRUE(victim_intact(victim)) << args[0] << " reached the container beside --root";
    }
    // The victim itself is alive: created, its init still waiting.
    auto r = run_program({RT_BINARY, "--root", other_root_, "state", victim});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("\"created\""), std::string::npos) << r.out;
}

// A container directory under --root that is a symbolic link (to a crafted
// or foreign state) is refused, never followed: its hooks never run and what
// it points to is left alone; list does not show it.
TEST_F(StateSecurity, APlantedStateDirectoryLinkIsNotFollowed) {
    std::string victim = victim_container();
    fs::create_directories(root_);
    std::string planted = root_ + "/planted";
    ASSERT_EQ(symlink((other_root_ + "/" + victim).c_str(), planted.c_str()), 0);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"delete", "--force", "planted"}, {"state", "planted"}, {"kill", "planted", "KILL"}}) {
        auto r = rt(args);
        // Not a container of this root: refused (or, for delete --force,
        // nothing to do, as for any container that is not there).
        if (args[1] != "--force") {
            EXPECT_NE(r.status, 0) << args[0] << " followed the planted link";
        }
        EXPECT_TRUE(r.err.empty() || r.err.find("does not exist") != std::string::npos ||
                    r.err.find("is a symbolic link") != std::string::npos)
            << args[0] << ": " << r.err;
        EXPECT_TRUE(victim_intact(victim)) << args[0] << " followed the planted link";
    }
    // Names only, and the table, which reads each state beneath --root.
    for (const auto& args : std::vector<std::vector<std::string>>{{"list", "-q"}, {"list"}, {"list", "--format", "json"}}) {
        auto list = rt(args);
        EXPECT_EQ(list.status, 0) << list.err;
        EXPECT_EQ(list.out.find("planted"), std::string::npos) << list.out;
        EXPECT_EQ(list.out.find(victim), std::string::npos) << list.out;
    }
    fs::remove(planted);  // before the fixture's cleanup, which would refuse it too
}

// --pid-file goes through a temporary and a rename; a symbolic link planted
// where the temporary goes (its name is the pid file's plus rt's pid, which
// an attacker can guess) is unlinked, not followed, so its target is not
// truncated. The test plants one for each of the next 500 pids.
TEST_F(StateSecurity, APidFileTemporaryPlantedAsALinkIsNotFollowed) {
    std::string id = start_container(bundle_);
    std::string dir = bundle_.dir() + "/pids";
    fs::create_directories(dir);
    std::string decoy = dir + "/precious";
    std::ofstream(decoy) << "precious\n";
    std::string pid_file = dir + "/exec.pid";
    long last = std::stol(read_text("/proc/sys/kernel/ns_last_pid"));
    long pid_max = std::stol(read_text("/proc/sys/kernel/pid_max"));
    for (long pid = last + 1; pid <= last + 500; ++pid) {
        std::string temp = pid_file + ".tmp." + std::to_string(pid % pid_max);
        ASSERT_EQ(symlink(decoy.c_str(), temp.c_str()), 0) << temp;
    }
    auto r = rt({"exec", "--pid-file", pid_file, id, "/bin/true"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_text(decoy), "precious\n");
    struct stat st {};
    ASSERT_EQ(lstat(pid_file.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_GT(std::stoi(read_text(pid_file)), 0);

    // A link planted at the pid file's own name is replaced, not followed.
    fs::remove(pid_file);
    ASSERT_EQ(symlink(decoy.c_str(), pid_file.c_str()), 0);
    r = rt({"exec", "--pid-file", pid_file, id, "/bin/true"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_text(decoy), "precious\n");
    ASSERT_EQ(lstat(pid_file.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
}


// rt killed in the middle of create (SIGKILL while a createRuntime hook
// runs): the half-made container is listed, and delete --force removes its
// processes, its cgroups in every hierarchy and its state. (The hook blocks
// on a fifo of the test's until rt is dead. The test holds the fifo's write
// end from the start and the hook opens its read end before it says it
// runs, so that closing the write end always ends the hook: no orphan left.)
TEST_F(StateSecurity, KilledInTheMiddleOfCreateLeavesNothingAfterDeleteForce) {
    std::string fifo = bundle_.dir() + "/hold";
    std::string started = bundle_.dir() + "/hook-started";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    int hold = open(fifo.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(hold, 0) << strerror(errno);
    bundle_.config["hooks"]["createRuntime"] = {
        {{"path", "/bin/sh"},
         {"args", {"sh", "-c", "exec 3< " + fifo + "; touch " + started + "; cat <&3 > /dev/null"}}}};
    bundle_.args({"/bin/rt-testhelper", "pause"});
    bundle_.write();
    std::string id = new_id("killed");
    Background create(rt_argv({"create", "--bundle", bundle_.dir(), id}));
    ASSERT_TRUE(eventually([&] { return fs::exists(started); }, 20000)) << "the hook never ran";
    // The cgroups are made by now (the hook runs after the init joined them).
    std::vector<std::string> cgroups;
    for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup")) {
        std::string dir = entry.path().string() + "/rt/" + id;
        if (fs::is_directory(dir)) cgroups.push_back(dir);
    }
    EXPECT_FALSE(cgroups.empty()) << "no cgroup of the container under /sys/fs/cgroup/*/rt/" << id;
    ASSERT_EQ(kill(create.pid(), SIGKILL), 0);
    create.wait();
    // Let the orphaned hook go: its cat reads EOF.
    close(hold);

    auto list = rt({"list"});
    EXPECT_EQ(list.status, 0) << list.err;
    EXPECT_NE(list.out.find(id), std::string::npos) << "the half-made container is not listed: " << list.out;
    auto r = rt({"delete", "--force", id});
    EXPECT_EQ(r.status, 0) << r.err;
    for (const auto& dir : cgroups) EXPECT_FALSE(fs::exists(dir)) << dir << " is left";
    EXPECT_FALSE(fs::exists(root_ + "/" + id)) << "its state is left";
}

}  // namespace
}  // namespace rt_test
