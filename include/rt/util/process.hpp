// Facts about host processes, read from /proc, and pidfd helpers.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "rt/util/fd.hpp"

namespace rt {

struct ProcStat {
    char state = '?';          // R, S, D, Z, X, T, ...
    uint64_t start_time = 0;   // field 22: clock ticks after boot
    char comm[16] = {};        // field 2, without its parentheses (the kernel keeps 15 bytes)
};

// /proc/PID/stat, or nullopt if there is no such process.
std::optional<ProcStat> read_proc_stat(pid_t pid);

// True if `pid` exists, is not a zombie, and started at `start_time`: the
// test rt uses to tell its container's init from a recycled pid.
bool process_alive(pid_t pid, uint64_t start_time);

// pidfd of `pid` if it is still the process that started at `start_time`
// (checked after opening, so the fd cannot point at a recycled pid); an
// empty fd if it is gone.
unique_fd open_pidfd(pid_t pid, uint64_t start_time);

// Waits until the process behind `pidfd` exits (poll on the pidfd), up to
// `timeout_ms` (-1: forever). True if it exited.
bool wait_pidfd_exit(int pidfd, int timeout_ms);

// waitpid that retries on EINTR; returns the raw status.
int wait_child(pid_t pid);

// Shell-style exit code of a wait status: the exit code, or 128+signal.
int exit_code_of(int wait_status);

}  // namespace rt

namespace rt {

// Closes every fd except 0-2 and those in `keep`: a cloned child drops what
// it inherited from its parent (locks, sockets) and was never meant to hold.
void close_fds_except(std::vector<int> keep);

}  // namespace rt
