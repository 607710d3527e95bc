#include "steps.hpp"

namespace rt::linux {

ExecPlan become_user(const spec::Process& process, const ProcessSecurity& security, SeccompSession& seccomp,
                     const char* status, int preserve_fds) {
    prepare_fds(preserve_fds);
    give_stdio_to(process.user.uid);
    // As root, before the profile and the user switch, as runc: a cwd only
    // root may enter works for any user, and no profile need allow openat2.
    enter_cwd(process);
    if (security.seccomp_before_user_switch()) seccomp.load(status);
    drop_bounding_set(security.capabilities);
    set_user(process);
    apply_capabilities(security.capabilities);
    return plan_exec(process);
}

}  // namespace rt::linux
