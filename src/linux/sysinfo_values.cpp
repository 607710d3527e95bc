#include "sysinfo_values.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string_view>

#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

// A file of a cgroup directory, or nullopt if the kernel has no such file.
std::optional<std::string> read_at(int dir, const char* name) {
    unique_fd fd(::openat(dir, name, O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    std::string text;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) return text;
        text.append(buf, static_cast<size_t>(n));
    }
}

// "123\n" -> 123; "max" -> UINT64_MAX (v2's "no limit").
std::optional<uint64_t> parse_value(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    if (text == "max") return UINT64_MAX;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<uint64_t> value_at(int dir, const char* name) {
    auto text = read_at(dir, name);
    return text ? parse_value(*text) : std::nullopt;
}

// The smallest value of `name` from the cgroup up to the root (a limit
// holds for everything below it).
std::optional<uint64_t> smallest_on_the_way_up(const CgroupChain& chain, const char* name) {
    std::optional<uint64_t> smallest;
    for (const unique_fd& dir : chain.dirs) {
        if (auto value = value_at(dir.get(), name)) smallest = std::min(smallest.value_or(UINT64_MAX), *value);
    }
    return smallest;
}

// "key value" lines of memory.stat.
std::optional<uint64_t> stat_value(const std::string& stat, std::string_view key) {
    size_t pos = 0;
    while (pos < stat.size()) {
        size_t end = stat.find('\n', pos);
        if (end == std::string::npos) end = stat.size();
        std::string_view line(stat.data() + pos, end - pos);
        if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 && line[key.size()] == ' ') {
            return parse_value(line.substr(key.size() + 1));
        }
        pos = end + 1;
    }
    return std::nullopt;
}

uint64_t count_lines(const std::string& text) {
    return static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

// v1 writes "no limit" as the largest page-aligned value below 2^63.
constexpr uint64_t kV1Unlimited = 1ULL << 62;

uint64_t as_limit(uint64_t value) {
    return value >= kV1Unlimited ? UINT64_MAX : value;
}

}  // namespace

CgroupChain open_cgroup_chain(const std::string& path, const std::string& root, bool v2) {
    CgroupChain chain;
    chain.v2 = v2;
    std::string dir = path;
    for (;;) {
        unique_fd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!fd) throw_errno("open cgroup " + dir);
        chain.dirs.push_back(std::move(fd));
        if (dir.size() <= root.size()) break;
        size_t slash = dir.rfind('/');
        if (slash == std::string::npos || slash < root.size()) break;
        dir.resize(std::max(slash, root.size()));
    }
    return chain;
}

CgroupMemory read_cgroup_memory(const CgroupChain& memory, const CgroupChain* pids) {
    CgroupMemory out;
    if (memory.dirs.empty()) return out;
    int self = memory.dirs.front().get();
    if (memory.v2) {
        out.limit = smallest_on_the_way_up(memory, "memory.max").value_or(UINT64_MAX);
        out.usage = value_at(self, "memory.current").value_or(0);
        if (auto stat = read_at(self, "memory.stat")) out.shmem = stat_value(*stat, "shmem").value_or(0);
        auto swap_max = smallest_on_the_way_up(memory, "memory.swap.max");
        if (swap_max && *swap_max != UINT64_MAX) out.swap_limit = *swap_max;
        out.swap_usage = value_at(self, "memory.swap.current");
    } else {
        out.limit = as_limit(smallest_on_the_way_up(memory, "memory.limit_in_bytes").value_or(UINT64_MAX));
        out.usage = value_at(self, "memory.usage_in_bytes").value_or(0);
        if (auto stat = read_at(self, "memory.stat")) {
            out.shmem = stat_value(*stat, "total_shmem").value_or(stat_value(*stat, "shmem").value_or(0));
        }
        // memsw counts memory and swap together: the swap is the difference.
        auto memsw_usage = value_at(self, "memory.memsw.usage_in_bytes");
        if (memsw_usage) {
            out.swap_usage = *memsw_usage > out.usage ? *memsw_usage - out.usage : 0;
            uint64_t memsw_limit = as_limit(smallest_on_the_way_up(memory, "memory.memsw.limit_in_bytes")
                                                .value_or(UINT64_MAX));
            if (memsw_limit != UINT64_MAX) {
                out.swap_limit = memsw_limit > out.limit ? memsw_limit - out.limit : 0;
            }
        }
    }
    if (pids && !pids->dirs.empty()) out.tasks = value_at(pids->dirs.front().get(), "pids.current");
    if (!out.tasks) {
        if (auto list = read_at(self, memory.v2 ? "cgroup.threads" : "tasks")) out.tasks = count_lines(*list);
    }
    return out;
}

struct sysinfo container_sysinfo(const struct sysinfo& host, const CgroupMemory& cgroup, long uptime) {
    // In the host's unit (1 on 64-bit; a page where an unsigned long could
    // not hold the bytes), so that every count fits as it does for the host.
    const uint64_t unit = host.mem_unit ? host.mem_unit : 1;
    struct sysinfo out {};
    out.uptime = uptime;
    std::copy(std::begin(host.loads), std::end(host.loads), std::begin(out.loads));
    const uint64_t total = std::min<uint64_t>(host.totalram, cgroup.limit / unit);
    const uint64_t used = std::min(cgroup.usage / unit, total);
    out.totalram = total;
    out.freeram = total - used;
    out.sharedram = std::min(cgroup.shmem / unit, total);
    out.bufferram = 0;
    uint64_t swap_total = host.totalswap;
    if (cgroup.swap_limit) swap_total = std::min(swap_total, *cgroup.swap_limit / unit);
    uint64_t swap_used = cgroup.swap_usage ? *cgroup.swap_usage / unit : host.totalswap - host.freeswap;
    swap_used = std::min(swap_used, swap_total);
    out.totalswap = swap_total;
    out.freeswap = swap_total - swap_used;
    out.procs = cgroup.tasks ? static_cast<unsigned short>(std::min<uint64_t>(*cgroup.tasks, 65535)) : host.procs;
    out.totalhigh = 0;
    out.freehigh = 0;
    out.mem_unit = static_cast<unsigned>(unit);
    return out;
}

}  // namespace rt::linux
