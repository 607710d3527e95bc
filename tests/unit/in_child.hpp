// Runs a piece of test code in a forked child, for calls that change the
// calling process for good (setrlimit, seccomp, personality, ...): the test
// binary itself stays as it was.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exception>
#include <functional>
#include <string>

namespace rt::test {

struct ChildResult {
    int status = -1;     // as waitpid gives it
    std::string output;  // what the body returned, or "error: <what()>"
};

inline ChildResult in_child(const std::function<std::string()>& body) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) < 0) return {};
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        std::string out;
        int code = 0;
        try {
            out = body();
        } catch (const std::exception& e) {
            out = std::string("error: ") + e.what();
            code = 1;
        }
        ssize_t ignored = ::write(pipe_fds[1], out.data(), out.size());
        (void)ignored;
        ::_exit(code);
    }
    ::close(pipe_fds[1]);
    ChildResult result;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) result.output.append(buffer, static_cast<size_t>(n));
    ::close(pipe_fds[0]);
    if (pid > 0) ::waitpid(pid, &result.status, 0);
    return result;
}

}  // namespace rt::test
