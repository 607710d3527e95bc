#include "rt/linux/namespaces.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
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

size_t joins_before_clone(const NamespacePlan& plan) {
    // No namespace can be owned by a user namespace that the clone makes:
    // every join comes first.
    if (plan.clone_flags & CLONE_NEWUSER) return plan.joins.size();
    if (!(plan.clone_flags & CLONE_NEWPID)) return 0;
    for (size_t i = 0; i < plan.joins.size(); ++i) {
        if (plan.joins[i].type == spec::NamespaceType::user) return i + 1;
    }
    return 0;
}

int enter_joins_before_clone(NamespacePlan& plan) {
    size_t count = joins_before_clone(plan);
    int entered = 0;
    for (size_t i = 0; i < count; ++i) {
        NamespaceJoin& join = plan.joins[i];
        if (::setns(join.fd.get(), clone_flag(join.type)) < 0) {
            throw_errno(std::string("join ") + spec::to_string(join.type) + " namespace");
        }
        if (join.type == spec::NamespaceType::user) plan.user_entered = true;
        entered |= clone_flag(join.type);
    }
    plan.joins.erase(plan.joins.begin(), plan.joins.begin() + static_cast<std::ptrdiff_t>(count));
    return entered;
}

namespace {

bool same_namespace(int a, int b) {
    struct stat sa {}, sb {};
    if (::fstat(a, &sa) < 0 || ::fstat(b, &sb) < 0) throw_errno("stat namespace");
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// True if the namespace of `fd` is owned by the user namespace of `userns`.
// (EPERM: its owner is outside the caller's user namespace, so not that one.)
bool owned_by(int fd, int userns) {
    unique_fd owner(::ioctl(fd, NS_GET_USERNS));
    if (!owner) {
        if (errno == EPERM) return false;
        throw_errno("ioctl NS_GET_USERNS");
    }
    return same_namespace(owner.get(), userns);
}

}  // namespace

void order_joins(NamespacePlan& plan) {
    auto user = std::find_if(plan.joins.begin(), plan.joins.end(), [](const NamespaceJoin& j) {
        return j.type == spec::NamespaceType::user;
    });
    if (user == plan.joins.end()) return;
    int userns = user->fd.get();
    // Rank: 0 before the user namespace, 1 the user namespace, 2 after it.
    auto rank = [userns](const NamespaceJoin& j) {
        if (j.type == spec::NamespaceType::user) return 1;
        return owned_by(j.fd.get(), userns) ? 2 : 0;
    };
    std::vector<std::pair<int, NamespaceJoin>> ranked;
    for (auto& join : plan.joins) ranked.emplace_back(rank(join), std::move(join));
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    plan.joins.clear();
    for (auto& entry : ranked) plan.joins.push_back(std::move(entry.second));
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
    order_joins(plan);
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

void enter_namespaces(NamespacePlan& plan, Syscalls& sys) {
    if ((plan.clone_flags & CLONE_NEWUSER) || plan.user_entered) become_user_namespace_root();
    // In order_joins' order: with a joined user namespace, what it does not
    // own is joined with the caller's rights, before it.
    for (auto& join : plan.joins) {
        if (sys.setns(join.fd.get(), clone_flag(join.type)) < 0) {
            throw_errno(std::string("join ") + spec::to_string(join.type) + " namespace");
        }
        if (join.type == spec::NamespaceType::user) become_user_namespace_root();
        join.fd.reset();
    }
    if (plan.unshare_flags && sys.unshare(plan.unshare_flags) < 0) {
        throw_errno("unshare namespaces");
    }
}

}  // namespace rt::linux
