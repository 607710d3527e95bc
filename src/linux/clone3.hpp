// clone3(2) for rt's children (internal to src/linux): its arguments, and
// the clone into a cgroup v2 directory with its fallback.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace rt::linux {

// struct clone_args of <linux/sched.h>, which clashes with glibc's <sched.h>.
struct CloneArgs {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};

// CLONE_INTO_CGROUP of <linux/sched.h> (Linux 5.7).
inline constexpr uint64_t clone_into_cgroup = 0x200000000ULL;

// clone3 with `args`, into the cgroup v2 directory `v2_dir` (-1: none) when
// the kernel takes it: `born_in_cgroup` says whether it did. A kernel before
// 5.7 (EINVAL, E2BIG), or a cgroup it will not clone into (threaded, not this
// user's, not a cgroup at all), gets the clone without it: the parent then
// moves the child in. Any other failure comes again, without the flag.
// Returns as clone3: the pid in the parent, 0 in the child, -1 and errno.
pid_t clone3_into_cgroup(CloneArgs& args, int v2_dir, bool& born_in_cgroup);

}  // namespace rt::linux
