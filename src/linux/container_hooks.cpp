// The hooks the init runs itself, in the container's namespaces:
// createContainer (before pivot_root, cwd the rootfs, as runc) and
// startContainer (after `start` opened the fifo, as the container's user,
// just before execve). The state they read has the pid as the container
// sees it.
#include <unistd.h>

#include "rt/linux/hooks.hpp"
#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {

void run_container_hooks(InitContext& ctx, HookPhase phase) {
    const auto& hooks = hooks_of(ctx.spec.hooks, phase);
    if (hooks.empty()) return;
    if (phase == HookPhase::create_container && ::fchdir(ctx.root.get()) < 0) {
        throw_errno("chdir to the rootfs for the createContainer hooks");
    }
    HookState state{ctx.config.id, ::getpid(), ctx.config.bundle, ctx.spec.annotations};
    const std::string json = hook_state_json(state, phase);
    for (spec::Hook hook : hooks) {
        // As runc: a startContainer hook without env of its own gets the
        // process's (not in the spec; what hooks written for runc expect).
        if (phase == HookPhase::start_container && hook.env.empty()) hook.env = ctx.spec.process->env;
        run_hook(hook, phase, json);
    }
}

}  // namespace rt::linux
