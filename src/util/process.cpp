#include "rt/util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

#include "rt/util/error.hpp"
#include "rt/util/file.hpp"

namespace rt {

std::optional<ProcStat> read_proc_stat(pid_t pid) {
    // One open, one read into the stack, one close: `list` does this for
    // every container. The line is a few hundred bytes (comm is at most 64).
    char path[32];
    std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
    unique_fd fd(::open(path, O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    char buffer[1024];
    ssize_t n;
    do {
        n = ::read(fd.get(), buffer, sizeof buffer);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return std::nullopt;  // ESRCH while reading: it just exited
    std::string_view text(buffer, static_cast<size_t>(n));
    // "pid (comm) S ppid ..." — comm may hold spaces and parentheses, so
    // fields are counted from the last ')'.
    auto close = text.rfind(')');
    if (close == std::string_view::npos || close + 2 >= text.size()) return std::nullopt;
    ProcStat stat;
    stat.state = text[close + 2];
    // After ") " come fields 3..N; start_time is field 22, i.e. the 20th here.
    size_t pos = close + 2;
    for (int field = 3; field < 22; ++field) {
        pos = text.find(' ', pos);
        if (pos == std::string_view::npos) return std::nullopt;
        ++pos;
    }
    auto [end, error] = std::from_chars(text.data() + pos, text.data() + text.size(), stat.start_time);
    if (error != std::errc() || end == text.data() + pos) return std::nullopt;
    return stat;
}

bool process_alive(pid_t pid, uint64_t start_time) {
    if (pid <= 0) return false;
    auto stat = read_proc_stat(pid);
    return stat && stat->start_time == start_time && stat->state != 'Z' && stat->state != 'X';
}

unique_fd open_pidfd(pid_t pid, uint64_t start_time) {
    if (pid <= 0) return {};
    unique_fd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!fd) {
        if (errno == ESRCH) return {};
        throw_errno("pidfd_open " + std::to_string(pid));
    }
    auto stat = read_proc_stat(pid);
    if (!stat || stat->start_time != start_time) return {};
    return fd;
}

bool wait_pidfd_exit(int pidfd, int timeout_ms) {
    pollfd p{pidfd, POLLIN, 0};
    for (;;) {
        int n = ::poll(&p, 1, timeout_ms);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll pidfd");
        }
        return n > 0;
    }
}

int wait_child(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw_errno("waitpid " + std::to_string(pid));
    }
    return status;
}

int exit_code_of(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return 255;
}

}  // namespace rt

namespace rt {

void close_fds_except(std::vector<int> keep) {
    keep.push_back(0);
    keep.push_back(1);
    keep.push_back(2);
    std::sort(keep.begin(), keep.end());
    unsigned next = 0;
    for (int fd : keep) {
        if (fd < 0) continue;
        auto kept = static_cast<unsigned>(fd);
        if (kept > next && ::syscall(SYS_close_range, next, kept - 1, 0) < 0) {
            throw_errno("close_range");
        }
        next = std::max(next, kept + 1);
    }
    if (::syscall(SYS_close_range, next, ~0U, 0) < 0) throw_errno("close_range");
}

}  // namespace rt
