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

// One cgroup of one hierarchy, opened (O_PATH) with its ancestors up to the
// hierarchy's root: dirs[0] is the cgroup itself.
struct CgroupChain {
    bool v2 = false;
    std::vector<unique_fd> dirs;
};

// `path`: the cgroup's directory; `root`: the hierarchy's mount point (a
// prefix of `path`). Throws rt::Error naming the directory.
CgroupChain open_cgroup_chain(const std::string& path, const std::string& root, bool v2);

struct CgroupMemory {
    uint64_t limit = UINT64_MAX;  // bytes; UINT64_MAX: none
    uint64_t usage = 0;
    uint64_t shmem = 0;
    std::optional<uint64_t> swap_limit;  // none: the host's swap
    std::optional<uint64_t> swap_usage;
    std::optional<uint64_t> tasks;
};

// Reads the memory files of `memory` (and pids.current of `pids` when given).
// A file the kernel does not have leaves its default.
CgroupMemory read_cgroup_memory(const CgroupChain& memory, const CgroupChain* pids);

// The answer for a process of the container: `host` is the real sysinfo of
// the agent, `uptime` seconds since the container's init started.
struct sysinfo container_sysinfo(const struct sysinfo& host, const CgroupMemory& cgroup, long uptime);

}  // namespace rt::linux
