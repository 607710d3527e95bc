#include "rt/linux/mount_plan.hpp"

#include <sys/mount.h>

#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

bool is_below(const std::string& path, const std::string& dir) {
    if (dir == "/") return path != "/";
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

}  // namespace

MountPlan plan_mounts(const spec::Spec& spec) {
    MountPlan plan;
    plan.root_propagation = MS_SLAVE | MS_REC;
    if (spec.linux && spec.linux->rootfs_propagation) {
        const std::string& name = *spec.linux->rootfs_propagation;
        auto flags = propagation_flags(name);
        if (!flags) throw Error(".linux.rootfsPropagation: unknown value \"" + name + "\"");
        // An unbindable "/" before the rootfs is bound could make that bind
        // fail (the rootfs may be a mount of its own), a shared one would
        // keep the host's peer groups: both come after pivot_root, as runc
        // gives every kind but private to the new "/" itself.
        bool is_private = (*flags & MS_PRIVATE) != 0;
        plan.root_propagation = (is_private ? MS_PRIVATE : MS_SLAVE) | MS_REC;
        if (!is_private) plan.root_propagation_after_pivot = *flags;
    }

    std::vector<std::string> destinations;
    for (const auto& m : spec.mounts) destinations.push_back(clean_path(m.destination));
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const spec::Mount& m = spec.mounts[i];
        PlannedMount planned;
        planned.options = parse_mount_options(m.options);
        planned.bind = planned.options.bind || m.type.value_or("") == "bind";
        if (planned.options.flags & MS_RDONLY) {
            bool nests = destinations[i] == "/dev";
            for (size_t j = i + 1; j < spec.mounts.size() && !nests; ++j) {
                nests = is_below(destinations[j], destinations[i]);
            }
            planned.defer_readonly = nests;
        }
        plan.mounts.push_back(std::move(planned));
    }
    return plan;
}

bool dev_is_bind_mounted(const spec::Spec& spec, const MountPlan& plan) {
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        if (plan.mounts[i].bind && clean_path(spec.mounts[i].destination) == "/dev") return true;
    }
    return false;
}

std::string mount_source(const spec::Mount& mount, const std::string& bundle) {
    std::string source = mount.source.value_or("");
    if (!source.empty() && source[0] != '/') source = bundle + "/" + source;
    return source;
}

}  // namespace rt::linux
