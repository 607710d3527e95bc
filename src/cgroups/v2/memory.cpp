// cgroup v2 memory. The spec's swap is memory + swap (v1's memsw); v2's
// memory.swap.max is swap alone: swap - limit, as runc converts it.
#include <cerrno>

#include "controllers.hpp"

namespace rt::cgroups::v2 {
namespace {

// -1 is "max" (v1's way of saying unlimited).
std::string limit_value(int64_t value) {
    return value == -1 ? std::string("max") : number(value);
}

// The current memory.max as the spec writes it (-1 for "max").
int64_t current_limit(const CgroupDir& dir) {
    uint64_t value = dir.read_uint("memory.max");
    return value == UINT64_MAX ? -1 : static_cast<int64_t>(value);
}

}  // namespace

void check_memory(const spec::Memory& m) {
    // kernel memory is part of memory.max on v2: there is nothing to set
    // but "unlimited".
    if (m.kernel && *m.kernel != -1) {
        fail_field("memory.kernel", "cgroup v2 has no separate kernel memory limit (memory.max counts it)");
    }
    if (m.kernel_tcp && *m.kernel_tcp != -1) {
        fail_field("memory.kernelTCP", "cgroup v2 has no separate kernel TCP memory limit (memory.max counts it)");
    }
    if (m.swappiness) fail_field("memory.swappiness", "cgroup v2 has no per-cgroup swappiness");
    if (m.disable_oom_killer && *m.disable_oom_killer) {
        fail_field("memory.disableOOMKiller", "cgroup v2 cannot turn the OOM killer off");
    }
    if (m.use_hierarchy && !*m.use_hierarchy) {
        fail_field("memory.useHierarchy", "cgroup v2 is always hierarchical");
    }
}

void set_memory(const CgroupDir& dir, const spec::Memory& m) {
    check_memory(m);
    int64_t limit = m.limit.value_or(0);
    int64_t swap = m.swap.value_or(0);

    if (m.check_before_update && *m.check_before_update && (limit > 0 || swap > 0)) {
        // v1 refuses a limit below the usage; v2 would OOM-kill instead.
        uint64_t usage = dir.read_uint("memory.current");
        if (swap > 0 && static_cast<uint64_t>(swap) <= usage) {
            fail_field("memory.swap", "rejecting memory+swap limit " + number(swap) + " <= usage " + number(usage));
        }
        if (limit > 0 && static_cast<uint64_t>(limit) <= usage) {
            fail_field("memory.limit", "rejecting memory limit " + number(limit) + " <= usage " + number(usage));
        }
    }

    if (swap != 0 || limit == -1) {
        with_field("memory.swap", [&] {
            // Swap alone, without a limit in the config: against the
            // current memory.max (an update).
            int64_t v2_swap = memory_swap_to_v2(swap, limit != 0 ? limit : current_limit(dir));
            std::string value = v2_swap == 0 ? std::string("0") : limit_value(v2_swap);
            int err = dir.try_write("memory.swap.max", value);
            // No swap accounting: nothing to disable or unlimit.
            if (err == ENOENT && (value == "max" || value == "0")) return;
            if (err == ENOENT) throw Error("this kernel does not account swap (no memory.swap.max)", err);
            if (err) dir.write("memory.swap.max", value);
        });
    }
    if (limit != 0) with_field("memory.limit", [&] { dir.write("memory.max", limit_value(limit)); });
    if (m.reservation && *m.reservation != 0) {
        with_field("memory.reservation", [&] { dir.write("memory.low", limit_value(*m.reservation)); });
    }
}

namespace {

MemoryEntry entry(const CgroupDir& dir, const std::string& prefix) {
    MemoryEntry e;
    if (!dir.has(prefix + ".current")) return e;
    e.usage = dir.read_uint(prefix + ".current");
    e.limit = dir.read_uint(prefix + ".max");
    if (dir.has(prefix + ".peak")) e.max = dir.read_uint(prefix + ".peak");
    return e;
}

}  // namespace

void memory_stats(const CgroupDir& dir, Stats& stats) {
    auto& m = stats.memory;
    m.raw = dir.read_key_values("memory.stat");
    m.cache = m.raw.count("file") ? m.raw.at("file") : 0;
    m.usage = entry(dir, "memory");
    m.usage.failcnt = dir.key_value("memory.events", "max");
    // v1 reports swap as memory + swap: so does runc on v2.
    MemoryEntry swap = entry(dir, "memory.swap");
    swap.usage += m.usage.usage;
    if (swap.limit != UINT64_MAX && m.usage.limit != UINT64_MAX) swap.limit += m.usage.limit;
    swap.max = 0;
    m.swap = swap;
}

}  // namespace rt::cgroups::v2
