// process.capabilities: names to numbers (libcap), the checks the kernel
// would otherwise make with a bare EPERM, and the calls that set the five
// sets in the container's init (or an exec'd process).
#include "rt/linux/capabilities.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <memory>

#include "rt/util/error.hpp"
#include "rt/util/file.hpp"

namespace rt::linux {
namespace {

constexpr int kMaxCapability = 63;  // CapabilityMask has 64 bits

CapabilityMask bit(int number) { return CapabilityMask{1} << number; }

struct CapFree {
    void operator()(void* p) const { cap_free(p); }
};
using cap_ptr = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

int read_last_cap() {
    // The kernel's own answer; libcap's probe is the fallback for a /proc
    // without sys/ (it asks the bounding set, one number after the other).
    try {
        return std::stoi(read_file("/proc/sys/kernel/cap_last_cap"));
    } catch (const std::exception&) {
        return static_cast<int>(cap_max_bits()) - 1;
    }
}

// One named set of the config: numbers of the names libcap knows, the names
// it does not.
CapabilityMask translate_set(const std::vector<std::string>& names, std::vector<std::string>& unknown) {
    CapabilityMask mask = 0;
    for (const std::string& name : names) {
        std::optional<int> number = capability_number(name);
        if (number && *number <= kMaxCapability) {
            mask |= bit(*number);
        } else if (std::find(unknown.begin(), unknown.end(), name) == unknown.end()) {
            unknown.push_back(name);
        }
    }
    return mask;
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "\"" : ", \"") + name + "\"";
    return out;
}

void set_flag(cap_t caps, cap_flag_t flag, CapabilityMask mask, int last_cap) {
    for (int n = 0; n <= last_cap && n <= kMaxCapability; ++n) {
        if (!(mask & bit(n))) continue;
        cap_value_t value = n;
        if (cap_set_flag(caps, flag, 1, &value, CAP_SET) < 0) throw_errno("cap_set_flag " + capability_name(n));
    }
}

}  // namespace

std::optional<int> capability_number(const std::string& name) {
    cap_value_t value = 0;
    // libcap also reads plain numbers: only names are names here.
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return std::nullopt;
    if (cap_from_name(name.c_str(), &value) < 0) return std::nullopt;
    return static_cast<int>(value);
}

std::string capability_name(int number) {
    char* name = cap_to_name(number);
    if (!name) return "CAP_" + std::to_string(number);
    std::string upper(name);
    cap_free(name);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // libcap names a capability it has no name for by its number.
    if (!upper.starts_with("CAP_")) upper = "CAP_" + upper;
    return upper;
}

std::string capability_names(CapabilityMask mask) {
    std::string out;
    for (int n = 0; n <= kMaxCapability; ++n) {
        if (mask & bit(n)) out += (out.empty() ? "" : ", ") + capability_name(n);
    }
    return out;
}

CapabilityEnvironment current_capability_environment(bool new_user_namespace) {
    CapabilityEnvironment environment;
    environment.last_cap = std::min(read_last_cap(), kMaxCapability);
    cap_ptr own(cap_get_proc());
    if (!own) throw_errno("cap_get_proc");
    CapabilityMask own_bounding = 0;
    for (int n = 0; n <= environment.last_cap; ++n) {
        if (cap_get_bound(n) != 1) continue;
        own_bounding |= bit(n);
        // In a new user namespace the init has every capability of its
        // bounding set, whatever rt holds outside it.
        cap_flag_value_t permitted = CAP_CLEAR;
        if (cap_get_flag(own.get(), n, CAP_PERMITTED, &permitted) < 0) throw_errno("cap_get_flag");
        if (new_user_namespace || permitted == CAP_SET) environment.grantable |= bit(n);
    }
    // The bounding set the container's process starts from: rt's own, but a
    // process that enters a user namespace (made or joined) gets every
    // capability there, its bounding set included (set_cred_user_ns).
    const CapabilityMask every = environment.last_cap >= kMaxCapability ? ~CapabilityMask{0}
                                                                        : bit(environment.last_cap + 1) - 1;
    environment.bounding = new_user_namespace ? every : own_bounding;
    return environment;
}

CapabilityPlan plan_capabilities(const std::optional<spec::Capabilities>& capabilities,
                                 const CapabilityEnvironment& environment, const std::string& where,
                                 CapabilityMessages& messages) {
    std::vector<std::string>& warnings = messages.warnings;
    CapabilityPlan plan;
    plan.last_cap = environment.last_cap;
    plan.inherited_bounding = environment.bounding;
    if (!capabilities) return plan;

    std::vector<std::string> unknown;
    plan.bounding = translate_set(capabilities->bounding, unknown);
    plan.effective = translate_set(capabilities->effective, unknown);
    plan.inheritable = translate_set(capabilities->inheritable, unknown);
    plan.permitted = translate_set(capabilities->permitted, unknown);
    plan.ambient = translate_set(capabilities->ambient, unknown);
    if (!unknown.empty()) {
        throw Error(where + ": unknown capabilit" + (unknown.size() == 1 ? "y " : "ies ") + quoted_list(unknown));
    }

    const CapabilityMask all = plan.bounding | plan.effective | plan.inheritable | plan.permitted | plan.ambient;
    const CapabilityMask kernel = environment.last_cap >= kMaxCapability ? ~CapabilityMask{0}
                                                                         : bit(environment.last_cap + 1) - 1;
    // config.md: what cannot be granted is logged as a warning, not fatal
    // (runc too leaves out what the running kernel does not have).
    if (CapabilityMask missing = all & ~kernel) {
        warnings.push_back("ignoring capabilities the running kernel does not have: " + capability_names(missing));
    }
    if (CapabilityMask withheld = all & kernel & ~environment.grantable) {
        warnings.push_back("ignoring capabilities rt does not hold and cannot grant: " + capability_names(withheld));
    }
    for (CapabilityMask* set : {&plan.bounding, &plan.effective, &plan.inheritable, &plan.permitted, &plan.ambient}) {
        *set &= kernel & environment.grantable;
    }

    // What capset(2) and PR_CAP_AMBIENT_RAISE would refuse with a bare EPERM,
    // said here with the names.
    if (CapabilityMask extra = plan.effective & ~plan.permitted) {
        throw Error(where + ".effective: " + capability_names(extra) + " not in the permitted set");
    }
    if (CapabilityMask extra = plan.inheritable & ~plan.bounding) {
        throw Error(where + ".inheritable: " + capability_names(extra) + " not in the bounding set");
    }
    if (CapabilityMask extra = plan.ambient & ~(plan.permitted & plan.inheritable)) {
        // runc goes on without them (1.1 silently, 1.2 with a warning); so
        // does rt, with a note: no ambient capability outside the permitted
        // and inheritable sets can exist (capabilities(7)), and runc 1.1's
        // template asks for three of them, which would warn on every run.
        messages.notes.push_back("ignoring ambient capabilities that are not both permitted and inheritable: " +
                                 capability_names(extra));
        plan.ambient &= plan.permitted & plan.inheritable;
    }
    return plan;
}

void drop_bounding_set(const CapabilityPlan& plan) {
    for (int n = 0; n <= plan.last_cap && n <= kMaxCapability; ++n) {
        if (!(plan.inherited_bounding & bit(n)) || (plan.bounding & bit(n))) continue;
        if (cap_drop_bound(n) < 0) throw_errno("drop " + capability_name(n) + " from the bounding set");
    }
    // Keep the permitted set across the switch to a non-root user, so that
    // apply_capabilities() can still set what the config asks for.
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) throw_errno("prctl(PR_SET_KEEPCAPS)");
}

void apply_capabilities(const CapabilityPlan& plan) {
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) throw_errno("prctl(PR_SET_KEEPCAPS, 0)");
    cap_ptr caps(cap_init());
    if (!caps) throw_errno("cap_init");
    set_flag(caps.get(), CAP_EFFECTIVE, plan.effective, plan.last_cap);
    set_flag(caps.get(), CAP_PERMITTED, plan.permitted, plan.last_cap);
    set_flag(caps.get(), CAP_INHERITABLE, plan.inheritable, plan.last_cap);
    if (cap_set_proc(caps.get()) < 0) {
        throw_errno("set capabilities (effective " + capability_names(plan.effective) + "; permitted " +
                    capability_names(plan.permitted) + "; inheritable " + capability_names(plan.inheritable) + ")");
    }
    // EINVAL: a kernel without ambient capabilities (before 4.3), which can
    // only matter when none are asked for.
    // Directly: libcap's cap_reset_ambient() asks about every capability first.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && !(errno == EINVAL && plan.ambient == 0)) {
        throw_errno("clear ambient capabilities");
    }
    for (int n = 0; n <= plan.last_cap && n <= kMaxCapability; ++n) {
        if (!(plan.ambient & bit(n))) continue;
        if (cap_set_ambient(n, CAP_SET) < 0) throw_errno("raise ambient capability " + capability_name(n));
    }
}

}  // namespace rt::linux
