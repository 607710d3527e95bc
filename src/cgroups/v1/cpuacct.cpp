// cgroup v1 cpuacct: CPU time used, in total, per CPU, user and system.
#include <unistd.h>

#include <sstream>

#include "controllers.hpp"

namespace rt::cgroups::v1 {
namespace {

std::vector<uint64_t> numbers(const std::string& text) {
    std::vector<uint64_t> list;
    std::istringstream in(text);
    uint64_t value;
    while (in >> value) list.push_back(value);
    return list;
}

}  // namespace

void cpuacct_stats(const CgroupDir& dir, Stats& stats) {
    auto& cpu = stats.cpu;
    cpu.total = dir.read_uint("cpuacct.usage");
    cpu.percpu = numbers(dir.read("cpuacct.usage_percpu"));
    // cpuacct.stat counts clock ticks.
    auto ticks = dir.read_key_values("cpuacct.stat");
    uint64_t hz = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
    cpu.user = ticks["user"] * 1000000000ULL / hz;
    cpu.kernel = ticks["system"] * 1000000000ULL / hz;
    // "cpu user system" per CPU, after a header line.
    if (auto all = dir.read_if_exists("cpuacct.usage_all")) {
        std::istringstream lines(*all);
        std::string line;
        std::getline(lines, line);
        while (std::getline(lines, line)) {
            auto values = numbers(line);
            if (values.size() != 3) continue;
            cpu.percpu_user.push_back(values[1]);
            cpu.percpu_kernel.push_back(values[2]);
        }
    }
}

}  // namespace rt::cgroups::v1
