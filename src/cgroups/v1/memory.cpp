// cgroup v1 memory: memory.limit_in_bytes and memory.memsw.limit_in_bytes
// (memory + swap), soft limit, kernel limits, swappiness, OOM killer,
// hierarchy.
#include <cerrno>

#include "controllers.hpp"

namespace rt::cgroups::v1 {
namespace {

constexpr const char* limit_file = "memory.limit_in_bytes";
constexpr const char* swap_file = "memory.memsw.limit_in_bytes";

void write_limit(const CgroupDir& dir, int64_t limit) {
    with_field("memory.limit", [&] {
        int err = dir.try_write(limit_file, number(limit));
        if (err == 0) return;
        if (err == EBUSY) {
            // Below what the container uses now (update).
            throw Error("unable to set memory limit to " + number(limit) + " (current usage: " +
                            number(dir.read_uint("memory.usage_in_bytes")) + ", peak usage: " +
                            number(dir.read_uint("memory.max_usage_in_bytes")) + ")",
                        err);
        }
        dir.write(limit_file, number(limit));  // throws with the kernel's reason
    });
}

void write_swap(const CgroupDir& dir, int64_t swap) {
    with_field("memory.swap", [&] {
        if (!dir.has(swap_file)) {
            throw Error("this kernel does not account swap (no " + std::string(swap_file) +
                        "; boot with swapaccount=1)");
        }
        dir.write(swap_file, number(swap));
    });
}

void write_optional(const CgroupDir& dir, const char* field, const char* file, const std::string& value) {
    with_field(field, [&] {
        if (!dir.has(file)) throw Error("this kernel has no " + std::string(file));
        dir.write(file, value);
    });
}

}  // namespace

void set_memory(const CgroupDir& dir, const spec::Memory& m) {
    int64_t limit = m.limit.value_or(0);
    int64_t swap = m.swap.value_or(0);
    // Unlimited memory with swap left unsaid: unlimited swap too (runc),
    // else the old memsw limit would still cap the container.
    if (limit == -1 && swap == 0 && dir.has(swap_file)) swap = -1;

    // The kernel wants memory <= memory+swap at every step: raise swap
    // first when it grows past the current limit, else lower memory first.
    if (limit != 0 && swap != 0 && (swap == -1 || dir.read_uint(limit_file) < static_cast<uint64_t>(swap))) {
        write_swap(dir, swap);
        write_limit(dir, limit);
    } else {
        if (limit != 0) write_limit(dir, limit);
        if (swap != 0) write_swap(dir, swap);
    }

    if (m.reservation && *m.reservation != 0) {
        with_field("memory.reservation",
                   [&] { dir.write("memory.soft_limit_in_bytes", number(*m.reservation)); });
    }
    if (m.kernel) write_optional(dir, "memory.kernel", "memory.kmem.limit_in_bytes", number(*m.kernel));
    if (m.kernel_tcp) {
        write_optional(dir, "memory.kernelTCP", "memory.kmem.tcp.limit_in_bytes", number(*m.kernel_tcp));
    }
    if (m.swappiness) {
        with_field("memory.swappiness", [&] {
            if (*m.swappiness > 100) {
                throw Error("invalid value " + number(*m.swappiness) + " (valid range is 0-100)");
            }
            dir.write("memory.swappiness", number(*m.swappiness));
        });
    }
    if (m.disable_oom_killer) {
        with_field("memory.disableOOMKiller",
                   [&] { dir.write("memory.oom_control", *m.disable_oom_killer ? "1" : "0"); });
    }
    if (m.use_hierarchy) {
        with_field("memory.useHierarchy", [&] {
            int err = dir.try_write("memory.use_hierarchy", *m.use_hierarchy ? "1" : "0");
            if (err == EINVAL && !*m.use_hierarchy) {
                throw Error("the kernel refuses to turn hierarchical accounting off (write " +
                                dir.file("memory.use_hierarchy") + " \"0\": Invalid argument)",
                            err);
            }
            if (err) dir.write("memory.use_hierarchy", *m.use_hierarchy ? "1" : "0");
        });
    }
    // checkBeforeUpdate: cgroup v1 itself refuses a limit below the usage.
}

namespace {

MemoryEntry memory_entry(const CgroupDir& dir, const std::string& prefix) {
    MemoryEntry e;
    if (!dir.has(prefix + ".usage_in_bytes")) return e;  // no swap or kmem accounting
    e.usage = dir.read_uint(prefix + ".usage_in_bytes");
    e.max = dir.read_uint(prefix + ".max_usage_in_bytes");
    e.failcnt = dir.read_uint(prefix + ".failcnt");
    if (dir.has(prefix + ".limit_in_bytes")) e.limit = dir.read_uint(prefix + ".limit_in_bytes");
    return e;
}

}  // namespace

void memory_stats(const CgroupDir& dir, Stats& stats) {
    auto& m = stats.memory;
    m.raw = dir.read_key_values("memory.stat");
    m.cache = m.raw.count("cache") ? m.raw.at("cache") : 0;
    m.usage = memory_entry(dir, "memory");
    m.swap = memory_entry(dir, "memory.memsw");
    m.kernel = memory_entry(dir, "memory.kmem");
    m.kernel_tcp = memory_entry(dir, "memory.kmem.tcp");
}

}  // namespace rt::cgroups::v1
