// The enums, patterns and ranges that the runtime-spec JSON schema (v1.3.0,
// schema/config-schema.json, config-linux.json, defs*.json) fixes for string and
// integer values, in one table so that the parsers only name them.
#pragma once

#include <string_view>

#include "json_node.hpp"

namespace rt::spec::schema {

// ------------------------------------------------------------------ patterns

bool is_hugepage_size(std::string_view value);   // ^[1-9][0-9]*[KMG]B$
bool is_rlimit_name(std::string_view value);     // ^RLIMIT_[A-Z]+$
bool is_cpu_list(std::string_view value);        // ^[0-9, -]*$
bool is_mem_bw_schema(std::string_view value);   // ^MB:[^\n]*$
bool is_device_file_type(std::string_view value);  // ^[cbup]$

inline constexpr json::StringRule hugepage_size{
    .what = "page size", .pattern = "^[1-9][0-9]*[KMG]B$", .matches = is_hugepage_size};
inline constexpr json::StringRule rlimit_type{
    .what = "rlimit type", .pattern = "^RLIMIT_[A-Z]+$", .matches = is_rlimit_name};
inline constexpr json::StringRule cpu_list{
    .what = "CPU list", .pattern = "^[0-9, -]*$", .matches = is_cpu_list};
inline constexpr json::StringRule mem_bw_schema{
    .what = "memory bandwidth schema", .pattern = "^MB:[^\\n]*$", .matches = is_mem_bw_schema};
inline constexpr json::StringRule device_file_type{
    .what = "device type", .pattern = "^[cbup]$", .matches = is_device_file_type};

// --------------------------------------------------------------------- enums

inline constexpr std::string_view kRootfsPropagations[] = {
    "private", "shared", "slave", "unbindable",
    // Not in the schema's enum, but runc and crun accept the recursive forms and
    // containerd's CRI plugin writes "rslave"/"rshared": refusing them would
    // break callers that work with runc.
    "rprivate", "rshared", "rslave", "runbindable"};

inline constexpr std::string_view kSeccompActions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY"};

inline constexpr std::string_view kSeccompArchitectures[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",       "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",    "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",       "SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",     "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64"};

inline constexpr std::string_view kSeccompFlags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};

inline constexpr std::string_view kSeccompOperators[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};

inline constexpr std::string_view kIoPriorityClasses[] = {
    "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"};

inline constexpr std::string_view kSchedulerPolicies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"};

inline constexpr std::string_view kSchedulerFlags[] = {
    "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX"};

inline constexpr std::string_view kMemoryPolicyModes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL"};

inline constexpr std::string_view kMemoryPolicyFlags[] = {
    "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"};

inline constexpr std::string_view kPersonalityDomains[] = {"LINUX", "LINUX32"};

inline constexpr json::StringRule rootfs_propagation{.what = "rootfs propagation",
                                                     .allowed = kRootfsPropagations};
inline constexpr json::StringRule seccomp_action{.what = "seccomp action", .allowed = kSeccompActions};
inline constexpr json::StringRule seccomp_architecture{.what = "seccomp architecture",
                                                       .allowed = kSeccompArchitectures};
inline constexpr json::StringRule seccomp_flag{.what = "seccomp flag", .allowed = kSeccompFlags};
inline constexpr json::StringRule seccomp_operator{.what = "seccomp operator", .allowed = kSeccompOperators};
inline constexpr json::StringRule io_priority_class{.what = "I/O priority class",
                                                    .allowed = kIoPriorityClasses};
inline constexpr json::StringRule scheduler_policy{.what = "scheduler policy", .allowed = kSchedulerPolicies};
inline constexpr json::StringRule scheduler_flag{.what = "scheduler flag", .allowed = kSchedulerFlags};
inline constexpr json::StringRule memory_policy_mode{.what = "memory policy mode",
                                                     .allowed = kMemoryPolicyModes};
inline constexpr json::StringRule memory_policy_flag{.what = "memory policy flag",
                                                     .allowed = kMemoryPolicyFlags};
inline constexpr json::StringRule personality_domain{.what = "personality domain",
                                                     .allowed = kPersonalityDomains};

// -------------------------------------------------------------------- ranges

// defs.json FileMode: permission bits in decimal, 0..0777.
inline constexpr json::IntRange file_mode{
    .what = "a file mode between 0 and 511 (0777)", .min = 0, .max = 0777};

}  // namespace rt::spec::schema
