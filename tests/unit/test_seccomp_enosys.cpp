// The ENOSYS stub before a seccomp filter (runc's rule): numbers above the
// highest one the profile names get ENOSYS, per architecture; the rest of
// the filter is as before. Checked with a BPF interpreter on every
// architecture of the filter, and live on the native one.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "in_child.hpp"
#include "rt/linux/seccomp.hpp"
#include "rt/spec/default_config.hpp"
#include "rt/spec/parse.hpp"
#include "seccomp_bpf_run.hpp"

namespace rt::linux {
namespace {

constexpr uint32_t kX32 = 0x40000000;
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;

spec::Seccomp seccomp_of(const std::string& json) {
    nlohmann::json config = nlohmann::json::parse(R"({"ociVersion": "1.3.0", "root": {"path": "r"},
        "process": {"args": ["sh"], "cwd": "/"}, "linux": {}})");
    config["linux"]["seccomp"] = nlohmann::json::parse(json);
    return *spec::parse_config(config.dump()).linux->seccomp;
}

int number(uint32_t arch, const char* name) { return seccomp_syscall_resolve_name_arch(arch, name); }

TEST(SeccompEnosys, OnlyDefaultActionsThatRefuseGetTheStub) {
    EXPECT_TRUE(default_action_wants_enosys_stub(SCMP_ACT_ERRNO(EPERM)));
    EXPECT_TRUE(default_action_wants_enosys_stub(SCMP_ACT_KILL_THREAD));
    EXPECT_TRUE(default_action_wants_enosys_stub(SCMP_ACT_KILL_PROCESS));
    EXPECT_TRUE(default_action_wants_enosys_stub(SCMP_ACT_TRAP));
    EXPECT_FALSE(default_action_wants_enosys_stub(SCMP_ACT_ERRNO(ENOSYS)));  // says ENOSYS already
    EXPECT_FALSE(default_action_wants_enosys_stub(SCMP_ACT_ALLOW));
    EXPECT_FALSE(default_action_wants_enosys_stub(SCMP_ACT_LOG));
    EXPECT_FALSE(default_action_wants_enosys_stub(SCMP_ACT_TRACE(EPERM)));
}

TEST(SeccompEnosys, HighestNumberPerArchitectureOverEveryName) {
    // socketcall exists on x86 only; mkdir's rule says what the default says
    // (so no rule is made for it) but it still counts; no_such is unknown.
    spec::Seccomp seccomp = seccomp_of(R"({"defaultAction": "SCMP_ACT_ERRNO",
        "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": ["read", "socketcall", "no_such"], "action": "SCMP_ACT_ALLOW"},
                     {"names": ["faccessat2"], "action": "SCMP_ACT_ERRNO"}]})");
    SeccompRules rules = translate_seccomp(seccomp, ".linux.seccomp");
    using Pair = std::pair<uint32_t, uint32_t>;
    std::vector<Pair> expected = {
        {seccomp_arch_native(), static_cast<uint32_t>(number(seccomp_arch_native(), "faccessat2"))},
        {SCMP_ARCH_X86, static_cast<uint32_t>(number(SCMP_ARCH_X86, "faccessat2"))},
        {SCMP_ARCH_X32, static_cast<uint32_t>(number(SCMP_ARCH_X32, "faccessat2"))},
    };
    EXPECT_EQ(rules.highest_syscalls, expected);
    EXPECT_EQ(expected[2].second, kX32 + 439);

    // An allow-by-default profile gets no stub at all.
    EXPECT_TRUE(translate_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]})"),
                                  ".linux.seccomp")
                    .highest_syscalls.empty());
}

// Deny by default (EPERM), allow a few calls, faccessat2 (439) the highest.
const char* const kDenyByDefault = R"({"defaultAction": "SCMP_ACT_ERRNO",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [{"names": ["read", "write", "getpid", "exit_group", "faccessat2"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]})";

TEST(SeccompEnosys, AboveTheHighestIsEnosysOnEveryArchitecture) {
    SeccompProgram program = plan_seccomp(seccomp_of(kDenyByDefault), ".linux.seccomp");
    auto run = [&](uint32_t arch, uint32_t nr) { return test::run_seccomp_bpf(program.instructions, arch, static_cast<int>(nr)); };
    for (uint32_t arch : {uint32_t{AUDIT_ARCH_X86_64}, uint32_t{AUDIT_ARCH_I386}}) {
        SCOPED_TRACE(arch);
        uint32_t scmp = arch == AUDIT_ARCH_I386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64;
        EXPECT_EQ(run(arch, 440), kEnosys);
        EXPECT_EQ(run(arch, 1000), kEnosys);
        EXPECT_EQ(run(arch, 0xffffffff), kEnosys);
        EXPECT_EQ(run(arch, 439), SECCOMP_RET_ALLOW);  // faccessat2 itself
        EXPECT_EQ(run(arch, number(scmp, "getpid")), SECCOMP_RET_ALLOW);
        EXPECT_EQ(run(arch, number(scmp, "mkdir")), SECCOMP_RET_ERRNO | 18);
        // Known, below the highest, not in the profile: the default errno.
        EXPECT_EQ(run(arch, number(scmp, "getppid")), kEperm);
        EXPECT_EQ(run(arch, number(scmp, "clone3")), kEperm);
    }
    // x32: numbers with bit 30, its own highest.
    EXPECT_EQ(run(AUDIT_ARCH_X86_64, kX32 + 440), kEnosys);
    EXPECT_EQ(run(AUDIT_ARCH_X86_64, kX32 + 439), SECCOMP_RET_ALLOW);
    EXPECT_EQ(run(AUDIT_ARCH_X86_64, number(SCMP_ARCH_X32, "getpid")), SECCOMP_RET_ALLOW);
    EXPECT_EQ(run(AUDIT_ARCH_X86_64, number(SCMP_ARCH_X32, "getppid")), kEperm);
    // An architecture the profile does not name: the filter's own answer
    // (libseccomp kills), not ENOSYS.
    EXPECT_NE(run(AUDIT_ARCH_AARCH64, 1000), kEnosys);
}

TEST(SeccompEnosys, X32CallsWithoutX32InTheProfileGoToTheFilter) {
    SeccompProgram program = plan_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ERRNO",
        "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["read", "faccessat2"],
        "action": "SCMP_ACT_ALLOW"}]})"),
                                          ".linux.seccomp");
    EXPECT_EQ(test::run_seccomp_bpf(program.instructions, AUDIT_ARCH_X86_64, 440), kEnosys);
    EXPECT_NE(test::run_seccomp_bpf(program.instructions, AUDIT_ARCH_X86_64, static_cast<int>(kX32 + 440)),
              kEnosys);
}

TEST(SeccompEnosys, NoStubForPermissiveDefaultsOrAnEnosysDefault) {
    SeccompProgram allow = plan_seccomp(seccomp_of(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]})"),
                                        ".linux.seccomp");
    EXPECT_EQ(test::run_seccomp_bpf(allow.instructions, AUDIT_ARCH_X86_64, 1000), SECCOMP_RET_ALLOW);
    for (const char* json : {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                                 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})",
                             R"({"defaultAction": "SCMP_ACT_LOG",
                                 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})",
                             R"({"defaultAction": "SCMP_ACT_TRACE",
                                 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})"}) {
        EXPECT_TRUE(translate_seccomp(seccomp_of(json), ".linux.seccomp").highest_syscalls.empty()) << json;
    }
}

TEST(SeccompEnosys, S390SetupIsEnosysToo) {
    std::vector<sock_filter> program = enosys_stub({{SCMP_ARCH_S390X, 400}});
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));  // stands for the filter
    EXPECT_EQ(test::run_seccomp_bpf(program, AUDIT_ARCH_S390X, 0), kEnosys);
    EXPECT_EQ(test::run_seccomp_bpf(program, AUDIT_ARCH_S390X, 401), kEnosys);
    EXPECT_EQ(test::run_seccomp_bpf(program, AUDIT_ARCH_S390X, 400), SECCOMP_RET_ALLOW);
    EXPECT_EQ(test::run_seccomp_bpf(program, AUDIT_ARCH_X86_64, 0), SECCOMP_RET_ALLOW);
}

std::string errno_of(long rc) { return rc >= 0 ? "ok" : strerrorname_np(errno); }

// Live, on this kernel, with rt's Docker-style profile: the call after the
// highest one it names gets ENOSYS (libc would fall back), acct, known but
// not in the profile, gets EPERM.
TEST(SeccompEnosys, TheKernelAnswersEnosysAboveTheProfile) {
    spec::Seccomp seccomp = seccomp_of(spec::default_seccomp_json());
    SeccompRules rules = translate_seccomp(seccomp, ".linux.seccomp");
    ASSERT_FALSE(rules.highest_syscalls.empty());
    ASSERT_EQ(rules.highest_syscalls[0].first, seccomp_arch_native());
    const long above = rules.highest_syscalls[0].second + 1;
    SeccompProgram program = compile_seccomp(rules, seccomp);
    auto child = test::in_child([&] {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return std::string("prctl");
        load_seccomp(program);
        return errno_of(::syscall(above, 0, 0, 0, 0, 0, 0)) + " " + errno_of(::syscall(SYS_acct, nullptr)) + " " +
               errno_of(::syscall(SYS_getpid));
    });
    EXPECT_EQ(child.output, "ENOSYS EPERM ok");
}

}  // namespace
}  // namespace rt::linux
