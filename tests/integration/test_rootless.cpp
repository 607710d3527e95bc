// rt run by an ordinary user (--rootless auto): the user namespace maps the
// caller, the state goes under $XDG_RUNTIME_DIR/rt, no cgroup is made where
// none was delegated, and a limit then is a clear error.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include <gmock/gmock.h>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

constexpr const char* kUser = "rt-rootless-test";

// A copy of rt the user can run wherever the checkout lies (a 0700 home of
// root, say): in a directory of its own under /tmp, root's, removed at exit.
const std::string& user_runnable_rt() {
    static const std::string path = [] {
        char pattern[] = "/tmp/rt-rootless-bin-XXXXXX";
        if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp");
        std::string dir = pattern;
        chmod(dir.c_str(), 0755);
        fs::copy_file(RT_BINARY, dir + "/rt");
        chmod((dir + "/rt").c_str(), 0755);
        static const std::string remove_at_exit = dir;
        std::atexit([] { fs::remove_all(remove_at_exit); });
        return dir + "/rt";
    }();
    return path;
}

class Rootless : public RtTest {
protected:
    Rootless() {
        // An ordinary user of the machine's own, made once (no home, no login).
        if (!getpwnam(kUser)) run_program({"/usr/sbin/useradd", "--system", "--no-create-home", "--shell",
                                           "/usr/sbin/nologin", kUser});
        const passwd* pw = getpwnam(kUser);
        if (!pw) throw std::runtime_error("cannot make the test user");
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        runtime_dir_ = bundle_.dir() + "/xdg";
        fs::create_directories(runtime_dir_);
        chown(runtime_dir_.c_str(), uid_, gid_);
        chmod(runtime_dir_.c_str(), 0700);
        chown_tree(bundle_.dir(), uid_, gid_);
        fs::remove(bundle_.dir() + "/config.json");  // rt spec writes its own
        auto r = as_user({"spec", "--rootless", "--bundle", bundle_.dir()});
        if (r.status != 0) throw std::runtime_error("rt spec --rootless: " + r.err);
        std::ifstream in(bundle_.dir() + "/config.json");
        bundle_.config = json::parse(in);
        bundle_.config["process"]["terminal"] = false;
    }
    ~Rootless() override {
        // Whatever a failed test left running, then the state dir.
        for (const auto& id : {"rl-run", "rl-detached", "rl-limit", "rl-subids", "rl-subids-denied"}) {
            as_user({"delete", "--force", id});
        }
    }

    // rt as the user, with $XDG_RUNTIME_DIR and no --root.
    Result as_user(const std::vector<std::string>& args) {
        std::vector<std::string> argv = {"/usr/bin/env", "XDG_RUNTIME_DIR=" + runtime_dir_, "/usr/bin/setpriv",
                                         "--reuid=" + std::to_string(uid_), "--regid=" + std::to_string(gid_),
                                         "--clear-groups", user_runnable_rt()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_program(argv);
    }
    void write_config() {
        bundle_.write();
        chown((bundle_.dir() + "/config.json").c_str(), uid_, gid_);
    }

    Bundle bundle_;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    std::string runtime_dir_;
};

TEST_F(Rootless, RunsAsTheUserMappedToRootWithItsStateUnderXdgRuntimeDir) {
    bundle_.args({"/bin/sh", "-c", "id -u; cat /proc/self/uid_map"});
    write_config();
    auto r = as_user({"run", "--bundle", bundle_.dir(), "rl-run"});
    ASSERT_EQ(r.status, 0) << r.err;
    std::ostringstream map;
    map << "0\n         0 " << std::setw(10) << uid_ << "          1\n";
    EXPECT_EQ(r.out, map.str());
}

TEST_F(Rootless, TheLifecycleWorksWithoutACgroup) {
    bundle_.args({"sleep", "600"});
    write_config();
    auto r = as_user({"run", "-d", "--bundle", bundle_.dir(), "rl-detached"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::is_directory(runtime_dir_ + "/rt/rl-detached"));
    EXPECT_THAT(as_user({"list", "-q"}).out, testing::HasSubstr("rl-detached\n"));
    auto state = as_user({"state", "rl-detached"});
    EXPECT_THAT(state.out, testing::HasSubstr("\"status\": \"running\""));
    // exec joins the container's user namespace first (a helper does, for
    // the pid namespace it owns).
    r = as_user({"exec", "rl-detached", "sh", "-c", "id -u; echo $$"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n2\n");
    // No cgroup was made: none is delegated to this user on this host.
    for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup")) {
        EXPECT_FALSE(fs::exists(hierarchy.path() / "rt" / "rl-detached")) << hierarchy.path();
    }
    EXPECT_EQ(as_user({"delete", "--force", "rl-detached"}).status, 0);
    EXPECT_FALSE(fs::exists(runtime_dir_ + "/rt/rl-detached"));
}

TEST_F(Rootless, ALimitWithoutADelegatedCgroupIsAClearError) {
    bundle_.args({"/bin/true"});
    bundle_.config["linux"]["resources"] = {{"memory", {{"limit", 64 << 20}}}};
    write_config();
    auto r = as_user({"run", "--bundle", bundle_.dir(), "rl-limit"});
    EXPECT_NE(r.status, 0);
    EXPECT_THAT(r.err, testing::HasSubstr("memory: cannot set this limit rootless without a cgroup delegated"));
    EXPECT_FALSE(fs::exists(runtime_dir_ + "/rt/rl-limit"));
}

// /etc/subuid and /etc/subgid granting the test user a range, for one test;
// the files are put back as they were (or removed) whatever happens.
class SubordinateIds {
public:
    SubordinateIds(const std::string& user, unsigned first, unsigned count) {
        for (const char* file : {"/etc/subuid", "/etc/subgid"}) {
            saved_.push_back({file, fs::exists(file) ? read_text(file) : std::optional<std::string>()});
            std::ofstream(file, std::ios::app) << user << ":" << first << ":" << count << "\n";
        }
    }
    ~SubordinateIds() {
        for (const auto& [file, text] : saved_) {
            if (text) {
                std::ofstream(file, std::ios::trunc) << *text;
            } else {
                fs::remove(file);
            }
        }
    }

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

json id_mappings(unsigned own, unsigned first, unsigned count) {
    return json::array({{{"containerID", 0}, {"hostID", own}, {"size", 1}},
                        {{"containerID", 1}, {"hostID", first}, {"size", count}}});
}

// More than the caller's own ID: newuidmap/newgidmap write the maps, from
// what /etc/subuid and /etc/subgid grant; setgroups(2) stays allowed.
TEST_F(Rootless, MoreThanTheCallersOwnIdIsMappedThroughNewuidmap) {
    SubordinateIds granted(kUser, 300000, 65536);
    bundle_.config["linux"]["uidMappings"] = id_mappings(uid_, 300000, 65536);
    bundle_.config["linux"]["gidMappings"] = id_mappings(gid_, 300000, 65536);
    // IDs only the subordinate range maps, additional groups included (so
    // setgroups(2) must be allowed).
    bundle_.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}, {"additionalGids", {1001}}};
    bundle_.args({"/bin/sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -G"});
    write_config();
    auto r = as_user({"run", "--bundle", bundle_.dir(), "rl-subids"});
    ASSERT_EQ(r.status, 0) << r.err;
    std::ostringstream expected;
    for (unsigned own : {unsigned(uid_), unsigned(gid_)}) {
        expected << "         0 " << std::setw(10) << own << "          1\n"
                 << "         1     300000      65536\n";
    }
    expected << "allow\n1000\n1000 1001\n";
    EXPECT_EQ(r.out, expected.str());
}

// A range /etc/subuid does not grant: newuidmap's own refusal, named, and
// nothing left behind.
TEST_F(Rootless, AMappingNotGrantedInSubuidIsAClearError) {
    SubordinateIds granted(kUser, 300000, 65536);
    bundle_.config["linux"]["uidMappings"] = id_mappings(uid_, 500000, 65536);
    bundle_.config["linux"]["gidMappings"] = id_mappings(gid_, 300000, 65536);
    bundle_.args({"/bin/true"});
    write_config();
    auto r = as_user({"run", "--bundle", bundle_.dir(), "rl-subids-denied"});
    EXPECT_NE(r.status, 0);
    EXPECT_THAT(r.err, testing::HasSubstr("newuidmap failed"));
    EXPECT_THAT(r.err, testing::HasSubstr("/etc/subuid"));
    EXPECT_FALSE(fs::exists(runtime_dir_ + "/rt/rl-subids-denied"));
}

}  // namespace
}  // namespace rt_test
