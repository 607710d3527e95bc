// The cgroup v2 controllers: the spec's (v1-minded) resources converted to
// the unified hierarchy's files as runc converts them, and the statistics
// read back in runc's v1-shaped form (internal to src/cgroups). One .cpp each.
//
// check_* refuse, before any side effect, the fields cgroup v2 has no
// equivalent for. As on v1, a zero memory limit/reservation/swap and zero
// cpu shares/quota/period mean "not set".
#pragma once

#include <string>
#include <vector>

#include "../cgroup_dir.hpp"
#include "../controllers_common.hpp"
#include "rt/cgroups/devices.hpp"
#include "rt/cgroups/manager.hpp"
#include "rt/cgroups/stats.hpp"
#include "rt/spec/config.hpp"

namespace rt::cgroups::v2 {

// memory.cpp: memory.max, memory.swap.max (swap minus limit), memory.low.
void check_memory(const spec::Memory& memory);
void set_memory(const CgroupDir& dir, const spec::Memory& memory);
void memory_stats(const CgroupDir& dir, Stats& stats);

// cpu.cpp: cpu.weight (from shares), cpu.max, cpu.max.burst, cpu.idle.
void check_cpu(const spec::Cpu& cpu);
void set_cpu(const CgroupDir& dir, const spec::Cpu& cpu);
void cpu_stats(const CgroupDir& dir, Stats& stats);

// cpuset.cpp
void set_cpuset(const CgroupDir& dir, const spec::Cpu& cpu);

// pids.cpp
void set_pids(const CgroupDir& dir, const spec::Pids& pids);
void pids_stats(const CgroupDir& dir, Stats& stats);

// io.cpp: io.bfq.weight or io.weight, io.max.
void check_io(const spec::BlockIo& io);
void set_io(const CgroupDir& dir, const spec::BlockIo& io);
void io_stats(const CgroupDir& dir, Stats& stats);

// hugetlb.cpp: hugetlb.<size>.max (and .rsvd.max).
void set_hugetlb(const CgroupDir& dir, const std::vector<spec::HugepageLimit>& limits);
void hugetlb_stats(const CgroupDir& dir, const std::vector<std::string>& page_sizes, Stats& stats);

// devices.cpp: the BPF device filter.
void set_devices(const CgroupDir& dir, const std::vector<DeviceRule>& rules, DeviceFilterLoader& loader);

// freezer.cpp: cgroup.freeze.
void set_freezer(const CgroupDir& dir, FreezerState state);
FreezerState freezer_state(const CgroupDir& dir);

// oom.cpp: inotify on memory.events.
std::unique_ptr<OomWatch> watch_oom(const CgroupDir& dir);

}  // namespace rt::cgroups::v2
