// linux.seccomp (config-linux.md, Seccomp), in three steps:
//
//   translate_seccomp()  config -> SeccompRules: names resolved to numbers
//                        and libseccomp values; pure, unit tested
//   compile_seccomp()    SeccompRules -> a BPF program (libseccomp, exported),
//                        in the parent before anything is created
//   load_seccomp()       seccomp(2) in the child, last thing before execve;
//                        returns the notify fd when a rule says SCMP_ACT_NOTIFY
//
// rt loads the program itself rather than through seccomp_load(), so that
// every flag of the spec reaches the kernel whatever libseccomp knows.
#pragma once

#include <linux/filter.h>
#include <seccomp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

struct SeccompRule {
    std::string syscall;  // the name, for messages
    int number = 0;       // native number (or libseccomp's pseudo number)
    uint32_t action = 0;  // SCMP_ACT_*
    std::vector<scmp_arg_cmp> args;  // all must match (AND)
};

struct SeccompRules {
    uint32_t default_action = 0;
    std::vector<uint32_t> architectures;  // SCMP_ARCH_*, besides the native one
    std::vector<SeccompRule> rules;
    unsigned long flags = 0;  // SECCOMP_FILTER_FLAG_* for seccomp(2)
    bool notify = false;      // some rule says SCMP_ACT_NOTIFY
    std::vector<std::string> unknown_syscalls;  // names libseccomp does not know: left out
};

// Throws rt::Error naming the path under `where` (".linux.seccomp") for what
// cannot be translated: an action, operator, architecture or flag this
// libseccomp or rt does not know, an argument index above 5, an errno above
// 4095, SCMP_ACT_NOTIFY without listenerPath (or where rt itself must make
// the call), ... Unknown system call names are not an error (a profile
// lists calls of newer kernels): they are listed in unknown_syscalls.
SeccompRules translate_seccomp(const spec::Seccomp& seccomp, const std::string& where);

struct SeccompProgram {
    std::vector<sock_filter> instructions;
    unsigned long flags = 0;  // for seccomp(2), with NEW_LISTENER when notify
    bool notify = false;
    std::string listener_path;      // where the notify fd goes
    std::string listener_metadata;  // "metadata" of the container process state
};

SeccompProgram compile_seccomp(const SeccompRules& rules, const spec::Seccomp& seccomp);
// translate + compile, with a debug log line for each unknown system call.
SeccompProgram plan_seccomp(const spec::Seccomp& seccomp, const std::string& where);

// seccomp(SECCOMP_SET_MODE_FILTER). Needs no_new_privs or CAP_SYS_ADMIN.
// Returns the notify fd (O_CLOEXEC) with SCMP_ACT_NOTIFY, else an empty fd.
unique_fd load_seccomp(const SeccompProgram& program);

// Names of libseccomp's values, for messages and tests ("SCMP_ACT_ERRNO(1)").
std::string seccomp_action_name(uint32_t action);

}  // namespace rt::linux
