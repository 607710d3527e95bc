// cgroup v1 cpu: cpu.shares, the CFS quota (cpu.cfs_quota_us,
// cpu.cfs_period_us, cpu.cfs_burst_us), cpu.idle and the realtime budget
// (cpu.rt_runtime_us, cpu.rt_period_us).
#include <cerrno>

#include "controllers.hpp"

namespace rt::cgroups::v1 {
namespace {

// Two values the kernel checks against each other (quota and period,
// realtime runtime and period): the first write may fail with EINVAL until
// the second is in; then it is tried again after it.
void write_pair(const CgroupDir& dir, const char* first_field, const char* first_file,
                const std::optional<std::string>& first, const char* second_field, const char* second_file,
                const std::optional<std::string>& second) {
    bool retry = false;
    if (first) {
        int err = dir.try_write(first_file, *first);
        if (err == EINVAL && second) {
            retry = true;
        } else if (err) {
            with_field(first_field, [&] { dir.write(first_file, *first); });
        }
    }
    if (second) with_field(second_field, [&] { dir.write(second_file, *second); });
    if (retry) with_field(first_field, [&] { dir.write(first_file, *first); });
}

std::optional<std::string> nonzero(const std::optional<uint64_t>& value) {
    if (!value || *value == 0) return std::nullopt;
    return number(*value);
}

std::optional<std::string> nonzero(const std::optional<int64_t>& value) {
    if (!value || *value == 0) return std::nullopt;
    return number(*value);
}

}  // namespace

void set_cpu(const CgroupDir& dir, const spec::Cpu& cpu) {
    if (cpu.shares && *cpu.shares != 0) {
        with_field("cpu.shares", [&] {
            dir.write("cpu.shares", number(*cpu.shares));
            // The kernel clamps out-of-range shares silently: say so.
            uint64_t got = dir.read_uint("cpu.shares");
            if (*cpu.shares > got) throw Error("the maximum allowed cpu-shares is " + number(got));
            if (*cpu.shares < got) throw Error("the minimum allowed cpu-shares is " + number(got));
        });
    }
    // The realtime budget comes first, as runc does (runc sets it before a
    // process joins, since a SCHED_RR process cannot join a group without one).
    write_pair(dir, "cpu.realtimePeriod", "cpu.rt_period_us", nonzero(cpu.realtime_period), "cpu.realtimeRuntime",
               "cpu.rt_runtime_us", nonzero(cpu.realtime_runtime));
    write_pair(dir, "cpu.period", "cpu.cfs_period_us", nonzero(cpu.period), "cpu.quota", "cpu.cfs_quota_us",
               nonzero(cpu.quota));
    if (cpu.burst) {
        with_field("cpu.burst", [&] {
            if (!dir.has("cpu.cfs_burst_us")) throw Error("this kernel has no cpu.cfs_burst_us");
            dir.write("cpu.cfs_burst_us", number(*cpu.burst));
        });
    }
    if (cpu.idle) {
        with_field("cpu.idle", [&] {
            if (!dir.has("cpu.idle")) throw Error("this kernel has no cpu.idle");
            dir.write("cpu.idle", number(*cpu.idle));
        });
    }
}

void cpu_stats(const CgroupDir& dir, Stats& stats) {
    auto values = dir.read_key_values("cpu.stat");
    stats.cpu.periods = values["nr_periods"];
    stats.cpu.throttled_periods = values["nr_throttled"];
    stats.cpu.throttled_time = values["throttled_time"];
}

}  // namespace rt::cgroups::v1
