// seccomp end to end, as the container's process sees it: the ENOSYS stub
// (calls newer than the profile get ENOSYS, so that libc falls back) and the
// cache of compiled filters under --root (a cached filter blocks what the
// profile blocks, on the first run, from the cache, and after damage).
#include <seccomp.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"
#include "rt/spec/default_config.hpp"

namespace rt_test {
namespace {

namespace fs = std::filesystem;

class Seccomp : public RtTest {
protected:
    std::string cache_dir() const { return root_ + "/@seccomp"; }
    std::vector<std::string> cache_files() const {
        std::vector<std::string> files;
        if (!fs::exists(cache_dir())) return files;
        for (const auto& entry : fs::directory_iterator(cache_dir())) files.push_back(entry.path());
        return files;
    }
    // `rt --debug --log LOG run`, the log's text in `log`.
    Result run_logged(Bundle& bundle, std::string& log) {
        std::string log_file = bundle.dir() + "/rt.log";
        fs::remove(log_file);
        Result r = rt({"--debug", "--log", log_file, "run", "--bundle", bundle.dir(), new_id()});
        log = path_exists(log_file) ? read_text(log_file) : "";
        return r;
    }
};

// Denies by default (EPERM), allows what a process needs (rt's Docker-style
// list) but getpid: a call the kernel and the profile know, left out.
json deny_by_default_without_getpid() {
    json profile = json::parse(rt::spec::default_seccomp_json());
    EXPECT_EQ(profile["defaultAction"], "SCMP_ACT_ERRNO");
    EXPECT_EQ(profile["defaultErrnoRet"], 1);
    for (auto& rule : profile["syscalls"]) {
        auto& names = rule["names"];
        names.erase(std::remove(names.begin(), names.end(), "getpid"), names.end());
    }
    return profile;
}

// The highest native number of any name in the profile.
long highest_number(const json& profile) {
    long highest = 0;
    for (const auto& rule : profile["syscalls"]) {
        for (const auto& name : rule["names"]) {
            highest = std::max<long>(highest, seccomp_syscall_resolve_name(name.get<std::string>().c_str()));
        }
    }
    return highest;
}

TEST_F(Seccomp, CallsNewerThanTheProfileGetEnosysKnownOnesTheDefaultErrno) {
    Bundle bundle;
    json profile = deny_by_default_without_getpid();
    const long highest = highest_number(profile);
    ASSERT_GT(highest, 400);
    bundle.config["linux"]["seccomp"] = profile;
    bundle.args({"/bin/rt-testhelper", "syscall-nr", std::to_string(highest + 1), std::to_string(highest + 100),
                 std::to_string(SYS_getpid), std::to_string(highest)});
    // The first run compiles (and caches) the filter, the second loads it.
    for (const char* run : {"compiled", "cached"}) {
        auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
        EXPECT_EQ(r.status, 0) << run << ": " << r.err;
        // highest: a real call of this kernel, allowed by the profile; with
        // zero arguments it fails in the kernel, never with ENOSYS or EPERM.
        std::string expected_last = r.out.substr(r.out.rfind(' ') + 1);
        EXPECT_EQ(r.out.substr(0, r.out.rfind(' ')), "ENOSYS ENOSYS EPERM") << run;
        EXPECT_NE(expected_last, "ENOSYS\n") << run;
        EXPECT_NE(expected_last, "EPERM\n") << run;
        EXPECT_EQ(cache_files().size(), 1u) << run;
    }
}

TEST_F(Seccomp, ACachedFilterBlocksOnTheFirstRunTheSecondAndAfterDamage) {
    Bundle bundle;
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
        {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 18}}}}};
    bundle.args({"/bin/rt-testhelper", "syscall", "mkdir", "/tmp/x"});
    std::string log;

    Result first = run_logged(bundle, log);
    EXPECT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.out, "EXDEV\n");
    EXPECT_NE(log.find("seccomp: filter written to " + cache_dir()), std::string::npos) << log;
    ASSERT_EQ(cache_files().size(), 1u);
    const std::string file = cache_files()[0];
    struct stat st {};
    ASSERT_EQ(stat(cache_dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_EQ(st.st_uid, 0u);
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    Result second = run_logged(bundle, log);
    EXPECT_EQ(second.status, 0) << second.err;
    EXPECT_EQ(second.out, "EXDEV\n");
    EXPECT_NE(log.find("from " + file), std::string::npos) << log;
    EXPECT_EQ(log.find("written to"), std::string::npos) << log;

    // Damaged: refused with a warning, compiled again, replaced.
    const auto size = fs::file_size(file);
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size / 2));
        f.put('\x7f');
        f.put('\x01');
    }
    Result damaged = run_logged(bundle, log);
    EXPECT_EQ(damaged.status, 0) << damaged.err;
    EXPECT_EQ(damaged.out, "EXDEV\n");
    EXPECT_NE(log.find("bad checksum: compiling the profile again"), std::string::npos) << log;
    EXPECT_NE(log.find("filter written to " + file), std::string::npos) << log;
    fs::resize_file(file, size - 5);
    Result truncated = run_logged(bundle, log);
    EXPECT_EQ(truncated.out, "EXDEV\n") << truncated.err;
    Result again = run_logged(bundle, log);
    EXPECT_EQ(again.out, "EXDEV\n") << again.err;
    EXPECT_NE(log.find("from " + file), std::string::npos) << log;

    // A cache others may write is not used (and not written): compiled.
    chmod(cache_dir().c_str(), 0777);
    Result open_dir = run_logged(bundle, log);
    EXPECT_EQ(open_dir.out, "EXDEV\n") << open_dir.err;
    EXPECT_NE(log.find("may be written by others than uid 0: not used"), std::string::npos) << log;
    EXPECT_EQ(log.find("from " + file), std::string::npos) << log;
    chmod(cache_dir().c_str(), 0700);

    // The cache is no container.
    Result list = rt({"list", "-q"});
    EXPECT_EQ(list.status, 0) << list.err;
    EXPECT_EQ(list.out, "");
}

// With noNewPrivileges the init loads the profile once it is ready, before
// the start, as runc does: the kernel's work on it then overlaps rt's own
// instead of delaying the exec after `rt start`.
TEST_F(Seccomp, WithNoNewPrivilegesTheWaitingInitIsUnderTheFilterBeforeTheStart) {
    Bundle bundle;
    bundle.config["process"]["noNewPrivileges"] = true;
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 18}}}}};
    bundle.args({"/bin/rt-testhelper", "pause"});
    bundle.write();
    std::string id = new_id();
    Result created = rt({"create", "--bundle", bundle.dir(), id});
    ASSERT_EQ(created.status, 0) << created.err;
    const std::string status_file = "/proc/" + std::to_string(state(id)["pid"].get<int>()) + "/status";
    auto seccomp_mode = [&] {
        std::string status = read_text(status_file);
        size_t at = status.find("\nSeccomp:\t");
        return at == std::string::npos ? std::string("?") : status.substr(at + 10, 1);
    };
    EXPECT_TRUE(eventually([&] { return seccomp_mode() == "2"; })) << "Seccomp: " << seccomp_mode();
    EXPECT_EQ(state(id)["status"], "created");
    Result removed = rt({"delete", "--force", id});
    EXPECT_EQ(removed.status, 0) << removed.err;
}

TEST_F(Seccomp, ExecLoadsTheContainersFilterFromTheCache) {
    Bundle bundle;
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 18}}}}};
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_EQ(cache_files().size(), 1u);
    std::string log_file = bundle.dir() + "/exec.log";
    Result r = rt({"--debug", "--log", log_file, "exec", id, "/bin/rt-testhelper", "syscall", "mkdir", "/tmp/y"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "EXDEV\n");
    EXPECT_NE(read_text(log_file).find("from " + cache_files()[0]), std::string::npos) << read_text(log_file);
}

}  // namespace
}  // namespace rt_test
