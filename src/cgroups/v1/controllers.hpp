// The cgroup v1 controllers: what each writes from the spec's resources and
// what it reads for `rt events` (internal to src/cgroups). One .cpp each.
//
// As runc does, a zero memory limit, reservation or swap, and a zero
// cpu shares, quota or period, mean "not set": the kernel takes 0 as a real
// limit that no container survives, and callers write 0 for "none".
#pragma once

#include <string>
#include <vector>

#include "../cgroup_dir.hpp"
#include "../controllers_common.hpp"
#include "rt/cgroups/devices.hpp"
#include "rt/cgroups/manager.hpp"
#include "rt/cgroups/stats.hpp"
#include "rt/spec/config.hpp"

namespace rt::cgroups::v1 {

// cpuset.cpp
void set_cpuset(const CgroupDir& dir, const spec::Cpu& cpu);
// Copies cpuset.cpus and cpuset.mems from the parent where they are empty:
// a v1 cpuset without them takes no process.
void inherit_cpuset(const CgroupDir& dir, const CgroupDir& parent);
// Has the kernel give each child made later in `dir` its CPUs and nodes at
// the mkdir (cgroup.clone_children, read by the cpuset controller only).
void clone_cpuset_into_children(const CgroupDir& dir);
void cpuset_stats(const CgroupDir& dir, Stats& stats);

// memory.cpp
void set_memory(const CgroupDir& dir, const spec::Memory& memory);
void memory_stats(const CgroupDir& dir, Stats& stats);

// cpu.cpp (cpu.* files) and cpuacct.cpp (usage statistics)
void set_cpu(const CgroupDir& dir, const spec::Cpu& cpu);
void cpu_stats(const CgroupDir& dir, Stats& stats);
void cpuacct_stats(const CgroupDir& dir, Stats& stats);

// pids.cpp
void set_pids(const CgroupDir& dir, const spec::Pids& pids);
void pids_stats(const CgroupDir& dir, Stats& stats);

// blkio.cpp
void set_blkio(const CgroupDir& dir, const spec::BlockIo& io);
void blkio_stats(const CgroupDir& dir, Stats& stats);

// hugetlb.cpp
void set_hugetlb(const CgroupDir& dir, const std::vector<spec::HugepageLimit>& limits);
void hugetlb_stats(const CgroupDir& dir, const std::vector<std::string>& page_sizes, Stats& stats);

// net.cpp (net_cls and net_prio)
void set_net_cls(const CgroupDir& dir, uint32_t class_id);
void set_net_prio(const CgroupDir& dir, const std::vector<spec::NetworkPriority>& priorities);

// devices.cpp
void set_devices(const CgroupDir& dir, const std::vector<DeviceRule>& rules);

// freezer.cpp
void set_freezer(const CgroupDir& dir, FreezerState state);
FreezerState freezer_state(const CgroupDir& dir);

// oom.cpp
std::unique_ptr<OomWatch> watch_oom(const CgroupDir& memory);

}  // namespace rt::cgroups::v1
