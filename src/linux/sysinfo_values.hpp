// What the sysinfo agent answers (rt/linux/sysinfo_agent.hpp), computed from
// the container's cgroup files the way lxcfs computes /proc/meminfo, so that
// `free` (sysinfo) and /proc/meminfo (lxcfs) agree:
//   totalram   the smallest memory limit from the container's cgroup up to
//              the hierarchy's root, at most the host's RAM
//   freeram    totalram minus the cgroup's usage (page cache included)
//   sharedram  the cgroup's shmem;  bufferram 0 (a cgroup has no buffers)
//   swap       the cgroup's swap limit and use where the kernel accounts
//              them (v1 memsw minus memory, v2 memory.swap.*), else the host's
//   procs      the cgroup's tasks (pids.current, else its task list)
//   uptime     since the container's init started
//   loads      the host's, as lxcfs's /proc/loadavg unless lxcfs runs with
//              --enable-loadavg (a cgroup keeps no load average)
// Internal to the linux module; unit tested on a fake cgroupfs.
#pragma once

#include <sys/sysinfo.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rt/util/fd.hpp"

namespace rt::linux {

// The files of the container's cgroups the answer comes from, opened once
// when the agent starts and read again (pread at 0, which makes the kernel
// generate them afresh) for each call: a quarter of the cost of opening
// them each time. An fd is empty where the kernel has no such file.
struct CgroupFiles {
    bool v2 = false;
    std::vector<unique_fd> limits;       // memory.limit_in_bytes | memory.max, the cgroup's then its ancestors'
    unique_fd usage;                     // memory.usage_in_bytes | memory.current
    unique_fd stat;                      // memory.stat
    std::vector<unique_fd> swap_limits;  // memory.memsw.limit_in_bytes | memory.swap.max, same order
    unique_fd swap_usage;                // memory.memsw.usage_in_bytes | memory.swap.current
    unique_fd tasks;                     // pids.current, else the task list below
    bool tasks_listed = false;           // `tasks` is the list (tasks | cgroup.threads), one per line
};

// `memory`: the container's cgroup directory of the memory hierarchy (v1) or
// of the unified one (v2); `root`: that hierarchy's mount point (a prefix
// of `memory`); `pids`: its pids cgroup directory ("" for none). Throws
// rt::Error naming a directory that cannot be opened.
CgroupFiles open_cgroup_files(const std::string& memory, const std::string& root, bool v2, const std::string& pids);

struct CgroupMemory {
    uint64_t limit = UINT64_MAX;  // bytes; UINT64_MAX: none
    uint64_t usage = 0;
    uint64_t shmem = 0;
    std::optional<uint64_t> swap_limit;  // none: the host's swap
    std::optional<uint64_t> swap_usage;
    std::optional<uint64_t> tasks;
};

// Reads the files. A file the kernel does not have leaves its default.
CgroupMemory read_cgroup_memory(const CgroupFiles& files);

// The answer for a process of the container: `host` is the real sysinfo of
// the agent, `uptime` seconds since the container's init started.
struct sysinfo container_sysinfo(const struct sysinfo& host, const CgroupMemory& cgroup, long uptime);

}  // namespace rt::linux
