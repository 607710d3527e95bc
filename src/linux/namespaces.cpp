#include "rt/linux/namespaces.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "rt/util/error.hpp"

namespace rt::linux {

int clone_flag(spec::NamespaceType type) {
    using T = spec::NamespaceType;
    switch (type) {
    case T::mount: return CLONE_NEWNS;
    case T::pid: return CLONE_NEWPID;
    case T::network: return CLONE_NEWNET;
    case T::uts: return CLONE_NEWUTS;
    case T::ipc: return CLONE_NEWIPC;
    case T::user: return CLONE_NEWUSER;
    case T::cgroup: return CLONE_NEWCGROUP;
    case T::time: return CLONE_NEWTIME;
    }
    return 0;
}

std::string format_time_offsets(const spec::TimeOffsets& offsets) {
    std::string text;
    auto line = [&](const char* clock, const std::optional<spec::TimeOffset>& offset) {
        if (!offset) return;
        text += std::string(clock) + " " + std::to_string(offset->secs) + " " +
                std::to_string(offset->nanosecs) + "\n";
    };
    line("monotonic", offsets.monotonic);
    line("boottime", offsets.boottime);
    return text;
}

bool user_namespace_first(const NamespacePlan& plan) {
    if (!(plan.clone_flags & CLONE_NEWPID)) return false;
    for (const auto& join : plan.joins) {
        if (join.type == spec::NamespaceType::user) return true;
    }
    return false;
}

void enter_user_namespace_first(NamespacePlan& plan) {
    for (auto it = plan.joins.begin(); it != plan.joins.end(); ++it) {
        if (it->type != spec::NamespaceType::user) continue;
        if (::setns(it->fd.get(), CLONE_NEWUSER) < 0) throw_errno("join user namespace");
        plan.joins.erase(it);
        plan.user_entered = true;
        return;
    }
}

NamespacePlan plan_namespaces(const spec::Linux& linux) {
    NamespacePlan plan;
    if (linux.time_offsets) plan.time_offsets = format_time_offsets(*linux.time_offsets);
    for (size_t i = 0; i < linux.namespaces.size(); ++i) {
        const auto& ns = linux.namespaces[i];
        int flag = clone_flag(ns.type);
        bool for_children_only =
            ns.type == spec::NamespaceType::pid || ns.type == spec::NamespaceType::time;
        if (!ns.path) {
            if (ns.type == spec::NamespaceType::time) {
                plan.parent_unshare_flags |= flag;
            } else if (ns.type == spec::NamespaceType::user || ns.type == spec::NamespaceType::pid) {
                plan.clone_flags |= flag;
            } else {
                plan.unshare_flags |= flag;
            }
            continue;
        }
        std::string where = ".linux.namespaces[" + std::to_string(i) + "].path";
        unique_fd fd(::open(ns.path->c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno(where + ": open " + *ns.path);
        int actual = ::ioctl(fd.get(), NS_GET_NSTYPE);
        if (actual < 0) throw_errno(where + ": " + *ns.path + " is not a namespace");
        if (actual != flag) {
            throw Error(where + ": " + *ns.path + " is not a " + spec::to_string(ns.type) +
                        " namespace");
        }
        if (for_children_only) {
            plan.parent_joins.push_back({ns.type, std::move(fd)});
        } else {
            plan.joins.push_back({ns.type, std::move(fd)});
        }
    }
    // The user namespace first: the others are then joined with its rights.
    std::stable_partition(plan.joins.begin(), plan.joins.end(), [](const NamespaceJoin& j) {
        return j.type == spec::NamespaceType::user;
    });
    return plan;
}

namespace {

// In a user namespace the init's credentials are still the host's ids,
// which the namespace does not map (they show as the overflow id, and files
// cannot be made with them). It becomes the namespace's root, as runc's
// nsexec does; its capabilities in the namespace stay.
void become_user_namespace_root() {
    // Drops the host's supplementary groups where the maps allow it
    // (setgroups "deny" for a rootless rt: then there are none to drop).
    if (::setgroups(0, nullptr) < 0 && errno != EPERM) throw_errno("setgroups in the user namespace");
    if (::setresgid(0, 0, 0) < 0) throw_errno("setresgid 0 in the user namespace");
    if (::setresuid(0, 0, 0) < 0) throw_errno("setresuid 0 in the user namespace");
}

}  // namespace

void enter_namespaces(NamespacePlan& plan) {
    if ((plan.clone_flags & CLONE_NEWUSER) || plan.user_entered) become_user_namespace_root();
    for (auto& join : plan.joins) {
        if (::setns(join.fd.get(), clone_flag(join.type)) < 0) {
            throw_errno(std::string("join ") + spec::to_string(join.type) + " namespace");
        }
        if (join.type == spec::NamespaceType::user) become_user_namespace_root();
        join.fd.reset();
    }
    if (plan.unshare_flags && ::unshare(plan.unshare_flags) < 0) {
        throw_errno("unshare namespaces");
    }
}

}  // namespace rt::linux
