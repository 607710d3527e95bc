// What the v1 and v2 controllers share (internal to src/cgroups).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "cgroup_dir.hpp"
#include "rt/spec/config.hpp"

namespace rt::cgroups {

void set_rdma(const CgroupDir& dir, const std::map<std::string, spec::Rdma>& rdma);

// Which parts of the resources a config sets (the controllers they need).
bool sets_cpu(const spec::Cpu& cpu);     // shares, quota, period, burst, realtime, idle
bool sets_cpuset(const spec::Cpu& cpu);  // cpus, mems
bool sets_block_io(const spec::BlockIo& io);

// pids.max for linux.resources.pids.limit. config-linux.md: -1 (any
// negative) is no limit, and 0 a real one (no new process at all).
std::string pids_max_value(int64_t limit);

// The v2 controller a `unified` key belongs to: "memory" for "memory.high",
// "" for the core files ("cgroup.max.depth"). Throws for a key that is not a
// plain file name.
std::string unified_controller(const std::string& key);

// Words of a cgroup.controllers or cgroup.subtree_control file.
std::set<std::string> controller_set(const std::string& text);

// Makes `leaf` and its missing parents in the cgroup2 hierarchy mounted at
// `mount`, appending each directory it makes to `created`, and enables
// controllers in the cgroup.subtree_control of every cgroup from the mount
// down to leaf's parent (only those not enabled yet): all that each level
// offers when `enable_all`, else those in `needed`. A controller in
// `needed` that cannot be enabled is an error naming it and the cgroup.
void make_v2_cgroup(const std::string& mount, const std::string& leaf, const std::set<std::string>& needed,
                    bool enable_all, std::vector<std::string>& created);

// Writes the `unified` keys into a cgroup2 directory.
void write_unified(const CgroupDir& dir, const std::map<std::string, std::string>& unified);

}  // namespace rt::cgroups
