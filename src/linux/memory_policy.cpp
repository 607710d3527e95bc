// linux.memoryPolicy: set_mempolicy(2). The constants are those of
// <linux/mempolicy.h> (Debian 12's copy predates MPOL_WEIGHTED_INTERLEAVE).
#include "rt/linux/memory_policy.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <utility>

#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

const std::pair<const char*, int> kModes[] = {
    {"MPOL_DEFAULT", 0},        {"MPOL_PREFERRED", 1},          {"MPOL_BIND", 2},
    {"MPOL_INTERLEAVE", 3},     {"MPOL_LOCAL", 4},              {"MPOL_PREFERRED_MANY", 5},
    {"MPOL_WEIGHTED_INTERLEAVE", 6},
};

const std::pair<const char*, int> kFlags[] = {
    {"MPOL_F_STATIC_NODES", 1 << 15},
    {"MPOL_F_RELATIVE_NODES", 1 << 14},
    {"MPOL_F_NUMA_BALANCING", 1 << 13},
};

}  // namespace

std::optional<int> memory_policy_mode(const std::string& name) {
    for (const auto& [known, value] : kModes) {
        if (name == known) return value;
    }
    return std::nullopt;
}

std::optional<int> memory_policy_flag(const std::string& name) {
    for (const auto& [known, value] : kFlags) {
        if (name == known) return value;
    }
    return std::nullopt;
}

MemoryPolicySetting plan_memory_policy(const spec::MemoryPolicy& policy, const std::string& where) {
    MemoryPolicySetting setting;
    std::optional<int> mode = memory_policy_mode(policy.mode);
    if (!mode) throw Error(where + ".mode: unknown mode \"" + policy.mode + "\"");
    setting.mode = *mode;
    for (size_t i = 0; i < policy.flags.size(); ++i) {
        std::optional<int> flag = memory_policy_flag(policy.flags[i]);
        if (!flag) throw Error(where + ".flags[" + std::to_string(i) + "]: unknown flag \"" + policy.flags[i] + "\"");
        setting.mode |= *flag;
    }
    if (policy.nodes) setting.nodes = CpuSet::parse(*policy.nodes, where + ".nodes");
    switch (*mode) {
        case 0:  // MPOL_DEFAULT
        case 4:  // MPOL_LOCAL
            if (!setting.nodes.empty()) throw Error(where + ".nodes: " + policy.mode + " takes no nodes");
            break;
        case 1:  // MPOL_PREFERRED: none means "local allocation"
            break;
        default:
            if (setting.nodes.empty()) throw Error(where + ".nodes: " + policy.mode + " needs at least one node");
    }
    setting.description = policy.mode;
    for (const std::string& flag : policy.flags) setting.description += "|" + flag;
    if (policy.nodes) setting.description += " nodes " + *policy.nodes;
    return setting;
}

void apply_memory_policy(const MemoryPolicySetting& setting) {
    const auto& words = setting.nodes.words();
    // maxnode counts bits and the kernel reads one fewer than it is told.
    unsigned long maxnode = words.size() * sizeof(unsigned long) * CHAR_BIT + 1;
    if (::syscall(SYS_set_mempolicy, setting.mode, words.empty() ? nullptr : words.data(),
                  words.empty() ? 0 : maxnode) < 0) {
        throw_errno("set_mempolicy " + setting.description);
    }
}

}  // namespace rt::linux
