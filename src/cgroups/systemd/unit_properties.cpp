// The resources systemd knows, as unit properties: runc's mapping
// (cgroups/systemd v1.go and v2.go, docs/systemd.md), including what needs a
// newer systemd, plus IOWeight on cgroup v2. What is not here is written to
// the cgroup files only.
//
//   spec resource        cgroup v1 property     cgroup v2 property      systemd
//   memory.limit         MemoryLimit            MemoryMax
//   memory.reservation   -                      MemoryLow
//   memory.swap          -                      MemorySwapMax (swap - limit)
//   cpu.shares           CPUShares              CPUWeight (converted)
//   cpu.idle = 1         -                      CPUWeight=0             >= 252
//   cpu.quota, period    CPUQuotaPerSecUSec     CPUQuotaPerSecUSec
//   cpu.period           CPUQuotaPeriodUSec     CPUQuotaPeriodUSec      >= 242
//   cpu.cpus, mems       AllowedCPUs, -MemoryNodes (both)               >= 244
//   pids.limit           TasksMax               TasksMax
//   blockIO.weight       BlockIOWeight          IOWeight (converted)
//   devices              DevicePolicy, DeviceAllow (devices.cpp)
//   unified (v2 only)    cpu.max, cpu.weight, cpu.idle, cpuset.cpus/mems,
//                        memory.high/low/min/max/swap.max, pids.max
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "rt/cgroups/systemd.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::cgroups::systemd {
namespace {

constexpr uint64_t infinity = UINT64_MAX;  // systemd's USEC_INFINITY / CGROUP_LIMIT_MAX
constexpr uint64_t default_period = 100000;
constexpr uint32_t max_cpu = 65535;  // a cpuset bit beyond this is surely a mistake

Property prop(const std::string& name, dbus::Value value) {
    return {name, std::move(value)};
}

Property u64(const std::string& name, uint64_t value) {
    return prop(name, dbus::Value::uint64(value));
}

[[noreturn]] void fail(const std::string& field, const std::string& message) {
    throw Error(field + ": " + message);
}

// systemd does not take TasksMax=0: 1 is as close (the file gets 0).
uint64_t tasks_max(int64_t limit) {
    if (limit < 0) return infinity;
    return limit == 0 ? 1 : static_cast<uint64_t>(limit);
}

// runc's addCPUQuota. systemd keeps a quota per second in whole percents of
// a CPU: a quota that is not one is rounded up, and `quota` changes with it
// so that cpu.max / cpu.cfs_quota_us get what systemd will write.
void add_cpu_quota(std::vector<Property>& props, int64_t& quota, uint64_t period, int version) {
    if (period != 0) {
        if (version >= 242) {
            props.push_back(u64("CPUQuotaPeriodUSec", period));
        } else {
            log::debug("systemd " + std::to_string(version) + " has no CPUQuotaPeriodUSec (before 242): the period goes to the files only");
        }
    }
    if (quota == 0 && period == 0) return;
    uint64_t per_second = infinity;
    if (quota > 0) {
        uint64_t p = period == 0 ? default_period : period;
        if (static_cast<uint64_t>(quota) > UINT64_MAX / 1000000) fail("cpu.quota", "too large");
        per_second = static_cast<uint64_t>(quota) * 1000000 / p;
        if (per_second % 10000 != 0) {
            per_second = (per_second / 10000 + 1) * 10000;
            quota = static_cast<int64_t>(per_second * p / 1000000);
        }
    }
    props.push_back(u64("CPUQuotaPerSecUSec", per_second));
}

void add_cpuset(std::vector<Property>& props, const std::string& cpus, const std::string& mems, int version,
                const std::string& field_prefix) {
    if (cpus.empty() && mems.empty()) return;
    if (version < 244) {
        log::debug("systemd " + std::to_string(version) + " has no AllowedCPUs (before 244): the cpuset goes to the files only");
        return;
    }
    if (!cpus.empty()) {
        try {
            props.push_back(prop("AllowedCPUs", dbus::Value::bytes(cpu_mask(cpus))));
        } catch (const Error& e) {
            fail(field_prefix + "cpus", e.what());
        }
    }
    if (!mems.empty()) {
        try {
            props.push_back(prop("AllowedMemoryNodes", dbus::Value::bytes(cpu_mask(mems))));
        } catch (const Error& e) {
            fail(field_prefix + "mems", e.what());
        }
    }
}

uint64_t parse_u64(const std::string& key, const std::string& text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        fail("unified", "\"" + key + "\": \"" + text + "\" is not a number");
    }
    errno = 0;
    unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE) fail("unified", "\"" + key + "\": \"" + text + "\" is too large");
    return value;
}

std::string trim(const std::string& text) {
    size_t start = text.find_first_not_of(" \t\n");
    if (start == std::string::npos) return "";
    return text.substr(start, text.find_last_not_of(" \t\n") - start + 1);
}

// runc's shouldSetCPUIdle: only cpu.idle 1, which systemd says as CPUWeight=0.
bool sets_cpu_idle(const std::string& value, int version) {
    return trim(value) == "1" && version >= 252;
}

// runc's unifiedResToSystemdProps: the cgroup v2 keys systemd has a
// property for; the others go to the files only.
void add_unified(std::vector<Property>& props, const std::map<std::string, std::string>& unified, int version,
                 bool warn) {
    auto idle = unified.find("cpu.idle");
    bool idle_set = idle != unified.end() && sets_cpu_idle(idle->second, version);
    for (const auto& [key, raw] : unified) {
        std::string value = trim(raw);
        if (key == "cpu.idle") {
            if (idle_set) props.push_back(u64("CPUWeight", 0));
        } else if (key == "cpu.max") {
            std::string quota_text = value.substr(0, value.find(' '));
            std::string rest = value.find(' ') == std::string::npos ? "" : trim(value.substr(value.find(' ')));
            if (quota_text.empty() || rest.find(' ') != std::string::npos) {
                fail("unified", "\"cpu.max\": \"" + value + "\" is not \"QUOTA [PERIOD]\"");
            }
            int64_t quota = 0;
            if (quota_text != "max") {
                uint64_t q = parse_u64(key, quota_text);
                if (q > INT64_MAX) fail("unified", "\"cpu.max\": quota too large");
                quota = static_cast<int64_t>(q);
            }
            uint64_t period = rest.empty() ? default_period : parse_u64(key, rest);
            add_cpu_quota(props, quota, period, version);
        } else if (key == "cpu.weight") {
            if (idle_set) {
                if (warn) log::warn("systemd cannot take both cpu.weight and cpu.idle: cpu.weight is left to the files");
                continue;
            }
            props.push_back(u64("CPUWeight", parse_u64(key, value)));
        } else if (key == "cpuset.cpus" || key == "cpuset.mems") {
            if (version < 244) continue;
            try {
                props.push_back(prop(key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes",
                                     dbus::Value::bytes(cpu_mask(value))));
            } catch (const Error& e) {
                fail("unified", "\"" + key + "\": " + e.what());
            }
        } else if (key == "memory.high" || key == "memory.low" || key == "memory.min" || key == "memory.max" ||
                   key == "memory.swap.max") {
            static const std::map<std::string, std::string> names = {
                {"memory.high", "MemoryHigh"}, {"memory.low", "MemoryLow"}, {"memory.min", "MemoryMin"},
                {"memory.max", "MemoryMax"}, {"memory.swap.max", "MemorySwapMax"}};
            props.push_back(u64(names.at(key), value == "max" ? infinity : parse_u64(key, value)));
        } else if (key == "pids.max") {
            uint64_t max = value == "max" ? infinity : parse_u64(key, value);
            props.push_back(u64("TasksMax", max == 0 ? 1 : max));
        }
    }
}

}  // namespace

std::string cpu_mask(const std::string& list) {
    std::string bytes;
    auto set_bit = [&](uint64_t bit) {
        if (bit > max_cpu) throw Error("CPU or node " + std::to_string(bit) + " is out of range");
        size_t index = static_cast<size_t>(bit / 8);
        if (bytes.size() <= index) bytes.resize(index + 1, '\0');
        bytes[index] = static_cast<char>(static_cast<unsigned char>(bytes[index]) | (1u << (bit % 8)));
    };
    auto number = [&](const std::string& text) {
        std::string t = trim(text);
        if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos || t.size() > 10) {
            throw Error("\"" + list + "\" is not a list of numbers and ranges");
        }
        return std::strtoull(t.c_str(), nullptr, 10);
    };
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        std::string part = trim(list.substr(start, comma - start));
        start = comma + 1;
        if (part.empty()) continue;  // "0,,1" and a trailing comma are fine, as in runc
        size_t dash = part.find('-');
        if (dash == std::string::npos) {
            set_bit(number(part));
            continue;
        }
        uint64_t first = number(part.substr(0, dash)), last = number(part.substr(dash + 1));
        if (first > last) throw Error("\"" + part + "\" is a backwards range");
        if (last > max_cpu) throw Error("CPU or node " + std::to_string(last) + " is out of range");
        for (uint64_t bit = first; bit <= last; ++bit) set_bit(bit);
    }
    if (bytes.empty()) throw Error("\"" + list + "\" names no CPU or node");
    return bytes;
}

int parse_version(const std::string& text) {
    size_t start = 0;
    while (start < text.size() && (text[start] == '"' || text[start] == 'v')) ++start;
    size_t end = start;
    while (end < text.size() && end - start < 9 && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == start) return -1;
    return std::atoi(text.substr(start, end - start).c_str());
}

std::vector<Property> scope_properties(const std::string& id, const UnitPath& path, pid_t pid, bool v2) {
    std::vector<Property> props;
    props.push_back(prop("Description", dbus::Value::string("rt container " + id)));
    props.push_back(prop("Slice", dbus::Value::string(path.slice)));
    props.push_back(prop("Delegate", dbus::Value::boolean(true)));
    props.push_back(prop("PIDs", dbus::Value::array("u", {dbus::Value::uint32(static_cast<uint32_t>(pid))})));
    // Accounting always, as runc: the same cgroups as with cgroupfs, and a
    // memory cgroup joined from the start.
    props.push_back(prop("MemoryAccounting", dbus::Value::boolean(true)));
    props.push_back(prop("CPUAccounting", dbus::Value::boolean(true)));
    props.push_back(prop(v2 ? "IOAccounting" : "BlockIOAccounting", dbus::Value::boolean(true)));
    props.push_back(prop("TasksAccounting", dbus::Value::boolean(true)));
    props.push_back(prop("DefaultDependencies", dbus::Value::boolean(false)));
    return props;
}

std::vector<Property> resource_properties(spec::Resources& r, const std::vector<DeviceRule>* devices, bool v2,
                                          int version, bool warn) {
    std::vector<Property> props;
    if (devices) {
        try {
            props = device_properties(*devices, version, warn);
        } catch (const Error& e) {
            fail("devices", e.what());
        }
    }
    if (r.memory) {
        const spec::Memory& m = *r.memory;
        int64_t limit = m.limit.value_or(0);
        if (limit != 0) props.push_back(u64(v2 ? "MemoryMax" : "MemoryLimit", static_cast<uint64_t>(limit)));
        if (v2) {
            int64_t reservation = m.reservation.value_or(0);
            if (reservation != 0) props.push_back(u64("MemoryLow", static_cast<uint64_t>(reservation)));
            int64_t swap = 0;
            try {
                swap = memory_swap_to_v2(m.swap.value_or(0), limit);
            } catch (const Error& e) {
                fail("memory.swap", e.what());
            }
            if (swap != 0) props.push_back(u64("MemorySwapMax", static_cast<uint64_t>(swap)));
        }
    }
    if (r.cpu) {
        spec::Cpu& cpu = *r.cpu;
        uint64_t shares = cpu.shares.value_or(0);
        bool idle_set = v2 && cpu.idle && *cpu.idle == 1 && version >= 252;
        if (idle_set) props.push_back(u64("CPUWeight", 0));
        if (shares != 0) {
            if (!v2) {
                props.push_back(u64("CPUShares", shares));
            } else if (idle_set) {
                if (warn) log::warn("systemd cannot take both a CPU weight and cpu.idle: the weight is left to the files");
            } else {
                props.push_back(u64("CPUWeight", cpu_shares_to_weight(shares)));
            }
        }
        int64_t quota = cpu.quota.value_or(0);
        add_cpu_quota(props, quota, cpu.period.value_or(0), version);
        if (cpu.quota && *cpu.quota != quota) cpu.quota = quota;
        add_cpuset(props, cpu.cpus.value_or(""), cpu.mems.value_or(""), version, "cpu.");
    }
    if (r.block_io && r.block_io->weight && *r.block_io->weight != 0) {
        uint16_t weight = *r.block_io->weight;
        props.push_back(v2 ? u64("IOWeight", blkio_weight_to_io_weight(weight)) : u64("BlockIOWeight", weight));
    }
    if (r.pids) props.push_back(u64("TasksMax", tasks_max(r.pids->limit)));
    if (v2 && !r.unified.empty()) add_unified(props, r.unified, version, warn);
    return props;
}

}  // namespace rt::cgroups::systemd
