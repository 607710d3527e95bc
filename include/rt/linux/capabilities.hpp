// process.capabilities (config.md, Linux Process): the five sets, translated
// from names to numbers in the parent (through libcap), applied by the child
// around its switch to the container's user, in runc's order:
//
//   drop_bounding_set()     bounding set, then PR_SET_KEEPCAPS
//   set_user()              (process.cpp) setgroups, setresgid, setresuid
//   apply_capabilities()    clear KEEPCAPS, effective/permitted/inheritable, ambient
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rt/spec/config.hpp"

namespace rt::linux {

// A set of capabilities: bit N is capability number N (Linux has 41 today).
using CapabilityMask = uint64_t;

struct CapabilityPlan {
    CapabilityMask bounding = 0;
    CapabilityMask effective = 0;
    CapabilityMask inheritable = 0;
    CapabilityMask permitted = 0;
    CapabilityMask ambient = 0;
    int last_cap = 0;  // highest capability number of the running kernel
    // The bounding set the child has before it drops any
    // (CapabilityEnvironment::bounding): drop_bounding_set() drops what is
    // here and not in `bounding`, without asking the kernel about each.
    CapabilityMask inherited_bounding = 0;
};

// "CAP_CHOWN" -> 0, as libcap names them; nullopt for a name libcap does not know.
std::optional<int> capability_number(const std::string& name);
// 0 -> "CAP_CHOWN"; "CAP_<N>" for a number libcap has no name for.
std::string capability_name(int number);
// "CAP_CHOWN, CAP_KILL" for the bits of `mask`, lowest first.
std::string capability_names(CapabilityMask mask);

// What the running system lets rt hand on to a container.
struct CapabilityEnvironment {
    int last_cap = 0;              // /proc/sys/kernel/cap_last_cap
    CapabilityMask grantable = 0;  // rt's bounding set (and permitted set, without a new user namespace)
    // The bounding set the container's process has before it drops any:
    // rt's own, or every capability in a user namespace it enters.
    CapabilityMask bounding = 0;
};
CapabilityEnvironment current_capability_environment(bool new_user_namespace);

// What the translation left out and says so: `warnings` are for the user
// (the process gets less than its config asks for), `notes` for the debug
// log (what asks for nothing the kernel could give: ambient capabilities
// outside the inheritable set, as runc 1.1's own template has them).
struct CapabilityMessages {
    std::vector<std::string> warnings;
    std::vector<std::string> notes;
};

// The translation, kept pure for tests. Throws rt::Error (path `where`) for
// unknown names and for sets the kernel would refuse (an effective capability
// that is not permitted, ...). Capabilities the kernel lacks or rt cannot
// grant are left out, with one warning each kind; ambient ones that are not
// both permitted and inheritable, with a note.
// An absent `capabilities` means no capabilities at all, as with runc 1.1.
CapabilityPlan plan_capabilities(const std::optional<spec::Capabilities>& capabilities,
                                 const CapabilityEnvironment& environment, const std::string& where,
                                 CapabilityMessages& messages);

// In the child, as root, before set_user().
void drop_bounding_set(const CapabilityPlan& plan);
// In the child, right after set_user().
void apply_capabilities(const CapabilityPlan& plan);

}  // namespace rt::linux
