// cgroup v2 cpu: cpu.weight (from the spec's shares), cpu.max ("QUOTA
// PERIOD"), cpu.max.burst and cpu.idle. There is no realtime budget in v2.
#include <cerrno>
#include <sstream>

#include "controllers.hpp"

namespace rt::cgroups::v2 {

void check_cpu(const spec::Cpu& cpu) {
    if ((cpu.realtime_runtime && *cpu.realtime_runtime != 0) || (cpu.realtime_period && *cpu.realtime_period != 0)) {
        fail_field(cpu.realtime_runtime ? "cpu.realtimeRuntime" : "cpu.realtimePeriod",
                   "cgroup v2 has no realtime CPU budget (it needs cgroup v1's cpu.rt_runtime_us)");
    }
}

void set_cpu(const CgroupDir& dir, const spec::Cpu& cpu) {
    check_cpu(cpu);
    if (cpu.idle) with_field("cpu.idle", [&] { dir.write("cpu.idle", number(*cpu.idle)); });
    if (cpu.shares && *cpu.shares != 0) {
        with_field("cpu.shares", [&] { dir.write("cpu.weight", number(cpu_shares_to_weight(*cpu.shares))); });
    }
    bool quota = cpu.quota && *cpu.quota != 0;
    bool period = cpu.period && *cpu.period != 0;
    bool burst_later = false;
    if (cpu.burst) {
        // May exceed the current quota until the new one is in.
        int err = dir.try_write("cpu.max.burst", number(*cpu.burst));
        if (err == EINVAL && (quota || period)) {
            burst_later = true;
        } else if (err) {
            with_field("cpu.burst", [&] { dir.write("cpu.max.burst", number(*cpu.burst)); });
        }
    }
    if (quota || period) {
        with_field(quota ? "cpu.quota" : "cpu.period", [&] {
            // The half the config leaves out keeps its current value
            // ("max 100000" in a new cgroup).
            std::istringstream current(dir.read("cpu.max"));
            std::string value, period_value;
            current >> value >> period_value;
            if (quota) value = *cpu.quota > 0 ? number(*cpu.quota) : std::string("max");
            if (period) period_value = number(*cpu.period);
            dir.write("cpu.max", value + " " + period_value);
        });
    }
    if (burst_later) with_field("cpu.burst", [&] { dir.write("cpu.max.burst", number(*cpu.burst)); });
}

void cpu_stats(const CgroupDir& dir, Stats& stats) {
    auto values = dir.read_key_values("cpu.stat");
    stats.cpu.total = values["usage_usec"] * 1000;
    stats.cpu.user = values["user_usec"] * 1000;
    stats.cpu.kernel = values["system_usec"] * 1000;
    stats.cpu.periods = values["nr_periods"];
    stats.cpu.throttled_periods = values["nr_throttled"];
    stats.cpu.throttled_time = values["throttled_usec"] * 1000;
}

}  // namespace rt::cgroups::v2
