// rt start: let the waiting init exec the container's process, then run the
// poststart hooks.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "internal.hpp"
#include "processes.hpp"
#include "rt/linux/hooks.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

constexpr int kill_timeout_ms = 10000;

// After the init's '0', the fifo stays open on its side until execve closes
// it (O_CLOEXEC); what comes before that EOF is the init's error
// (a startContainer hook or the exec failed). Returns it, "" when none.
std::string read_until_exec(int fifo) {
    std::string failure;
    pollfd p{fifo, POLLIN, 0};
    for (;;) {
        int n = ::poll(&p, 1, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll exec fifo");
        }
        char buf[4096];
        ssize_t got = ::read(fifo, buf, sizeof buf);
        if (got == 0) return failure;
        if (got > 0) {
            failure.append(buf, static_cast<size_t>(got));
        } else if (errno != EAGAIN && errno != EINTR) {
            throw_errno("read exec fifo");
        }
    }
}

// runtime.md: a failed startContainer or poststart hook stops the
// container; `delete` then removes it (and runs the poststop hooks).
void stop_container(const state::ContainerState& state) {
    unique_fd pidfd = open_pidfd(state.pid, state.start_time);
    signal_all(state, SIGKILL);
    if (pidfd && !wait_pidfd_exit(pidfd.get(), kill_timeout_ms)) {
        log::warn("container init " + std::to_string(state.pid) + " did not die after SIGKILL");
    }
}

}  // namespace

void start_container(const state::Store& store, const state::ContainerState& state, const spec::Spec* spec,
                     int init_pidfd) {
    std::string fifo_path = store.fifo_path(state.id);
    // The pidfd first: once the fifo is open the init may exec, exit and be
    // reaped by the caller (conmon, a shim) before we look, and its pid is
    // then gone although the start succeeded.
    unique_fd own_pidfd;
    if (init_pidfd < 0) {
        own_pidfd = open_pidfd(state.pid, state.start_time);
        if (!own_pidfd) throw Error("cannot start a container that has stopped");
        init_pidfd = own_pidfd.get();
    }
    // Non-blocking: opening a fifo to read does not wait for a writer, and
    // the poll below also watches the init, which could die before it
    // opens its end (a blocking open would then hang forever).
    unique_fd fifo(::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo) throw_errno("open " + fifo_path);

    pollfd fds[2] = {{fifo.get(), POLLIN, 0}, {init_pidfd, POLLIN, 0}};
    for (;;) {
        int n = ::poll(fds, 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll exec fifo");
        }
        if (fds[0].revents & POLLIN) {
            char byte = 0;
            ssize_t got = ::read(fifo.get(), &byte, 1);
            if (got == 1) break;
            if (got < 0 && errno == EAGAIN) continue;
        }
        if (fds[1].revents & POLLIN) throw Error("container init exited before it was started");
    }
    std::string failure = read_until_exec(fifo.get());
    if (::unlink(fifo_path.c_str()) < 0 && errno != ENOENT) throw_errno("remove " + fifo_path);
    log::debug("start ", state.id, ": init ", state.pid, " released");
    if (!failure.empty()) {
        stop_container(state);
        throw Error(failure);
    }

    // The process runs: poststart, in rt's own namespaces.
    std::optional<spec::Spec> saved;
    if (!spec) spec = &saved.emplace(load_saved_spec(store, state.id));
    try {
        linux::run_hooks(spec->hooks, linux::HookPhase::poststart, hook_state(state));
    } catch (const Error&) {
        stop_container(state);
        throw;
    }
}

void start(const state::Store& store, const std::string& id) {
    auto lock = store.lock(id);
    state::ContainerState state = store.load(id);
    switch (status_of(store, state)) {
    case Status::created: break;
    case Status::stopped: throw Error("cannot start a container that has stopped");
    case Status::running: throw Error("cannot start an already running container");
    case Status::paused: throw Error("cannot start a paused container");
    case Status::creating: throw Error("cannot start a container that is being created");
    }
    start_container(store, state);
}

}  // namespace rt::container
