// rt checkpoint and rt restore where no real CRIU is needed (the host's
// CRIU may not run on its kernel: the real dump and restore are proven in
// the systemd VM, tests/vm/criu-checks.sh): bad flags, a missing image dir,
// an ID already taken, no criu on PATH, and a criu that fails. Each gives a
// clear error and leaves nothing: no state dir, no cgroup, no image dir it
// made, the running container untouched.
//
// criu is found on PATH: the tests run rt with PATH set to a directory of
// their own holding a fake criu (a shell script that records its arguments
// and its cgroups, writes an "Error" line to the log it is given and fails),
// or to one without any criu.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cgroup_fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class Checkpoint : public CgroupTest {
protected:
    void SetUp() override {
        CgroupTest::SetUp();
        char tmpl[] = "/tmp/rt-test-criu-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        fs::create_directories(dir_ + "/bin");
        fs::create_directories(dir_ + "/empty");
        std::ofstream(dir_ + "/bin/criu") << "#!/bin/sh\n"
                                             "printf '%s\\n' \"$@\" > " << dir_ << "/args\n"
                                             "cat /proc/self/cgroup > " << dir_ << "/cgroup\n"
                                             "dir=. work= log= prev=\n"
                                             "for a; do\n"
                                             "  case $prev in -D) dir=$a ;; -W) work=$a ;; -o) log=$a ;; esac\n"
                                             "  prev=$a\n"
                                             "done\n"
                                             "echo '(00.000042) Error (criu/fake.c:1): the fake criu fails' "
                                             ">> \"${work:-$dir}/$log\"\n"
                                             "exit 1\n";
        chmod((dir_ + "/bin/criu").c_str(), 0755);
        images_ = dir_ + "/images";
    }
    void TearDown() override {
        CgroupTest::TearDown();
        fs::remove_all(dir_);
    }

    // rt ARGS... with PATH holding the fake criu (or, `with_criu` false, no criu).
    Result rt_with_path(const std::vector<std::string>& args, bool with_criu = true) {
        std::vector<std::string> argv{"/usr/bin/env",
                                      "PATH=" + (with_criu ? dir_ + "/bin" : dir_ + "/empty") + ":/usr/bin:/bin"};
        for (auto& a : rt_argv(args)) argv.push_back(a);
        return run_program(argv);
    }
    bool criu_ran() const { return path_exists(dir_ + "/args"); }
    std::string criu_args() const { return read_text(dir_ + "/args"); }

    // An image dir as checkpoint leaves it (the fake criu writes no images).
    void make_images(const std::string& descriptors = R"(["/dev/null", "pipe:[1234]", "pipe:[1234]"])") {
        fs::create_directories(images_);
        std::ofstream(images_ + "/descriptors.json") << descriptors;
    }
    // `restore --detach` of `bundle` as `id` from images_.
    Result restore(Bundle& bundle, const std::string& id, std::vector<std::string> extra = {},
                   bool with_criu = true) {
        std::vector<std::string> args{"restore", "--detach", "--bundle", bundle.dir(), "--image-path", images_};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(id);
        return rt_with_path(args, with_criu);
    }
    void expect_nothing_left(const std::string& id) {
        EXPECT_FALSE(path_exists(root_ + "/" + id)) << "state dir left";
        expect_no_cgroup_left(id);
        EXPECT_TRUE(host_mounts_containing("criu-root").empty());
    }

    std::string dir_, images_;
};

TEST_F(Checkpoint, RestoreFromAMissingImageDirSaysSoAndLeavesNothing) {
    Bundle bundle;
    std::string id = new_id();
    place(bundle, id);
    auto r = restore(bundle, id);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("--image-path " + images_ + ": no checkpoint there"), std::string::npos) << r.err;
    EXPECT_FALSE(criu_ran());
    expect_nothing_left(id);
}

TEST_F(Checkpoint, RestoreOntoAnExistingIdFailsAndLeavesThatContainerAlone) {
    Bundle bundle;
    std::string id = start_container(bundle);
    int pid = state(id)["pid"];
    make_images();
    auto r = restore(bundle, id);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("container \"" + id + "\" already exists"), std::string::npos) << r.err;
    EXPECT_FALSE(criu_ran());
    EXPECT_EQ(state(id)["status"], "running");
    EXPECT_EQ(state(id)["pid"], pid);
}

TEST_F(Checkpoint, NoCriuOnPathIsAClearErrorForBothCommands) {
    Bundle bundle;
    std::string id = start_container(bundle);
    int pid = state(id)["pid"];
    auto c = rt_with_path({"checkpoint", "--image-path", images_, id}, false);
    EXPECT_NE(c.status, 0);
    EXPECT_NE(c.err.find("criu: not found in PATH"), std::string::npos) << c.err;
    EXPECT_FALSE(path_exists(images_)) << "checkpoint made the image dir";
    EXPECT_EQ(state(id)["status"], "running");
    EXPECT_EQ(state(id)["pid"], pid);

    make_images();
    std::string other = new_id();
    Bundle other_bundle;
    place(other_bundle, other);
    auto r = restore(other_bundle, other, {}, false);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("criu: not found in PATH"), std::string::npos) << r.err;
    expect_nothing_left(other);
}

// The criu child runs in the new container's cgroups and is told to
// restore there, as the restored processes' sibling; its failure is
// quoted from its log, and everything made for it goes.
TEST_F(Checkpoint, AFailingCriuRestoreIsQuotedAndLeavesNothing) {
    Bundle bundle;
    std::string id = new_id();
    place(bundle, id, {{"pids", {{"limit", 50}}}});
    make_images();
    auto r = restore(bundle, id);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("criu restore failed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(images_ + "/restore.log"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the fake criu fails"), std::string::npos) << r.err;
    ASSERT_TRUE(criu_ran());
    std::string args = criu_args();
    for (const char* word : {"restore\n", "--restore-detached\n", "--restore-sibling\n", "--root\n", "--cgroup-root\n",
                             "--empty-ns\nnet\n", "--inherit-fd\nfd[1]:pipe:[1234]\n", "--inherit-fd\nfd[2]:pipe:[1234]\n"}) {
        EXPECT_NE(args.find(word), std::string::npos) << word << " not in\n" << args;
    }
    EXPECT_EQ(args.find("fd[0]"), std::string::npos) << "/dev/null is no pipe:\n" << args;
    EXPECT_NE(read_text(dir_ + "/cgroup").find(cgroups_path(id)), std::string::npos)
        << "criu ran outside the container's cgroups:\n" << read_text(dir_ + "/cgroup");
    expect_nothing_left(id);
}

// A failing dump leaves the container running as it was.
TEST_F(Checkpoint, AFailingCriuDumpIsQuotedAndTheContainerRunsOn) {
    Bundle bundle;
    std::string id = start_container(bundle);
    int pid = state(id)["pid"];
    auto r = rt_with_path({"checkpoint", "--image-path", images_, "--work-path", dir_ + "/work", "--tcp-established",
                           "--file-locks", id});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("criu dump failed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(dir_ + "/work/dump.log"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the fake criu fails"), std::string::npos) << r.err;
    std::string args = criu_args();
    for (std::string word : {std::string("dump\n-t\n") + std::to_string(pid) + "\n", std::string("--tcp-established\n"),
                             std::string("--file-locks\n"), "-D\n" + images_ + "\n"}) {
        EXPECT_NE(args.find(word), std::string::npos) << word << " not in\n" << args;
    }
    EXPECT_EQ(state(id)["status"], "running");
    EXPECT_EQ(state(id)["pid"], pid);
    EXPECT_TRUE(process_exists(pid));
}

TEST_F(Checkpoint, BadFlagsAreRefusedBeforeAnythingIsMade) {
    Bundle bundle;
    std::string id = start_container(bundle);
    for (const auto& [flags, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--manage-cgroups-mode", "loose"}, "--manage-cgroups-mode: invalid value \"loose\""},
             {{"--empty-ns", "pid"}, "--empty-ns: namespace \"pid\" is not supported (only network)"},
             {{"--page-server", "nowhere"}, "--page-server: use --page-server ADDRESS:PORT"},
             {{"--page-server", "10.0.0.1:99999"}, "--page-server: invalid port number \"99999\""},
             {{"--parent-path", "/abs"}, "--parent-path must be relative"},
             {{"--parent-path", "no-such-parent"}, "invalid --parent-path"}}) {
        std::vector<std::string> args{"checkpoint", "--image-path", images_};
        args.insert(args.end(), flags.begin(), flags.end());
        args.push_back(id);
        auto r = rt_with_path(args);
        EXPECT_NE(r.status, 0) << flags[0];
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
        EXPECT_FALSE(criu_ran()) << flags[0];
        EXPECT_FALSE(path_exists(images_)) << flags[0] << ": the image dir was made";
    }
    EXPECT_EQ(state(id)["status"], "running");
}

// --parent-path is relative to the image dir, joined as runc joins it:
// "../pre" next to an image dir still to make is the usual parent.
TEST_F(Checkpoint, ParentPathNextToAnImageDirStillToMake) {
    Bundle bundle;
    std::string id = start_container(bundle);
    fs::create_directories(dir_ + "/pre");
    auto r = rt_with_path({"checkpoint", "--image-path", images_, "--parent-path", "../pre", id});
    EXPECT_NE(r.err.find("criu dump failed"), std::string::npos) << r.err;  // the fake criu
    EXPECT_NE(criu_args().find("--prev-images-dir\n../pre\n--track-mem\n"), std::string::npos) << criu_args();
}

TEST_F(Checkpoint, ACreatedOrMissingContainerIsNotCheckpointed) {
    Bundle bundle;
    std::string id = new_id();
    bundle.args({"/bin/rt-testhelper", "pause"});
    bundle.write();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    auto r = rt_with_path({"checkpoint", "--image-path", images_, id});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("container cannot be checkpointed in created state"), std::string::npos) << r.err;
    auto missing = rt_with_path({"checkpoint", "--image-path", images_, "no-such-container"});
    EXPECT_NE(missing.status, 0);
    EXPECT_NE(missing.err.find("container \"no-such-container\" does not exist"), std::string::npos) << missing.err;
    EXPECT_FALSE(path_exists(images_));
    EXPECT_FALSE(criu_ran());
}

// What restore cannot do through criu's command line is refused by name
// before anything is made: a terminal, the hooks of the making, a hostile
// descriptors.json.
TEST_F(Checkpoint, RestoreRefusesWhatItCannotRestore) {
    struct Case {
        std::string name;
        std::function<void(Bundle&)> edit;
        std::string descriptors;
        std::vector<std::string> flags;
        std::string message;
    };
    const std::string ok = R"(["/dev/null", "/dev/null", "/dev/null"])";
    std::vector<Case> cases{
        {"terminal", [](Bundle& b) { b.config["process"]["terminal"] = true; }, ok, {},
         ".process.terminal: rt restore cannot restore a terminal"},
        {"console socket", [](Bundle&) {}, ok, {"--console-socket", "/tmp/nowhere.sock"},
         "--console-socket: rt restore cannot restore a terminal"},
        {"prestart hook",
         [](Bundle& b) { b.config["hooks"]["prestart"] = {{{"path", "/bin/true"}}}; }, ok, {},
         ".hooks.prestart: rt restore cannot run these hooks"},
        {"createRuntime hook",
         [](Bundle& b) { b.config["hooks"]["createRuntime"] = {{{"path", "/bin/true"}}}; }, ok, {},
         ".hooks.createRuntime: rt restore cannot run these hooks"},
        {"four descriptors", [](Bundle&) {}, R"(["a", "b", "c", "pipe:[1]"])", {},
         "descriptors.json: more than 3 descriptors"},
        {"not JSON", [](Bundle&) {}, "{", {}, "descriptors.json: "},
    };
    for (auto& c : cases) {
        Bundle bundle;
        std::string id = new_id();
        c.edit(bundle);
        place(bundle, id);
        fs::remove_all(images_);
        make_images(c.descriptors);
        auto r = restore(bundle, id, c.flags);
        EXPECT_NE(r.status, 0) << c.name;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << ": " << r.err;
        EXPECT_FALSE(criu_ran()) << c.name;
        expect_nothing_left(id);
    }
}

}  // namespace
}  // namespace rt_test
