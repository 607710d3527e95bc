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

// The whole of a file opened earlier, read from its start; nullopt for an
// empty fd or an error (the cgroup was removed: ENODEV).
std::optional<std::string> read_again(const unique_fd& fd) {
    if (!fd) return std::nullopt;
    std::string text;
    char buf[8192];
    for (;;) {
        ssize_t n = ::pread(fd.get(), buf, sizeof buf, static_cast<off_t>(text.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) return text;
        text.append(buf, static_cast<size_t>(n));
        if (static_cast<size_t>(n) < sizeof buf) return text;  // all of it, in one read for most files
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

std::optional<uint64_t> value_of(const unique_fd& fd) {
    auto text = read_again(fd);
    return text ? parse_value(*text) : std::nullopt;
}

// The smallest of the values (a limit holds for everything below it).
std::optional<uint64_t> smallest(const std::vector<unique_fd>& files) {
    std::optional<uint64_t> least;
    for (const unique_fd& fd : files) {
        if (auto value = value_of(fd)) least = std::min(least.value_or(UINT64_MAX), *value);
    }
    return least;
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

// v1 writes "no limit" as the largest page-aligned value below 2^63.
constexpr uint64_t kV1Unlimited = 1ULL << 62;

uint64_t as_limit(uint64_t value) {
    return value >= kV1Unlimited ? UINT64_MAX : value;
}

unique_fd open_file(const std::string& dir, const char* name) {
    return unique_fd(::open((dir + "/" + name).c_str(), O_RDONLY | O_CLOEXEC));
}

// `name` in `dir` and each directory above it, up to `root`.
std::vector<unique_fd> open_on_the_way_up(const std::string& dir, const std::string& root, const char* name) {
    std::vector<unique_fd> files;
    std::string at = dir;
    for (;;) {
        if (unique_fd fd = open_file(at, name)) files.push_back(std::move(fd));
        size_t slash = at.rfind('/');
        if (at.size() <= root.size() || slash == std::string::npos || slash < root.size()) break;
        at.resize(std::max(slash, root.size()));
    }
    return files;
}

}  // namespace

CgroupFiles open_cgroup_files(const std::string& memory, const std::string& root, bool v2, const std::string& pids) {
    unique_fd dir(::open(memory.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno("open cgroup " + memory);
    CgroupFiles files;
    files.v2 = v2;
    files.limits = open_on_the_way_up(memory, root, v2 ? "memory.max" : "memory.limit_in_bytes");
    files.usage = open_file(memory, v2 ? "memory.current" : "memory.usage_in_bytes");
    files.stat = open_file(memory, "memory.stat");
    files.swap_limits = open_on_the_way_up(memory, root, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes");
    files.swap_usage = open_file(memory, v2 ? "memory.swap.current" : "memory.memsw.usage_in_bytes");
    if (!pids.empty()) files.tasks = open_file(pids, "pids.current");
    if (!files.tasks) {
        files.tasks = open_file(memory, v2 ? "cgroup.threads" : "tasks");
        files.tasks_listed = true;
    }
    return files;
}

CgroupMemory read_cgroup_memory(const CgroupFiles& files) {
    CgroupMemory out;
    out.limit = smallest(files.limits).value_or(UINT64_MAX);
    out.usage = value_of(files.usage).value_or(0);
    if (auto stat = read_again(files.stat)) {
        // v1: the hierarchical total first (the cgroup's children count too).
        auto shmem = files.v2 ? std::nullopt : stat_value(*stat, "total_shmem");
        out.shmem = shmem ? *shmem : stat_value(*stat, "shmem").value_or(0);
    }
    if (files.v2) {
        auto swap_max = smallest(files.swap_limits);
        if (swap_max && *swap_max != UINT64_MAX) out.swap_limit = *swap_max;
        out.swap_usage = value_of(files.swap_usage);
    } else {
        out.limit = as_limit(out.limit);
        // memsw counts memory and swap together: the swap is the difference.
        if (auto memsw_usage = value_of(files.swap_usage)) {
            out.swap_usage = *memsw_usage > out.usage ? *memsw_usage - out.usage : 0;
            uint64_t memsw_limit = as_limit(smallest(files.swap_limits).value_or(UINT64_MAX));
            if (memsw_limit != UINT64_MAX) out.swap_limit = memsw_limit > out.limit ? memsw_limit - out.limit : 0;
        }
    }
    if (files.tasks_listed) {
        if (auto list = read_again(files.tasks)) out.tasks = std::count(list->begin(), list->end(), '\n');
    } else {
        out.tasks = value_of(files.tasks);
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
