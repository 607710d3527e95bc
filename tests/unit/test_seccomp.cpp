// linux.seccomp: the translation to libseccomp's values, the compiled filter,
// and the filter at work in a child (no_new_privs lets it load unprivileged).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "in_child.hpp"
#include "rt/linux/seccomp.hpp"
#include "rt/linux/seccomp_notify.hpp"
#include "rt/spec/default_config.hpp"
#include "rt/spec/parse.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// linux.seccomp of a config, from its JSON.
spec::Seccomp seccomp_of(const std::string& json) {
    nlohmann::json config = nlohmann::json::parse(R"({"ociVersion": "1.3.0", "root": {"path": "r"},
        "process": {"args": ["sh"], "cwd": "/"}, "linux": {}})");
    config["linux"]["seccomp"] = nlohmann::json::parse(json);
    return *spec::parse_config(config.dump()).linux->seccomp;
}

std::string translate_error(const std::string& json) {
    try {
        translate_seccomp(seccomp_of(json), ".linux.seccomp");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(SeccompTranslate, ActionsAndTheirErrno) {
    SeccompRules rules = translate_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ERRNO",
        "syscalls": [
          {"names": ["getcwd"], "action": "SCMP_ACT_KILL"},
          {"names": ["getpid"], "action": "SCMP_ACT_KILL_PROCESS"},
          {"names": ["getppid"], "action": "SCMP_ACT_KILL_THREAD"},
          {"names": ["uname"], "action": "SCMP_ACT_TRAP"},
          {"names": ["chdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18},
          {"names": ["fchdir"], "action": "SCMP_ACT_TRACE"},
          {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
          {"names": ["write"], "action": "SCMP_ACT_LOG"}]})"),
                                             ".linux.seccomp");
    EXPECT_EQ(rules.default_action, SCMP_ACT_ERRNO(EPERM));  // config-linux.md: EPERM by default
    std::vector<std::string> got;
    for (const SeccompRule& rule : rules.rules) got.push_back(rule.syscall + " " + seccomp_action_name(rule.action));
    EXPECT_THAT(got, ElementsAre("getcwd SCMP_ACT_KILL_THREAD", "getpid SCMP_ACT_KILL_PROCESS",
                                 "getppid SCMP_ACT_KILL_THREAD", "uname SCMP_ACT_TRAP", "chdir SCMP_ACT_ERRNO(18)",
                                 "fchdir SCMP_ACT_TRACE(1)", "read SCMP_ACT_ALLOW", "write SCMP_ACT_LOG"));
    EXPECT_EQ(rules.rules[0].number, SYS_getcwd);
    EXPECT_FALSE(rules.notify);
}

TEST(SeccompTranslate, DefaultErrnoAndRedundantRules) {
    SeccompRules rules = translate_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
        "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
                     {"names": ["getpid"], "action": "SCMP_ACT_ERRNO"}]})"),
                                             ".linux.seccomp");
    EXPECT_EQ(rules.default_action, SCMP_ACT_ERRNO(38));
    // getcwd says what the default says: left out, as runc does.
    ASSERT_EQ(rules.rules.size(), 1u);
    EXPECT_EQ(rules.rules[0].syscall, "getpid");
    EXPECT_EQ(rules.rules[0].action, SCMP_ACT_ERRNO(EPERM));
}

TEST(SeccompTranslate, ArgumentComparisons) {
    SeccompRules rules = translate_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["clone"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"},
                  {"index": 1, "value": 7, "op": "SCMP_CMP_GE"}]},
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_NE"}, {"index": 0, "value": 0, "op": "SCMP_CMP_NE"}]}]})"),
                                             ".linux.seccomp");
    ASSERT_EQ(rules.rules.size(), 3u);
    const SeccompRule& clone = rules.rules[0];
    ASSERT_EQ(clone.args.size(), 2u);  // one rule: both must match
    EXPECT_EQ(clone.args[0].arg, 0u);
    EXPECT_EQ(clone.args[0].op, SCMP_CMP_MASKED_EQ);
    EXPECT_EQ(clone.args[0].datum_a, 2114060288u);  // the mask
    EXPECT_EQ(clone.args[0].datum_b, 0u);           // what the masked value must be
    EXPECT_EQ(clone.args[1].arg, 1u);
    EXPECT_EQ(clone.args[1].op, SCMP_CMP_GE);
    EXPECT_EQ(clone.args[1].datum_a, 7u);
    // Two comparisons of one argument: one rule each, as runc.
    EXPECT_EQ(rules.rules[1].syscall, "personality");
    ASSERT_EQ(rules.rules[1].args.size(), 1u);
    EXPECT_EQ(rules.rules[1].args[0].datum_a, 8u);
    ASSERT_EQ(rules.rules[2].args.size(), 1u);
    EXPECT_EQ(rules.rules[2].args[0].datum_a, 0u);
}

TEST(SeccompTranslate, ArchitecturesAndFlags) {
    SeccompRules rules = translate_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_X86"],
        "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"]})"),
                                             ".linux.seccomp");
    EXPECT_THAT(rules.architectures, ElementsAre(SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32));
    EXPECT_EQ(rules.flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC);
}

TEST(SeccompTranslate, UnknownSyscallsAreLeftOut) {
    SeccompRules rules = translate_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["getcwd", "no_such_call", "another_one", "no_such_call"], "action": "SCMP_ACT_ERRNO"}]})"),
                                             ".linux.seccomp");
    ASSERT_EQ(rules.rules.size(), 1u);
    EXPECT_THAT(rules.unknown_syscalls, ElementsAre("no_such_call", "another_one"));
}

TEST(SeccompTranslate, ErrorsNameThePath) {
    EXPECT_EQ(translate_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"],
        "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})"),
              ".linux.seccomp.syscalls[0].args[0].index: 6 is above 5 (system calls have 6 arguments)");
    EXPECT_EQ(translate_error(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 5000})"),
              ".linux.seccomp.defaultAction: errno 5000 is above 4095");
    EXPECT_EQ(translate_error(R"({"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/l"})"),
              ".linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    EXPECT_EQ(translate_error(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]})"),
              ".linux.seccomp.listenerPath: needed by the SCMP_ACT_NOTIFY rule at .linux.seccomp.syscalls[0]");
    EXPECT_THAT(translate_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/l",
        "syscalls": [{"names": ["sendmsg"], "action": "SCMP_ACT_NOTIFY"}]})"),
                HasSubstr(".linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for sendmsg"));
    if (seccomp_version()->minor < 6) {
        EXPECT_THAT(translate_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_SH"]})"),
                    HasSubstr(".linux.seccomp.architectures[0]: SCMP_ARCH_SH is not supported by libseccomp 2."));
    }
}

// What the parser lets through but rt cannot translate (a spec newer than rt).
TEST(SeccompTranslate, UnknownNamesPastTheParser) {
    spec::Seccomp seccomp;
    seccomp.default_action = "SCMP_ACT_FOO";
    EXPECT_THROW(translate_seccomp(seccomp, ".linux.seccomp"), Error);
    seccomp.default_action = "SCMP_ACT_ALLOW";
    seccomp.architectures = {"SCMP_ARCH_VAX"};
    try {
        translate_seccomp(seccomp, ".linux.seccomp");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), ".linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_VAX\"");
    }
    seccomp.architectures.clear();
    seccomp.flags = {"SECCOMP_FILTER_FLAG_FOO"};
    EXPECT_THROW(translate_seccomp(seccomp, ".linux.seccomp"), Error);
    seccomp.flags.clear();
    seccomp.syscalls = {{{"getcwd"}, "SCMP_ACT_ERRNO", std::nullopt, {{0, 1, std::nullopt, "SCMP_CMP_FOO"}}}};
    try {
        translate_seccomp(seccomp, ".linux.seccomp");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), ".linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FOO\"");
    }
}

TEST(SeccompCompile, NotifyAddsTheListenerFlag) {
    spec::Seccomp seccomp = seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock",
        "listenerMetadata": "m", "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]})");
    SeccompProgram program = plan_seccomp(seccomp, ".linux.seccomp");
    EXPECT_TRUE(program.notify);
    EXPECT_EQ(program.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV |
                                 SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
    EXPECT_EQ(program.listener_path, "/run/agent.sock");
    EXPECT_EQ(program.listener_metadata, "m");

    // Without a notify rule WAIT_KILLABLE_RECV has nothing to act on.
    SeccompProgram quiet = plan_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]})"),
                                        ".linux.seccomp");
    EXPECT_EQ(quiet.flags, 0u);
    EXPECT_FALSE(quiet.notify);
}

// Loads `program` in a child with no_new_privs and runs `probe` under it.
test::ChildResult under_filter(const SeccompProgram& program, const std::function<std::string()>& probe) {
    return test::in_child([&] {
        const struct rlimit no_core = {0, 0};  // a killed child leaves no core file behind
        setrlimit(RLIMIT_CORE, &no_core);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) throw Error("prctl");
        load_seccomp(program);
        return probe();
    });
}

std::string errno_of(long rc) { return rc >= 0 ? "ok" : strerrorname_np(errno); }

TEST(SeccompLoad, ErrnoAndArgumentsWork) {
    SeccompProgram program = plan_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18},
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
         "args": [{"index": 0, "value": 255, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]})"),
                                          ".linux.seccomp");
    auto child = under_filter(program, [] {
        char buffer[256];
        return errno_of(::syscall(SYS_getcwd, buffer, sizeof buffer)) + " " +
               errno_of(::syscall(SYS_personality, 0xffffffffUL)) + " " +
               errno_of(::syscall(SYS_personality, 0x0108UL)) + " " + errno_of(::syscall(SYS_getpid));
    });
    EXPECT_EQ(child.output, "EXDEV ok EINVAL ok");
    EXPECT_TRUE(WIFEXITED(child.status) && WEXITSTATUS(child.status) == 0);
}

TEST(SeccompLoad, KillEndsTheProcessWithSigsys) {
    SeccompProgram program = plan_seccomp(
        seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]})"),
        ".linux.seccomp");
    auto child = under_filter(program, [] {
        ::syscall(SYS_getppid);
        return std::string("survived");
    });
    EXPECT_TRUE(WIFSIGNALED(child.status) && WTERMSIG(child.status) == SIGSYS) << child.status;
    EXPECT_EQ(child.output, "");
}

TEST(SeccompLoad, NotifyGivesAListenerFd) {
    SeccompProgram program = plan_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/l",
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]})"),
                                          ".linux.seccomp");
    auto child = test::in_child([&] {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        unique_fd listener = load_seccomp(program);
        int flags = fcntl(listener.get(), F_GETFD);
        return std::string(listener ? "fd" : "none") + ((flags & FD_CLOEXEC) ? " cloexec" : "");
    });
    EXPECT_EQ(child.output, "fd cloexec");
}


TEST(SeccompProfiles, TheDefaultProfileCompilesAndFilters) {
    spec::Seccomp seccomp = seccomp_of(spec::default_seccomp_json());
    SeccompRules rules = translate_seccomp(seccomp, ".linux.seccomp");
    EXPECT_GT(rules.rules.size(), 300u);
    SeccompProgram program = compile_seccomp(rules, seccomp);
    EXPECT_GT(program.instructions.size(), 100u);
    auto child = under_filter(program, [] {
        char buffer[256];
        return errno_of(::syscall(SYS_getcwd, buffer, sizeof buffer)) + " " +
               errno_of(::syscall(SYS_personality, 0xffffffffUL)) + " " +
               errno_of(::syscall(SYS_personality, 0x0003UL)) + " " +
               errno_of(::syscall(SYS_unshare, CLONE_NEWUSER)) + " " +
               errno_of(::syscall(SYS_clone3, nullptr, 0)) + " " + errno_of(::syscall(SYS_acct, nullptr));
    });
    EXPECT_EQ(child.output, "ok ok EPERM EPERM ENOSYS EPERM");
}

TEST(SeccompNotify, ContainerProcessState) {
    ContainerProcessState state{"c1", "/b", {{"k", "v"}}, 4422, "creating", "MKNOD=/dev/null"};
    nlohmann::json message = nlohmann::json::parse(container_process_state_json(state));
    EXPECT_EQ(message["ociVersion"], "1.3.0");
    EXPECT_EQ(message["fds"], nlohmann::json::array({"seccompFd"}));
    EXPECT_EQ(message["pid"], 4422);
    EXPECT_EQ(message["metadata"], "MKNOD=/dev/null");
    EXPECT_EQ(message["state"], nlohmann::json::parse(R"({"ociVersion": "1.3.0", "id": "c1", "status": "creating",
        "pid": 4422, "bundle": "/b", "annotations": {"k": "v"}})"));
    state.metadata.clear();
    EXPECT_FALSE(nlohmann::json::parse(container_process_state_json(state)).contains("metadata"));
}

}  // namespace
}  // namespace rt::linux
