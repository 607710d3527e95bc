#include "foreground.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "rt/util/error.hpp"
#include "rt/util/process.hpp"

namespace rt::container {
namespace {

// Signals rt receives on the process's behalf: all but those that report a
// fault of rt itself, and those that cannot be caught.
sigset_t forwarded_signals() {
    sigset_t set;
    sigfillset(&set);
    for (int sig : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) {
        sigdelset(&set, sig);
    }
    return set;
}

// rt's terminal in raw mode while it relays: keys go to the container's
// terminal as typed (^C included), and that one does the echoing.
class RawMode {
public:
    explicit RawMode(int fd) {
        if (!::isatty(fd) || ::tcgetattr(fd, &saved_) < 0) return;
        termios raw = saved_;
        ::cfmakeraw(&raw);
        if (::tcsetattr(fd, TCSADRAIN, &raw) == 0) fd_ = fd;
    }
    ~RawMode() {
        if (fd_ >= 0) ::tcsetattr(fd_, TCSADRAIN, &saved_);
    }
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

private:
    int fd_ = -1;
    termios saved_{};
};

// The window size of rt's own terminal (stdin, else stdout) onto the pty.
void copy_window_size(int master) {
    winsize ws{};
    for (int fd : {STDIN_FILENO, STDOUT_FILENO}) {
        if (::ioctl(fd, TIOCGWINSZ, &ws) == 0) {
            ::ioctl(master, TIOCSWINSZ, &ws);
            return;
        }
    }
}

// Writes all of it; false when the reader is gone.
bool write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

enum class Pumped { data, nothing_now, end };

// Moves what one read of `from` gives to `to` (dropped once `to` is gone).
// `end` at EOF or error of `from`: a master reads EIO once no slave is open.
Pumped pump(int from, int to, bool& to_open) {
    char buf[8192];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Pumped::nothing_now;
    if (n <= 0) return Pumped::end;
    if (to_open) to_open = write_all(to, buf, static_cast<size_t>(n));
    return Pumped::data;
}

// After the process exited, what it wrote last is still in the pty. A
// non-blocking read of a pty flushes the tty layer's pending work first, so
// "nothing now" is the truth; a child left behind may keep the pty open
// forever, so that is where the relay stops.
void drain(int master, bool& stdout_open) {
    int flags = ::fcntl(master, F_GETFL);
    if (flags < 0 || ::fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0) return;
    while (pump(master, STDOUT_FILENO, stdout_open) == Pumped::data) {
    }
}

void forward(int pidfd, int sig) {
    if (::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) < 0 && errno != ESRCH) {
        throw_errno("forward signal");
    }
}

}  // namespace

SignalGate::SignalGate() {
    sigset_t set = forwarded_signals();
    if (::sigprocmask(SIG_BLOCK, &set, &old_) < 0) throw_errno("sigprocmask");
    fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC));
    if (!fd_) throw_errno("signalfd");
}

SignalGate::~SignalGate() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }

void size_relayed_terminal(spec::Process& process) {
    if (!process.terminal || process.console_size) return;
    winsize ws{};
    for (int fd : {STDIN_FILENO, STDOUT_FILENO}) {
        if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
            process.console_size = spec::ConsoleSize{ws.ws_row, ws.ws_col};
            return;
        }
    }
}

int wait_in_foreground(SignalGate& gate, pid_t pid, int pidfd, int master) {
    bool relay = master >= 0;
    RawMode raw(relay ? STDIN_FILENO : -1);
    if (relay) copy_window_size(master);
    bool stdin_open = relay, master_open = relay, stdout_open = true, master_writable = true;

    for (;;) {
        pollfd fds[4] = {{gate.fd(), POLLIN, 0},
                         {pidfd, POLLIN, 0},
                         {stdin_open ? STDIN_FILENO : -1, POLLIN, 0},
                         {master_open ? master : -1, POLLIN, 0}};
        if (::poll(fds, 4, -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info{};
            if (::read(gate.fd(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
                int sig = static_cast<int>(info.ssi_signo);
                if (sig == SIGWINCH && relay) {
                    copy_window_size(master);
                } else if (sig != SIGCHLD) {
                    forward(pidfd, sig);
                }
            }
        }
        if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
            stdin_open = pump(STDIN_FILENO, master, master_writable) != Pumped::end;
        }
        if (fds[3].revents & (POLLIN | POLLHUP | POLLERR)) {
            master_open = pump(master, STDOUT_FILENO, stdout_open) != Pumped::end;
        }
        if (fds[1].revents & POLLIN) break;
    }
    if (master_open) drain(master, stdout_open);
    return wait_child(pid);
}

}  // namespace rt::container
