// rt kill: a signal to the container's init, or with --all to every process
// of the container.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "internal.hpp"
#include "processes.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {

bool signal_init(const state::ContainerState& state, int signal) {
    unique_fd pidfd = open_pidfd(state.pid, state.start_time);
    if (!pidfd) return false;
    if (::syscall(SYS_pidfd_send_signal, pidfd.get(), signal, nullptr, 0) < 0) {
        if (errno == ESRCH) return false;
        throw_errno("signal container init");
    }
    return true;
}

void kill(const state::Store& store, const std::string& id, int signal, bool all) {
    state::ContainerState state = store.load(id);
    Status status = status_of(store, state);
    if (all) {
        // Works on a stopped container too: what it left behind (in its
        // cgroup) still gets the signal.
        signal_all(state, signal);
        log::debug("kill ", id, ": signal ", signal, " sent to every process of the container");
        return;
    }
    if (status == Status::stopped || !signal_init(state, signal)) {
        throw Error("container not running");
    }
    log::debug("kill ", id, ": signal ", signal, " sent to init ", state.pid);
}

}  // namespace rt::container
