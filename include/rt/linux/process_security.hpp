// Everything about the container's process that is not its command line:
// capabilities, no_new_privs, rlimits, oom_score_adj, I/O priority, scheduler,
// CPU affinity, personality, NUMA memory policy, AppArmor/SELinux labels and
// seccomp. One plan, translated in the parent before any side effect (every
// error of the config is found there); the child applies it.
//
// `rt create` and `rt exec` (a process joining a container) share it:
//
//   parent:  ProcessSecurity s = plan_process_security(process, linux, ...);
//   child:   SeccompSession seccomp(&*s.seccomp, state);         // before pivot_root
//            apply_process_settings(s, proc_fd);                // as root, before the user switch
//            if (s.seccomp_before_user_switch()) seccomp.load("creating");
//            drop_bounding_set(s.capabilities);
//            set_user(process);                                 // src/linux/process.cpp
//            apply_capabilities(s.capabilities);
//            ... `ready` ...
//            seccomp.load("created");                           // with no_new_privs: as runc, before the start
//            ... wait for start, startContainer hooks ...
//            seccomp.load("created");                           // otherwise: last, right before execve
//
// exec also applies s.exec_cpu_affinity (apply_cpu_affinity: initial before
// the process joins the cgroup, final after); the container's own process
// does not (config.md: "not applicable to the container's init process").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rt/linux/capabilities.hpp"
#include "rt/linux/lsm.hpp"
#include "rt/linux/memory_policy.hpp"
#include "rt/linux/rlimits.hpp"
#include "rt/linux/scheduling.hpp"
#include "rt/linux/seccomp.hpp"
#include "rt/linux/seccomp_notify.hpp"
#include "rt/spec/config.hpp"

namespace rt::linux {

struct ProcessSecurity {
    CapabilityPlan capabilities;
    bool no_new_privileges = false;
    std::vector<RlimitSetting> rlimits;
    std::optional<int> oom_score_adj;
    std::optional<int> io_priority;
    std::optional<SchedulerSetting> scheduler;
    CpuAffinity exec_cpu_affinity;
    std::optional<unsigned long> personality;
    std::optional<MemoryPolicySetting> memory_policy;
    LsmLabels lsm_labels;
    std::optional<SeccompProgram> seccomp;

    // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: when the
    // process will not keep it, the filter goes in before the user switch
    // (as runc always does without noNewPrivileges), otherwise last.
    bool seccomp_before_user_switch() const;
};

struct SecurityPlanOptions {
    bool new_user_namespace = false;  // the process runs in a user namespace of its own
    std::string process_path = ".process";  // JSON path of the process in messages ("" for exec's process.json)
    std::string state_root;                 // --root, where the seccomp cache lives ("": no cache)
};

// Throws rt::Error naming the JSON path of the first bad value. Logs a warning
// for capabilities that cannot be granted. `linux` may be null.
ProcessSecurity plan_process_security(const spec::Process& process, const spec::Linux* linux,
                                      const SecurityPlanOptions& options);

// As root, before the user switch: oom_score_adj, rlimits, scheduler, I/O
// priority, personality, memory policy, LSM labels, no_new_privs. `proc_fd` is
// a /proc of the host (the container may have none mounted).
void apply_process_settings(const ProcessSecurity& security, int proc_fd);

// The seccomp filter of a process and, with SCMP_ACT_NOTIFY, its listener.
class SeccompSession {
public:
    SeccompSession() = default;
    // Connects to the listener if the filter notifies: call it while the
    // listener's path is reachable (before pivot_root).
    SeccompSession(const SeccompProgram* program, ContainerProcessState state);

    // Loads the filter (once: later calls do nothing) and hands the notify
    // fd to the listener, with `status` ("creating", "created") as the
    // container's status in the message.
    void load(const char* status);

private:
    const SeccompProgram* program_ = nullptr;
    unique_fd listener_;
    ContainerProcessState state_;
    bool loaded_ = false;
};

}  // namespace rt::linux
