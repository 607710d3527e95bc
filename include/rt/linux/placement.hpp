// Where the init runs while rt makes the cgroups (create).
//
// Between the clone and cgroups_made the parent and the init work at the
// same time (the parent's cgroups, the init's namespaces and rootfs bind;
// rt/linux/sync_protocol.hpp). Only on two CPUs: a kernel that puts a new
// process on its parent's CPU (the test VM's does, half the time) leaves
// the init waiting there until the parent blocks, about 0.5 ms later, and
// the work is done one after the other after all. So the parent moves the
// init off the CPU it runs on as soon as it is cloned, and the init takes
// the parent's CPU mask back before it joins its cgroups (a cpuset cgroup
// then narrows it as it would have): the container's processes inherit the
// mask rt was started with, as they always did.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <optional>

namespace rt::linux {

struct CpuMask {
    cpu_set_t set;
};

// The calling process's CPU mask, when it allows more than one CPU (else
// there is nowhere to move the init to); nullopt otherwise, or when the
// mask does not fit a cpu_set_t (over 1024 CPUs).
std::optional<CpuMask> spreadable_affinity();

// Parent, right after the clone: `child` may run on every CPU of `mask` but
// the one the parent runs on. A failure is ignored: the init only starts
// later.
void move_off_my_cpu(pid_t child, const CpuMask& mask);

// The init, before it joins its cgroups: `mask` again. Throws rt::Error.
void take_back_affinity(const CpuMask& mask);

}  // namespace rt::linux
