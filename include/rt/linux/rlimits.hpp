// process.rlimits (config.md, POSIX process): names to RLIMIT_* numbers in the
// parent, setrlimit(2) in the child before it becomes the container's user.
#pragma once

#include <sys/resource.h>

#include <optional>
#include <string>
#include <vector>

#include "rt/spec/config.hpp"

namespace rt::linux {

struct RlimitSetting {
    std::string name;  // "RLIMIT_NOFILE", for messages
    int resource = 0;  // RLIMIT_NOFILE
    rlim_t soft = 0;
    rlim_t hard = 0;
};

// "RLIMIT_NOFILE" -> RLIMIT_NOFILE; nullopt for a name Linux does not have.
std::optional<int> rlimit_resource(const std::string& name);
// Every name rlimit_resource() knows, in the order of getrlimit(2).
const std::vector<std::string>& rlimit_names();

// Throws rt::Error naming `where`.rlimits[i] for an unknown type or a soft
// limit above the hard one.
std::vector<RlimitSetting> plan_rlimits(const std::vector<spec::Rlimit>& rlimits, const std::string& where);

// setrlimit(2) each; an error names the limit, and says when raising a hard
// limit is what the kernel refused.
void apply_rlimits(const std::vector<RlimitSetting>& rlimits);

}  // namespace rt::linux
