// linux.memoryPolicy (config-linux.md, Memory policy): the NUMA policy of the
// container's process, set with set_mempolicy(2); its children inherit it.
#pragma once

#include <optional>
#include <string>

#include "rt/linux/scheduling.hpp"
#include "rt/spec/config.hpp"

namespace rt::linux {

struct MemoryPolicySetting {
    int mode = 0;  // MPOL_* | MPOL_F_*
    CpuSet nodes;  // bit N = node N (same list syntax as CPUs)
    std::string description;  // "MPOL_BIND nodes 0", for messages
};

std::optional<int> memory_policy_mode(const std::string& name);
std::optional<int> memory_policy_flag(const std::string& name);
// Throws rt::Error naming `where` for unknown names and, as runc, for a node
// list the mode cannot take (MPOL_DEFAULT and MPOL_LOCAL take none; BIND,
// INTERLEAVE, WEIGHTED_INTERLEAVE and PREFERRED_MANY need one at least).
MemoryPolicySetting plan_memory_policy(const spec::MemoryPolicy& policy, const std::string& where);
void apply_memory_policy(const MemoryPolicySetting& setting);

}  // namespace rt::linux
