#include "rt/linux/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <nlohmann/json.hpp>

#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"

namespace rt::linux {

const char* to_string(HookPhase phase) {
    switch (phase) {
    case HookPhase::prestart: return "prestart";
    case HookPhase::create_runtime: return "createRuntime";
    case HookPhase::create_container: return "createContainer";
    case HookPhase::start_container: return "startContainer";
    case HookPhase::poststart: return "poststart";
    case HookPhase::poststop: return "poststop";
    }
    return "unknown";
}

const char* hook_status(HookPhase phase) {
    switch (phase) {
    case HookPhase::prestart:
    case HookPhase::create_runtime:
    case HookPhase::create_container: return "creating";
    case HookPhase::start_container: return "created";
    case HookPhase::poststart: return "running";
    case HookPhase::poststop: return "stopped";
    }
    return "unknown";
}

const std::vector<spec::Hook>& hooks_of(const spec::Hooks& hooks, HookPhase phase) {
    switch (phase) {
    case HookPhase::prestart: return hooks.prestart;
    case HookPhase::create_runtime: return hooks.create_runtime;
    case HookPhase::create_container: return hooks.create_container;
    case HookPhase::start_container: return hooks.start_container;
    case HookPhase::poststart: return hooks.poststart;
    case HookPhase::poststop: return hooks.poststop;
    }
    return hooks.poststop;
}

std::string hook_state_json(const HookState& state, HookPhase phase) {
    nlohmann::ordered_json j;
    j["ociVersion"] = "1.3.0";
    j["id"] = state.id;
    j["status"] = hook_status(phase);
    if (state.pid > 0) j["pid"] = state.pid;
    j["bundle"] = state.bundle;
    if (!state.annotations.empty()) j["annotations"] = state.annotations;
    return j.dump();
}

std::vector<std::string> hook_argv(const spec::Hook& hook) {
    if (hook.args.empty()) return {hook.path};
    return hook.args;
}

namespace {

// What a hook printed is kept for the error message, up to this much.
constexpr size_t output_limit = 4096;

// The state as a sealed-size file the hook reads from its start.
unique_fd state_file(const std::string& state_json) {
    unique_fd fd(::memfd_create("rt-hook-state", MFD_CLOEXEC));
    if (!fd) throw_errno("memfd_create for the hook's state");
    size_t done = 0;
    while (done < state_json.size()) {
        ssize_t n = ::write(fd.get(), state_json.data() + done, state_json.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write the hook's state");
        }
        done += static_cast<size_t>(n);
    }
    if (::lseek(fd.get(), 0, SEEK_SET) < 0) throw_errno("seek the hook's state");
    return fd;
}

// argv and envp for execve, made before the fork.
struct ExecArgs {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::vector<char*> argv;
    std::vector<char*> envp;

    explicit ExecArgs(const spec::Hook& hook) : args(hook_argv(hook)), env(hook.env) {
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
    }
};

[[noreturn]] void exec_hook(const std::string& path, ExecArgs& exec, int stdin_fd, int output_fd) {
    // The child of fork: only async-signal-safe calls from here.
    if (::dup2(stdin_fd, 0) < 0 || ::dup2(output_fd, 1) < 0 || ::dup2(output_fd, 2) < 0) _exit(127);
    // Whatever the caller blocked or ignored (rt run blocks the signals it
    // forwards) is not the hook's business.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
    }
    // fds the init keeps for the container (--preserve-fds) are not the hook's.
    ::syscall(SYS_close_range, 3U, ~0U, 0U);

    ::execve(path.c_str(), exec.argv.data(), exec.envp.data());
    int err = errno;
    const char* prefix = "rt: exec hook: ";
    const char* reason = ::strerror(err);
    ssize_t ignored = ::write(2, prefix, ::strlen(prefix));
    ignored = ::write(2, reason, ::strlen(reason));
    (void)ignored;
    _exit(127);
}

int64_t now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Reads what is in `fd` now (non-blocking), keeping up to output_limit.
// False at EOF.
bool drain(int fd, std::string& into) {
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            size_t room = output_limit > into.size() ? output_limit - into.size() : 0;
            into.append(buf, std::min(room, static_cast<size_t>(n)));
            continue;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        return true;  // EAGAIN: nothing more now
    }
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + ::strsignal(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

void run_hook(const spec::Hook& hook, HookPhase phase, const std::string& state_json) {
    const std::string what = std::string(to_string(phase)) + " hook " + hook.path;
    log::debug("running ", what);
    unique_fd input = state_file(state_json);
    int out[2];
    if (::pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0) throw_errno(what + ": pipe");
    unique_fd out_read(out[0]), out_write(out[1]);

    ExecArgs exec(hook);
    pid_t pid = ::fork();
    if (pid < 0) throw_errno(what + ": fork");
    if (pid == 0) exec_hook(hook.path, exec, input.get(), out_write.get());
    out_write.reset();
    input.reset();

    unique_fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) {
        int err = errno;
        ::kill(pid, SIGKILL);
        wait_child(pid);
        throw_errno(err, what + ": pidfd_open");
    }

    // Output is read as it comes (a hook that fills the pipe would block
    // otherwise); the hook is done when it exits, not at EOF, since
    // something it started may hold the pipe open.
    std::string output;
    bool out_open = true;
    // Capped at a century: the sum cannot overflow, the wait is as good as
    // forever.
    constexpr int64_t max_timeout_s = 100LL * 365 * 86400;
    const int64_t deadline = hook.timeout ? now_ms() + std::min(*hook.timeout, max_timeout_s) * 1000 : -1;
    for (;;) {
        int timeout_ms = -1;
        if (deadline >= 0) {
            int64_t left = std::max<int64_t>(0, deadline - now_ms());
            timeout_ms = static_cast<int>(std::min<int64_t>(left, INT_MAX));
        }
        pollfd fds[2] = {{pidfd.get(), POLLIN, 0}, {out_open ? out_read.get() : -1, POLLIN, 0}};
        int n = ::poll(fds, 2, timeout_ms);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::kill(pid, SIGKILL);
            wait_child(pid);
            throw_errno(err, what + ": poll");
        }
        if (n == 0 && now_ms() < deadline) continue;  // a wait longer than poll's
        if (n == 0) {
            ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
            wait_child(pid);
            throw Error(what + ": did not finish within its timeout of " +
                        std::to_string(*hook.timeout) + "s and was killed");
        }
        if (out_open && (fds[1].revents & (POLLIN | POLLHUP))) out_open = drain(out_read.get(), output);
        if (fds[0].revents & POLLIN) break;
    }
    int status = wait_child(pid);
    if (out_open) drain(out_read.get(), output);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::string message = what + ": " + describe_status(status);
    output = trimmed(output);
    if (!output.empty()) message += " (output: " + output + ")";
    throw Error(message);
}

namespace {

void run_all(const spec::Hooks& hooks, HookPhase phase, const HookState& state, bool warn_only) {
    const auto& list = hooks_of(hooks, phase);
    if (list.empty()) return;
    const std::string json = hook_state_json(state, phase);
    for (const auto& hook : list) {
        try {
            run_hook(hook, phase, json);
        } catch (const Error& e) {
            if (!warn_only) throw;
            log::warn(e.what());
        }
    }
}

}  // namespace

void run_hooks(const spec::Hooks& hooks, HookPhase phase, const HookState& state) {
    run_all(hooks, phase, state, false);
}

void run_hooks_warn_only(const spec::Hooks& hooks, HookPhase phase, const HookState& state) {
    run_all(hooks, phase, state, true);
}

}  // namespace rt::linux
