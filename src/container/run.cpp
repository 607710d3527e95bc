// rt run: create + start, then (unless --detach) stay in the foreground as
// the container's parent: forward the signals rt gets to the init, wait for
// it, delete the container (unless --keep) and exit with its status.
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "internal.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

// Signals rt receives on the container's behalf: all but those that report a
// fault of rt itself, and those that cannot be caught.
sigset_t forwarded_signals() {
    sigset_t set;
    sigfillset(&set);
    for (int sig : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) {
        sigdelset(&set, sig);
    }
    return set;
}

// Blocks the forwarded signals (and SIGCHLD) for a signalfd; restores the old
// mask when it goes away.
class SignalGate {
public:
    SignalGate() {
        sigset_t set = forwarded_signals();
        if (::sigprocmask(SIG_BLOCK, &set, &old_) < 0) throw_errno("sigprocmask");
        fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC));
        if (!fd_) throw_errno("signalfd");
    }
    ~SignalGate() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }
    SignalGate(const SignalGate&) = delete;
    SignalGate& operator=(const SignalGate&) = delete;
    int fd() const { return fd_.get(); }

private:
    sigset_t old_{};
    unique_fd fd_;
};

// Returns the init's wait status.
int forward_until_exit(SignalGate& gate, pid_t init) {
    for (;;) {
        int status = 0;
        pid_t done = ::waitpid(init, &status, WNOHANG);
        if (done == init) return status;
        if (done < 0 && errno != EINTR) throw_errno("waitpid");

        signalfd_siginfo info{};
        ssize_t n = ::read(gate.fd(), &info, sizeof info);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read signalfd");
        }
        int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGCHLD) continue;
        if (::kill(init, sig) < 0 && errno != ESRCH) throw_errno("forward signal");
    }
}

}  // namespace

int run(const state::Store& store, const RunOptions& options) {
    // Blocked before the clone so that no signal slips between; the init
    // unblocks everything for itself.
    SignalGate gate;
    Created created = create_container(store, options.create);
    try {
        start_container(store, created.state);
    } catch (...) {
        ::kill(created.init.pid, SIGKILL);
        wait_child(created.init.pid);
        destroy_stopped(store, created.state);
        throw;
    }
    if (options.detach) return 0;

    // Let other commands (state, kill, exec) at the container while it runs.
    pid_t init = created.init.pid;
    created.lock = {};
    int status = forward_until_exit(gate, init);
    if (!options.keep) {
        try {
            destroy(store, options.create.id, true);
        } catch (const Error& e) {
            log::warn(std::string("delete after run: ") + e.what());
        }
    }
    return exit_code_of(status);
}

}  // namespace rt::container
