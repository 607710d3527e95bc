// linux.seccomp (config-linux.md, Seccomp), in three steps:
//
//   translate_seccomp()  config -> SeccompRules: names resolved to numbers
//                        and libseccomp values; pure, unit tested
//   compile_seccomp()    SeccompRules -> a BPF program (libseccomp, exported),
//                        behind runc's ENOSYS stub (seccomp_enosys.cpp), in
//                        the parent before anything is created; plan_seccomp()
//                        keeps what it compiled in a cache (seccomp_cache.hpp)
//   load_seccomp()       seccomp(2) in the child, late (init_main.cpp says when);
//                        returns the notify fd when a rule says SCMP_ACT_NOTIFY
//
// rt loads the program itself rather than through seccomp_load(), so that
// every flag of the spec reaches the kernel whatever libseccomp knows.
#pragma once

#include <linux/filter.h>
#include <seccomp.h>

#include <cstdint>
#include <string>
#include <utility>
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
    // For the ENOSYS stub: per architecture (SCMP_ARCH_*, the native one
    // first), the highest number the profile names; empty when the default
    // action lets unknown calls through (see seccomp_enosys.cpp).
    std::vector<std::pair<uint32_t, uint32_t>> highest_syscalls;
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

class SeccompCache;
// translate + compile, with a debug log line for each unknown system call.
// With a cache, a profile compiled before is read from it instead, and one
// compiled now is written to it.
SeccompProgram plan_seccomp(const spec::Seccomp& seccomp, const std::string& where,
                            const SeccompCache* cache = nullptr);

// The ENOSYS stub (seccomp_enosys.cpp). Whether a default action needs it:
// errno (but ENOSYS), kill and trap do; allow, log and trace do not.
bool default_action_wants_enosys_stub(uint32_t default_action);
// Per architecture (the native one always, first), the highest number of
// any name of the profile; architectures where none is known are left out.
std::vector<std::pair<uint32_t, uint32_t>> highest_syscalls(const spec::Seccomp& seccomp,
                                                            const std::vector<uint32_t>& architectures);
// The instructions that go before the filter: ERRNO(ENOSYS) above those
// numbers, on to the filter otherwise. Empty for an empty list.
std::vector<sock_filter> enosys_stub(const std::vector<std::pair<uint32_t, uint32_t>>& highest);

// seccomp(SECCOMP_SET_MODE_FILTER). Needs no_new_privs or CAP_SYS_ADMIN.
// Returns the notify fd (O_CLOEXEC) with SCMP_ACT_NOTIFY, else an empty fd.
unique_fd load_seccomp(const SeccompProgram& program);

// Names of libseccomp's values, for messages and tests ("SCMP_ACT_ERRNO(1)").
std::string seccomp_action_name(uint32_t action);

}  // namespace rt::linux
