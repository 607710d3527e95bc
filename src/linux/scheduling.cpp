// scheduler, ioPriority, oomScoreAdj and execCPUAffinity: the translation of
// the names and lists of config.md, and the system calls.
#include "rt/linux/scheduling.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <utility>

#include "rt/linux/own_proc.hpp"
#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {
namespace {

// The values of <linux/sched.h> (SCHED_ISO is reserved there, never
// implemented by Linux: the kernel answers EINVAL).
const std::pair<const char*, uint32_t> kPolicies[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
};

const std::pair<const char*, uint64_t> kFlags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

const std::pair<const char*, int> kIoClasses[] = {
    {"IOPRIO_CLASS_RT", 1}, {"IOPRIO_CLASS_BE", 2}, {"IOPRIO_CLASS_IDLE", 3}};

constexpr int kIoprioClassShift = 13;
constexpr int kIoprioWhoProcess = 1;

// The highest CPU (or NUMA node) number a list may name, as runc: a bound
// that keeps a typo from allocating a huge mask.
constexpr unsigned kMaxId = 64 * 1024;
constexpr unsigned kWordBits = sizeof(unsigned long) * CHAR_BIT;

unsigned parse_id(const std::string& text, const std::string& what) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        throw Error(what + ": \"" + text + "\" is not a number");
    }
    unsigned long value = 0;
    try {
        value = std::stoul(text);
    } catch (const std::exception&) {
        value = kMaxId + 1;
    }
    if (value > kMaxId) throw Error(what + ": " + text + " is above " + std::to_string(kMaxId));
    return static_cast<unsigned>(value);
}

std::string trim(const std::string& text) {
    size_t first = text.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

}  // namespace

std::optional<uint32_t> scheduler_policy(const std::string& name) {
    for (const auto& [known, value] : kPolicies) {
        if (name == known) return value;
    }
    return std::nullopt;
}

std::optional<uint64_t> scheduler_flag(const std::string& name) {
    for (const auto& [known, value] : kFlags) {
        if (name == known) return value;
    }
    return std::nullopt;
}

SchedulerSetting plan_scheduler(const spec::Scheduler& scheduler, const std::string& where) {
    SchedulerSetting setting;
    setting.policy_name = scheduler.policy;
    std::optional<uint32_t> policy = scheduler_policy(scheduler.policy);
    if (!policy) throw Error(where + ".scheduler.policy: unknown policy \"" + scheduler.policy + "\"");
    setting.attr.sched_policy = *policy;
    for (size_t i = 0; i < scheduler.flags.size(); ++i) {
        std::optional<uint64_t> flag = scheduler_flag(scheduler.flags[i]);
        if (!flag) {
            throw Error(where + ".scheduler.flags[" + std::to_string(i) + "]: unknown flag \"" + scheduler.flags[i] +
                        "\"");
        }
        setting.attr.sched_flags |= *flag;
    }
    // config.md: nice, priority, runtime, deadline and period are 0 when absent.
    setting.attr.sched_nice = scheduler.nice.value_or(0);
    setting.attr.sched_priority = static_cast<uint32_t>(scheduler.priority.value_or(0));
    setting.attr.sched_runtime = scheduler.runtime.value_or(0);
    setting.attr.sched_deadline = scheduler.deadline.value_or(0);
    setting.attr.sched_period = scheduler.period.value_or(0);
    return setting;
}

void apply_scheduler(const SchedulerSetting& setting) {
    SchedAttr attr = setting.attr;
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) == 0) return;
    int err = errno;
    // cgroup v1 with realtime group scheduling: a new cpu cgroup has no
    // realtime budget, and without one the kernel refuses FIFO and RR.
    bool realtime = attr.sched_policy == SCHED_FIFO || attr.sched_policy == SCHED_RR;
    if (err == EPERM && realtime) {
        throw_errno(err, "sched_setattr " + setting.policy_name +
                             " (on cgroup v1 the container's cpu cgroup needs a realtime budget: "
                             "linux.resources.cpu.realtimeRuntime)");
    }
    throw_errno(err, "sched_setattr " + setting.policy_name);
}

int plan_io_priority(const spec::IoPriority& priority, const std::string& where) {
    for (const auto& [name, io_class] : kIoClasses) {
        if (priority.io_class == name) return io_class << kIoprioClassShift | priority.priority;
    }
    throw Error(where + ".ioPriority.class: unknown class \"" + priority.io_class + "\"");
}

void apply_io_priority(int ioprio) {
    if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, ioprio) < 0) {
        throw_errno("ioprio_set class " + std::to_string(ioprio >> kIoprioClassShift) + " priority " +
                    std::to_string(ioprio & ((1 << kIoprioClassShift) - 1)));
    }
}

void apply_oom_score_adj(int value, int proc_fd) {
    unique_fd fd = open_own_proc_file(proc_fd, "self/oom_score_adj", O_WRONLY);
    if (!fd) throw_errno("open /proc/self/oom_score_adj");
    std::string text = std::to_string(value);
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        // EACCES: going below the current value needs CAP_SYS_RESOURCE.
        throw_errno("set oom_score_adj to " + text);
    }
}

CpuSet CpuSet::parse(const std::string& list, const std::string& what) {
    CpuSet set;
    if (trim(list).empty()) return set;
    std::vector<std::string> items;
    for (size_t start = 0;;) {
        size_t comma = list.find(',', start);
        items.push_back(trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    for (const std::string& item : items) {
        if (item.empty()) throw Error(what + ": empty item in \"" + list + "\"");
        size_t dash = item.find('-');
        unsigned first = parse_id(trim(item.substr(0, dash)), what);
        unsigned last = dash == std::string::npos ? first : parse_id(trim(item.substr(dash + 1)), what);
        if (last < first) throw Error(what + ": range " + item + " goes backwards");
        if (set.words_.size() < last / kWordBits + 1) set.words_.resize(last / kWordBits + 1, 0);
        for (unsigned id = first; id <= last; ++id) set.words_[id / kWordBits] |= 1UL << (id % kWordBits);
    }
    return set;
}

bool CpuSet::has(unsigned cpu) const {
    return cpu / kWordBits < words_.size() && (words_[cpu / kWordBits] >> (cpu % kWordBits)) & 1;
}

CpuAffinity plan_cpu_affinity(const std::optional<spec::ExecCpuAffinity>& affinity, const std::string& where) {
    CpuAffinity plan;
    if (!affinity) return plan;
    // config.md: an empty list changes nothing.
    if (affinity->initial) {
        CpuSet set = CpuSet::parse(*affinity->initial, where + ".execCPUAffinity.initial");
        if (!set.empty()) plan.initial = std::move(set);
    }
    if (affinity->final) {
        CpuSet set = CpuSet::parse(*affinity->final, where + ".execCPUAffinity.final");
        if (!set.empty()) plan.final = std::move(set);
    }
    return plan;
}

void apply_cpu_affinity(const CpuSet& cpus, int pid, const std::string& which) {
    const auto& words = cpus.words();
    if (::sched_setaffinity(pid, words.size() * sizeof(unsigned long),
                            reinterpret_cast<const cpu_set_t*>(words.data())) < 0) {
        throw_errno("set " + which + " CPU affinity");
    }
}

}  // namespace rt::linux
