// `rt events` JSON, field for field as runc 1.1 prints it (runc/types/events.go
// encoded by Go's encoding/json: fields in declaration order, "omitempty"
// fields left out when zero, maps sorted by key).
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <sstream>

#include "rt/cgroups/stats.hpp"
#include "rt/util/error.hpp"

namespace rt::cgroups {
namespace {

using ordered = nlohmann::ordered_json;

template <typename T>
void put_nonzero(ordered& j, const char* key, const T& value) {
    if (value != T{}) j[key] = value;
}

template <typename T>
void put_nonempty(ordered& j, const char* key, const std::vector<T>& values) {
    if (!values.empty()) j[key] = values;
}

ordered memory_entry(const MemoryEntry& e) {
    ordered j;
    j["limit"] = e.limit;
    put_nonzero(j, "usage", e.usage);
    put_nonzero(j, "max", e.max);
    j["failcnt"] = e.failcnt;
    return j;
}

ordered blkio_entries(const std::vector<BlkioEntry>& entries) {
    ordered list = ordered::array();
    for (const auto& e : entries) {
        ordered j = ordered::object();
        put_nonzero(j, "major", e.major);
        put_nonzero(j, "minor", e.minor);
        put_nonzero(j, "op", e.op);
        put_nonzero(j, "value", e.value);
        list.push_back(j);
    }
    return list;
}

ordered stats_data(const Stats& s) {
    ordered data;

    ordered usage = ordered::object();
    put_nonzero(usage, "total", s.cpu.total);
    put_nonempty(usage, "percpu", s.cpu.percpu);
    put_nonempty(usage, "percpu_kernel", s.cpu.percpu_kernel);
    put_nonempty(usage, "percpu_user", s.cpu.percpu_user);
    usage["kernel"] = s.cpu.kernel;
    usage["user"] = s.cpu.user;
    ordered throttling = ordered::object();
    put_nonzero(throttling, "periods", s.cpu.periods);
    put_nonzero(throttling, "throttledPeriods", s.cpu.throttled_periods);
    put_nonzero(throttling, "throttledTime", s.cpu.throttled_time);
    data["cpu"] = {{"usage", usage}, {"throttling", throttling}};

    ordered cpuset = ordered::object();
    put_nonempty(cpuset, "cpus", s.cpuset.cpus);
    cpuset["cpu_exclusive"] = s.cpuset.cpu_exclusive;
    put_nonempty(cpuset, "mems", s.cpuset.mems);
    cpuset["mem_hardwall"] = s.cpuset.mem_hardwall;
    cpuset["mem_exclusive"] = s.cpuset.mem_exclusive;
    cpuset["memory_migrate"] = s.cpuset.memory_migrate;
    cpuset["memory_spread_page"] = s.cpuset.memory_spread_page;
    cpuset["memory_spread_slab"] = s.cpuset.memory_spread_slab;
    cpuset["memory_pressure"] = s.cpuset.memory_pressure;
    cpuset["sched_load_balance"] = s.cpuset.sched_load_balance;
    cpuset["sched_relax_domain_level"] = s.cpuset.sched_relax_domain_level;
    data["cpuset"] = cpuset;

    ordered memory = ordered::object();
    put_nonzero(memory, "cache", s.memory.cache);
    memory["usage"] = memory_entry(s.memory.usage);
    memory["swap"] = memory_entry(s.memory.swap);
    memory["kernel"] = memory_entry(s.memory.kernel);
    memory["kernelTCP"] = memory_entry(s.memory.kernel_tcp);
    if (!s.memory.raw.empty()) {
        ordered raw = ordered::object();
        for (const auto& [key, value] : s.memory.raw) raw[key] = value;
        memory["raw"] = raw;
    }
    data["memory"] = memory;

    ordered pids = ordered::object();
    put_nonzero(pids, "current", s.pids.current);
    put_nonzero(pids, "limit", s.pids.limit);
    data["pids"] = pids;

    ordered blkio = ordered::object();
    if (!s.blkio.io_service_bytes_recursive.empty()) {
        blkio["ioServiceBytesRecursive"] = blkio_entries(s.blkio.io_service_bytes_recursive);
    }
    if (!s.blkio.io_serviced_recursive.empty()) {
        blkio["ioServicedRecursive"] = blkio_entries(s.blkio.io_serviced_recursive);
    }
    data["blkio"] = blkio;

    ordered hugetlb = ordered::object();
    for (const auto& [size, entry] : s.hugetlb) {
        ordered j = ordered::object();
        put_nonzero(j, "usage", entry.usage);
        put_nonzero(j, "max", entry.max);
        j["failcnt"] = entry.failcnt;
        hugetlb[size] = j;
    }
    data["hugetlb"] = hugetlb;
    data["intel_rdt"] = ordered::object();
    data["network_interfaces"] = nullptr;
    return data;
}

}  // namespace

std::string stats_event_json(const std::string& id, const Stats& stats) {
    ordered event;
    event["type"] = "stats";
    event["id"] = id;
    event["data"] = stats_data(stats);
    return event.dump();
}

std::string oom_event_json(const std::string& id) {
    ordered event;
    event["type"] = "oom";
    event["id"] = id;
    return event.dump();
}

std::vector<uint16_t> parse_cpu_list(const std::string& text) {
    std::vector<uint16_t> list;
    std::string trimmed = text;
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
    if (trimmed.empty()) return list;
    std::istringstream in(trimmed);
    std::string range;
    auto parse = [&](const std::string& n) {
        char* end = nullptr;
        unsigned long value = std::strtoul(n.c_str(), &end, 10);
        if (n.empty() || *end != '\0' || value > 0xffff) throw Error("bad cpu list \"" + trimmed + "\"");
        return static_cast<uint16_t>(value);
    };
    while (std::getline(in, range, ',')) {
        auto dash = range.find('-');
        if (dash == std::string::npos) {
            list.push_back(parse(range));
            continue;
        }
        uint16_t from = parse(range.substr(0, dash)), to = parse(range.substr(dash + 1));
        if (from > to) throw Error("bad cpu list \"" + trimmed + "\"");
        for (uint32_t i = from; i <= to; ++i) list.push_back(static_cast<uint16_t>(i));
    }
    return list;
}

}  // namespace rt::cgroups
