// The init's part in seccomp notify: what it must learn before pivot_root.
#include <fcntl.h>
#include <unistd.h>

#include <climits>

#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {

SeccompSession prepare_seccomp(InitContext& ctx) {
    // The parent plans it before it clones (container/create.cpp).
    if (!ctx.config.security) throw Error("internal error: the init has no process security plan");
    const ProcessSecurity& security = *ctx.config.security;
    if (!security.seccomp) return {};
    ContainerProcessState state;
    state.id = ctx.config.id;
    state.bundle = ctx.config.bundle;
    state.annotations = ctx.spec.annotations;
    // The listener wants the pid rt sees: the host's /proc knows it.
    char self[32] = {};
    ssize_t n = ::readlinkat(ctx.host_proc.get(), "self", self, sizeof self - 1);
    if (n <= 0) throw_errno("readlink /proc/self");
    state.pid = static_cast<pid_t>(std::stol(std::string(self, static_cast<size_t>(n))));
    return SeccompSession(&*security.seccomp, std::move(state));
}

}  // namespace rt::linux
