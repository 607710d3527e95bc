// A container's cgroup statistics, as `rt events` reports them: the fields of
// runc's `types.Stats` (runc/types/events.go), filled from the v1 or the v2
// files, and their JSON in runc's format.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rt::cgroups {

struct MemoryEntry {
    uint64_t limit = 0;
    uint64_t usage = 0;
    uint64_t max = 0;  // peak usage
    uint64_t failcnt = 0;
};

struct BlkioEntry {
    uint64_t major = 0;
    uint64_t minor = 0;
    std::string op;  // "Read", "Write", "Sync", "Async", "Total", ...
    uint64_t value = 0;
};

struct HugetlbEntry {
    uint64_t usage = 0;
    uint64_t max = 0;
    uint64_t failcnt = 0;
};

struct Stats {
    struct Cpu {
        // Nanoseconds.
        uint64_t total = 0;
        uint64_t kernel = 0;
        uint64_t user = 0;
        std::vector<uint64_t> percpu;
        std::vector<uint64_t> percpu_kernel;
        std::vector<uint64_t> percpu_user;
        uint64_t periods = 0;
        uint64_t throttled_periods = 0;
        uint64_t throttled_time = 0;  // nanoseconds
    } cpu;

    struct CpuSet {
        std::vector<uint16_t> cpus;
        std::vector<uint16_t> mems;
        uint64_t cpu_exclusive = 0;
        uint64_t mem_hardwall = 0;
        uint64_t mem_exclusive = 0;
        uint64_t memory_migrate = 0;
        uint64_t memory_spread_page = 0;
        uint64_t memory_spread_slab = 0;
        uint64_t memory_pressure = 0;
        uint64_t sched_load_balance = 0;
        int64_t sched_relax_domain_level = 0;
    } cpuset;

    struct Memory {
        uint64_t cache = 0;
        MemoryEntry usage;
        MemoryEntry swap;  // memory + swap, as v1 counts it
        MemoryEntry kernel;
        MemoryEntry kernel_tcp;
        std::map<std::string, uint64_t> raw;  // memory.stat
    } memory;

    struct Pids {
        uint64_t current = 0;
        uint64_t limit = 0;  // 0: no limit
    } pids;

    struct Blkio {
        std::vector<BlkioEntry> io_service_bytes_recursive;
        std::vector<BlkioEntry> io_serviced_recursive;
    } blkio;

    std::map<std::string, HugetlbEntry> hugetlb;  // page size ("2MB") -> usage
};

// {"type":"stats","id":ID,"data":{...}} on one line, as `runc events` prints it.
std::string stats_event_json(const std::string& id, const Stats& stats);
// {"type":"oom","id":ID}
std::string oom_event_json(const std::string& id);

// "0-2,4" -> {0,1,2,4} (cpuset lists). Throws rt::Error on a malformed list.
std::vector<uint16_t> parse_cpu_list(const std::string& text);

}  // namespace rt::cgroups
