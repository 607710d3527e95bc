// linux.seccomp -> SeccompRules: the names of config-linux.md to libseccomp's
// values, with runc's choices where the spec leaves them open (EPERM as the
// default errno, rules equal to the default action left out, several
// conditions on one argument as separate rules).
#include <seccomp.h>

#include <algorithm>
#include <utility>

#include "rt/linux/seccomp.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

// Linux's MAX_ERRNO: the kernel caps a filter's errno there.
constexpr uint32_t kMaxErrno = 4095;
constexpr unsigned kSyscallArguments = 6;

// Every architecture of config-linux.md; those this libseccomp predates have
// no token (0) and are refused by name.
#ifndef SCMP_ARCH_LOONGARCH64
#define SCMP_ARCH_LOONGARCH64 0
#endif
#ifndef SCMP_ARCH_M68K
#define SCMP_ARCH_M68K 0
#endif
#ifndef SCMP_ARCH_SH
#define SCMP_ARCH_SH 0
#endif
#ifndef SCMP_ARCH_SHEB
#define SCMP_ARCH_SHEB 0
#endif

const std::pair<const char*, uint32_t> kArchitectures[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
};

const std::pair<const char*, scmp_compare> kOperators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

const std::pair<const char*, unsigned long> kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 1UL << 0},
    {"SECCOMP_FILTER_FLAG_LOG", 1UL << 1},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1UL << 2},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1UL << 5},
};

// The calls the init makes between loading the filter and handing the
// notify fd to the listener: notifying them would wait for a listener that
// has no fd yet (runc refuses `write` for the same reason).
const char* const kInitCallsBeforeHandoff[] = {"sendmsg"};

std::string index_path(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }

uint32_t translate_action(const std::string& name, const std::optional<uint32_t>& errno_ret,
                          const std::string& path) {
    if (errno_ret && *errno_ret > kMaxErrno) {
        throw Error(path + ": errno " + std::to_string(*errno_ret) + " is above " + std::to_string(kMaxErrno));
    }
    // config-linux.md: the default errno is EPERM.
    const uint32_t err = errno_ret.value_or(EPERM);
    if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
    if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
    if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
    if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(err);
    if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(err);
    if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
    if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
    if (name == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
    throw Error(path + ": unknown action \"" + name + "\"");
}

scmp_arg_cmp translate_arg(const spec::SeccompArg& arg, const std::string& path) {
    if (arg.index >= kSyscallArguments) {
        throw Error(path + ".index: " + std::to_string(arg.index) + " is above 5 (system calls have 6 arguments)");
    }
    for (const auto& [name, op] : kOperators) {
        // For SCMP_CMP_MASKED_EQ `value` is the mask and `valueTwo` what the
        // masked argument must equal, as in libseccomp and runc.
        if (arg.op == name) return scmp_arg_cmp{arg.index, op, arg.value, arg.value_two.value_or(0)};
    }
    throw Error(path + ".op: unknown operator \"" + arg.op + "\"");
}

void add_rules(const spec::SeccompSyscall& syscall, uint32_t action, const std::string& path, SeccompRules& out) {
    std::vector<scmp_arg_cmp> args;
    unsigned per_argument[kSyscallArguments] = {};
    bool repeated = false;
    for (size_t i = 0; i < syscall.args.size(); ++i) {
        args.push_back(translate_arg(syscall.args[i], index_path(path + ".args", i)));
        repeated |= ++per_argument[syscall.args[i].index] > 1;
    }
    for (const std::string& name : syscall.names) {
        int number = seccomp_syscall_resolve_name(name.c_str());
        if (number == __NR_SCMP_ERROR) {
            if (std::find(out.unknown_syscalls.begin(), out.unknown_syscalls.end(), name) ==
                out.unknown_syscalls.end()) {
                out.unknown_syscalls.push_back(name);
            }
            continue;
        }
        if (repeated) {
            // libseccomp cannot AND two comparisons of one argument: runc
            // then adds one rule per comparison, and so does rt.
            for (const scmp_arg_cmp& arg : args) out.rules.push_back({name, number, action, {arg}});
        } else {
            out.rules.push_back({name, number, action, args});
        }
    }
}

}  // namespace

SeccompRules translate_seccomp(const spec::Seccomp& seccomp, const std::string& where) {
    SeccompRules out;
    out.default_action = translate_action(seccomp.default_action, seccomp.default_errno_ret, where + ".defaultAction");
    if (out.default_action == SCMP_ACT_NOTIFY) {
        // Everything the init does after loading the filter would wait for
        // a listener that has no fd yet (runc refuses it too).
        throw Error(where + ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    }

    for (size_t i = 0; i < seccomp.architectures.size(); ++i) {
        const std::string& name = seccomp.architectures[i];
        auto known = std::find_if(std::begin(kArchitectures), std::end(kArchitectures),
                                  [&](const auto& entry) { return name == entry.first; });
        const std::string path = index_path(where + ".architectures", i);
        if (known == std::end(kArchitectures)) throw Error(path + ": unknown architecture \"" + name + "\"");
        if (known->second == 0) {
            const scmp_version* version = seccomp_version();
            throw Error(path + ": " + name + " is not supported by libseccomp " + std::to_string(version->major) +
                        "." + std::to_string(version->minor) + "." + std::to_string(version->micro));
        }
        if (std::find(out.architectures.begin(), out.architectures.end(), known->second) == out.architectures.end()) {
            out.architectures.push_back(known->second);
        }
    }

    for (size_t i = 0; i < seccomp.flags.size(); ++i) {
        auto known = std::find_if(std::begin(kFlags), std::end(kFlags),
                                  [&](const auto& entry) { return seccomp.flags[i] == entry.first; });
        if (known == std::end(kFlags)) {
            throw Error(index_path(where + ".flags", i) + ": unknown flag \"" + seccomp.flags[i] + "\"");
        }
        out.flags |= known->second;
    }

    for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
        const spec::SeccompSyscall& syscall = seccomp.syscalls[i];
        const std::string path = index_path(where + ".syscalls", i);
        const uint32_t action = translate_action(syscall.action, syscall.errno_ret, path + ".action");
        if (action == SCMP_ACT_NOTIFY) {
            for (const char* call : kInitCallsBeforeHandoff) {
                if (std::find(syscall.names.begin(), syscall.names.end(), call) != syscall.names.end()) {
                    throw Error(path + ": SCMP_ACT_NOTIFY cannot be used for " + call +
                                " (rt needs it to hand the notify fd to the listener)");
                }
            }
            if (!seccomp.listener_path || seccomp.listener_path->empty()) {
                throw Error(where + ".listenerPath: needed by the SCMP_ACT_NOTIFY rule at " + path);
            }
            out.notify = true;
        }
        // As runc: a rule that says what the default says changes nothing,
        // and libseccomp refuses it.
        if (action == out.default_action) continue;
        add_rules(syscall, action, path, out);
    }
    if (default_action_wants_enosys_stub(out.default_action)) {
        out.highest_syscalls = highest_syscalls(seccomp, out.architectures);
    }
    return out;
}

std::string seccomp_action_name(uint32_t action) {
    switch (action & 0xffff0000U) {  // the action; the low half is its data
        case SCMP_ACT_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
        case SCMP_ACT_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
        case SCMP_ACT_TRAP: return "SCMP_ACT_TRAP";
        case SCMP_ACT_ERRNO(0): return "SCMP_ACT_ERRNO(" + std::to_string(action & 0xffff) + ")";
        case SCMP_ACT_TRACE(0): return "SCMP_ACT_TRACE(" + std::to_string(action & 0xffff) + ")";
        case SCMP_ACT_LOG: return "SCMP_ACT_LOG";
        case SCMP_ACT_ALLOW: return "SCMP_ACT_ALLOW";
        case SCMP_ACT_NOTIFY: return "SCMP_ACT_NOTIFY";
        default: return "action " + std::to_string(action);
    }
}

}  // namespace rt::linux
