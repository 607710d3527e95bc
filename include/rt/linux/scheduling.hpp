// How the kernel schedules the container's process (config.md, Linux
// Process): scheduler (sched_setattr), ioPriority (ioprio_set), oomScoreAdj,
// and execCPUAffinity. Translated in the parent, applied by the child.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rt/spec/config.hpp"

namespace rt::linux {

// struct sched_attr of sched_setattr(2) (glibc 2.36 has no declaration).
struct SchedAttr {
    uint32_t size = sizeof(SchedAttr);
    uint32_t sched_policy = 0;
    uint64_t sched_flags = 0;
    int32_t sched_nice = 0;
    uint32_t sched_priority = 0;
    uint64_t sched_runtime = 0;
    uint64_t sched_deadline = 0;
    uint64_t sched_period = 0;
    uint32_t sched_util_min = 0;
    uint32_t sched_util_max = 0;
};

struct SchedulerSetting {
    std::string policy_name;  // for messages
    SchedAttr attr;
};

// SCHED_* and SCHED_FLAG_* names of config.md to the values of the kernel.
std::optional<uint32_t> scheduler_policy(const std::string& name);
std::optional<uint64_t> scheduler_flag(const std::string& name);
// Throws rt::Error naming `where`.scheduler for a name rt does not know.
SchedulerSetting plan_scheduler(const spec::Scheduler& scheduler, const std::string& where);
void apply_scheduler(const SchedulerSetting& setting);

// ioprio value: class << 13 | priority. Throws for an unknown class.
int plan_io_priority(const spec::IoPriority& priority, const std::string& where);
// The process's own I/O priority, which every process it forks inherits. (Not
// IOPRIO_WHO_PGRP: rt's init shares the process group of whoever ran rt.)
void apply_io_priority(int ioprio);

// /proc/self/oom_score_adj, written through `proc_fd` (the host's /proc in
// the init, which may have no /proc of its own yet).
void apply_oom_score_adj(int value, int proc_fd);

// A CPU list "0-3,7" as the bits of a cpu_set_t of any size (bit N = CPU N).
class CpuSet {
public:
    static CpuSet parse(const std::string& list, const std::string& what);
    bool empty() const { return words_.empty(); }
    bool has(unsigned cpu) const;
    const std::vector<unsigned long>& words() const { return words_; }

private:
    std::vector<unsigned long> words_;
};

// execCPUAffinity. config.md: it is "not applicable to the container's init
// process"; runc applies it to `runc exec` only: `initial` before the process
// joins the container's cgroup, `final` once it has.
struct CpuAffinity {
    std::optional<CpuSet> initial;
    std::optional<CpuSet> final;
};
CpuAffinity plan_cpu_affinity(const std::optional<spec::ExecCpuAffinity>& affinity, const std::string& where);
// sched_setaffinity(pid, set); pid 0 is the caller.
void apply_cpu_affinity(const CpuSet& cpus, int pid, const std::string& which);

}  // namespace rt::linux
