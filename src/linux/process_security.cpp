// The process's security and scheduling settings: planned in the parent from
// the config, applied by the child (see rt/linux/process_security.hpp).
#include "rt/linux/process_security.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>

#include <utility>

#include "rt/linux/personality.hpp"
#include "rt/linux/seccomp_cache.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::linux {

bool ProcessSecurity::seccomp_before_user_switch() const {
    return seccomp && !no_new_privileges && !(capabilities.effective & (CapabilityMask{1} << CAP_SYS_ADMIN));
}

ProcessSecurity plan_process_security(const spec::Process& process, const spec::Linux* linux,
                                      const SecurityPlanOptions& options) {
    const std::string& where = options.process_path;
    ProcessSecurity security;

    CapabilityMessages messages;
    security.capabilities = plan_capabilities(
        process.capabilities, current_capability_environment(options.new_user_namespace), where + ".capabilities",
        messages);
    for (const std::string& warning : messages.warnings) log::warn(warning);
    for (const std::string& note : messages.notes) log::debug(note);

    security.no_new_privileges = process.no_new_privileges;
    security.rlimits = plan_rlimits(process.rlimits, where);
    security.oom_score_adj = process.oom_score_adj;
    if (process.io_priority) security.io_priority = plan_io_priority(*process.io_priority, where);
    if (process.scheduler) security.scheduler = plan_scheduler(*process.scheduler, where);
    security.exec_cpu_affinity = plan_cpu_affinity(process.exec_cpu_affinity, where);
    security.lsm_labels = plan_lsm_labels(process, host_lsms(), where);

    if (linux) {
        if (linux->personality) security.personality = plan_personality(*linux->personality, ".linux.personality");
        if (linux->memory_policy) {
            security.memory_policy = plan_memory_policy(*linux->memory_policy, ".linux.memoryPolicy");
        }
        if (linux->seccomp) {
            std::optional<SeccompCache> cache;
            if (!options.state_root.empty()) cache.emplace(options.state_root);
            security.seccomp = plan_seccomp(*linux->seccomp, ".linux.seccomp", cache ? &*cache : nullptr);
        }
    }
    return security;
}

void apply_process_settings(const ProcessSecurity& security, int proc_fd) {
    // runc's order: the labels for execve, no_new_privs, then how the
    // process is scheduled; oom_score_adj and rlimits while still root.
    if (security.oom_score_adj) apply_oom_score_adj(*security.oom_score_adj, proc_fd);
    apply_rlimits(security.rlimits);
    apply_lsm_labels(security.lsm_labels, proc_fd);
    if (security.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        throw_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    }
    if (security.scheduler) apply_scheduler(*security.scheduler);
    if (security.io_priority) apply_io_priority(*security.io_priority);
    if (security.personality) apply_personality(*security.personality);
    if (security.memory_policy) apply_memory_policy(*security.memory_policy);
}

SeccompSession::SeccompSession(const SeccompProgram* program, ContainerProcessState state)
    : program_(program), state_(std::move(state)) {
    if (!program_ || !program_->notify) return;
    listener_ = connect_seccomp_listener(program_->listener_path);
    state_.metadata = program_->listener_metadata;
}

void SeccompSession::load(const char* status) {
    if (!program_ || loaded_) return;
    std::string message;
    if (program_->notify) {
        state_.status = status;
        message = container_process_state_json(state_);
    }
    // From here to the hand-off, only calls the filter cannot hold up (see
    // translate_seccomp): the listener has no fd to answer them with yet.
    unique_fd notify = load_seccomp(*program_);
    loaded_ = true;
    if (!notify) return;
    send_seccomp_fd(listener_.get(), message, notify.get());
    listener_.reset();
}

}  // namespace rt::linux
