// The parent's half of starting a child of rt, the container's init or an
// exec'd process: clone3 with the namespaces that must exist at clone time
// (or, for exec, inside the container's pid namespace), a pidfd, and a sync
// channel.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "rt/linux/exec.hpp"
#include "rt/linux/init.hpp"
#include "rt/linux/joined_namespace_mounts.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/process.hpp"
#include "clone3.hpp"
#include "exec_main.hpp"
#include "init_main.hpp"

namespace rt::linux {
namespace {

// Enters (and on destruction leaves) namespaces that only affect the
// children of this process: pid and time. The parent's own namespaces never
// change, and what it forks later (hooks) runs where it did before.
class ChildrenNamespaces {
public:
    explicit ChildrenNamespaces(NamespacePlan& plan) {
        if (plan.parent_joins.empty() && plan.parent_unshare_flags == 0) return;
        for (auto& join : plan.parent_joins) save(join.type);
        if (plan.parent_unshare_flags & CLONE_NEWTIME) save(spec::NamespaceType::time);
        try {
            enter(plan);
        } catch (...) {
            restore();  // no destructor runs for a constructor that throws
            throw;
        }
    }
    ~ChildrenNamespaces() { restore(); }
    ChildrenNamespaces(const ChildrenNamespaces&) = delete;
    ChildrenNamespaces& operator=(const ChildrenNamespaces&) = delete;

private:
    static void enter(NamespacePlan& plan) {
        for (auto& join : plan.parent_joins) {
            if (::setns(join.fd.get(), clone_flag(join.type)) < 0) {
                throw_errno(std::string("join ") + spec::to_string(join.type) + " namespace");
            }
        }
        if (plan.parent_unshare_flags && ::unshare(plan.parent_unshare_flags) < 0) {
            throw_errno("unshare time namespace");
        }
        if (!plan.time_offsets.empty()) {
            // /proc/self/timens_offsets is that of time_for_children: the
            // namespace just made, still empty, the one time it can be set.
            try {
                write_existing_file("/proc/self/timens_offsets", plan.time_offsets);
            } catch (const Error& e) {
                throw e.with_context(".linux.timeOffsets");
            }
        }
    }

    void restore() {
        for (auto& [type, fd] : saved_) ::setns(fd.get(), clone_flag(type));
    }

    void save(spec::NamespaceType type) {
        for (auto& entry : saved_) {
            if (entry.first == type) return;
        }
        const char* file = type == spec::NamespaceType::pid ? "/proc/self/ns/pid_for_children"
                                                             : "/proc/self/ns/time_for_children";
        unique_fd fd(::open(file, O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno(std::string("open ") + file);
        saved_.emplace_back(type, std::move(fd));
    }

    std::vector<std::pair<spec::NamespaceType, unique_fd>> saved_;
};

}  // namespace

namespace {

// The child of the clone: inside the caller's scope, so that no destructor
// of the parent's state runs in it.
[[noreturn]] void run_init(const InitConfig& config, NamespacePlan& namespaces, Channel& parent_end,
                           Channel& child_end) {
    parent_end.close();
    init_main(config, namespaces, child_end);  // never returns
}

// Returns the init's pid (in the parent only), its pidfd in `pidfd`, and
// whether it was born in config.cgroup_v2_dir in `born_in_cgroup_v2`.
pid_t clone_init(const InitConfig& config, NamespacePlan& namespaces, Channel& parent_end,
                 Channel& child_end, int& pidfd, bool& born_in_cgroup_v2) {
    CloneArgs args{};
    args.flags = static_cast<uint64_t>(namespaces.clone_flags) | CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uintptr_t>(&pidfd);
    args.exit_signal = SIGCHLD;
    pid_t pid = clone3_into_cgroup(args, config.cgroup_v2_dir, born_in_cgroup_v2);
    if (pid == 0) run_init(config, namespaces, parent_end, child_end);
    if (pid < 0) throw_errno("clone container init");
    return pid;
}

// Runs `clone_in_helper` in a forked helper and returns the pid it made:
// the helper enters namespaces the parent must not enter itself (it would
// lose its rights, or could not come back), then clones with CLONE_PARENT so
// that the child is rt's own all the same (rt waits for it, it dies with
// rt). The helper reports the pid, or the errno and message of what failed,
// and exits.
template <typename CloneInHelper>
pid_t clone_from_helper(CloneInHelper clone_in_helper) {
    int report[2];
    if (::pipe2(report, O_CLOEXEC) < 0) throw_errno("pipe");
    unique_fd report_read(report[0]), report_write(report[1]);
    pid_t helper = ::fork();
    if (helper < 0) throw_errno("fork");
    if (helper == 0) {
        int result;
        std::string message;
        try {
            result = clone_in_helper();
        } catch (const Error& e) {
            result = -(e.err() ? e.err() : EPERM);
            message = e.what();
        }
        // The pid, or -errno and what failed (one write: a pipe takes it whole).
        std::string report_text(reinterpret_cast<const char*>(&result), sizeof result);
        if (result < 0) report_text += message;
        ssize_t n = ::write(report_write.get(), report_text.data(), report_text.size());
        ::_exit(n == static_cast<ssize_t>(report_text.size()) ? 0 : 1);
    }
    report_write.reset();
    char buffer[sizeof(int) + 1024];
    ssize_t got;
    do {
        got = ::read(report_read.get(), buffer, sizeof buffer);
    } while (got < 0 && errno == EINTR);
    wait_child(helper);
    if (got < static_cast<ssize_t>(sizeof(int))) throw Error("clone: the helper that joins namespaces died");
    int result;
    std::memcpy(&result, buffer, sizeof result);
    if (result < 0) {
        throw Error(std::string(buffer + sizeof result, static_cast<size_t>(got) - sizeof result), -result);
    }
    return result;
}

// clone3 with CLONE_PARENT: the pid, or throws `what`.
pid_t clone_parent(uint64_t flags, const std::string& what) {
    CloneArgs args{};
    args.flags = flags | CLONE_PARENT;
    pid_t pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
    if (pid < 0) throw_errno(what);
    return pid;
}

// The init cloned by a helper that first joined the namespaces that must
// precede the clone (joins_before_clone: those a new user namespace would
// lose the right to join, or the user namespace that must own the new pid
// namespace).
pid_t clone_init_after_joins(const InitConfig& config, NamespacePlan& namespaces,
                             Channel& parent_end, Channel& child_end) {
    return clone_from_helper([&] {
        int joined = enter_joins_before_clone(namespaces);
        // What a new user namespace could not mount in the namespaces
        // just joined, mounted now (the init inherits the fds).
        InitConfig init_config = config;
        std::vector<unique_fd> mounts;
        if (namespaces.clone_flags & CLONE_NEWUSER) {
            mounts = mount_in_joined_namespaces(*config.spec, joined);
            for (const auto& fd : mounts) init_config.joined_namespace_mounts.push_back(fd.get());
        }
        pid_t pid = clone_parent(static_cast<uint64_t>(namespaces.clone_flags), "clone container init");
        if (pid == 0) run_init(init_config, namespaces, parent_end, child_end);
        return pid;
    });
}

// An unprivileged rt (rootless) may join the container's pid namespace only
// from inside the user namespace that owns it: a helper joins that first,
// then the pid namespace for its children, and clones the exec'd process.
pid_t clone_exec_in_user_namespace(const ExecConfig& config, NamespacePlan& namespaces, Channel& parent_end,
                                   Channel& child_end) {
    return clone_from_helper([&] {
        for (auto it = namespaces.joins.begin(); it != namespaces.joins.end(); ++it) {
            if (it->type != spec::NamespaceType::user) continue;
            if (::setns(it->fd.get(), CLONE_NEWUSER) < 0) throw_errno("join user namespace");
            namespaces.joins.erase(it);
            namespaces.user_entered = true;
            break;
        }
        ChildrenNamespaces for_children(namespaces);
        pid_t pid = clone_parent(0, "clone the exec process");
        if (pid == 0) {
            parent_end.close();
            exec_main(config, namespaces, child_end);  // never returns
        }
        return pid;
    });
}

bool joins_a_user_namespace(const NamespacePlan& namespaces) {
    for (const auto& join : namespaces.joins) {
        if (join.type == spec::NamespaceType::user) return true;
    }
    return false;
}

}  // namespace

InitProcess spawn_init(const InitConfig& config, NamespacePlan& namespaces) {
    auto [parent_end, child_end] = Channel::make_pair();
    int pidfd = -1;
    bool born_in_cgroup_v2 = false;
    pid_t pid;
    {
        ChildrenNamespaces for_children(namespaces);
        pid = joins_before_clone(namespaces) > 0
                  ? clone_init_after_joins(config, namespaces, parent_end, child_end)
                  : clone_init(config, namespaces, parent_end, child_end, pidfd, born_in_cgroup_v2);
    }
    InitProcess init;
    init.pid = pid;
    init.born_in_cgroup_v2 = born_in_cgroup_v2;
    if (pidfd < 0) {
        // rt's child, not reaped yet: the pid cannot have been reused.
        pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
        if (pidfd < 0) {
            int err = errno;
            ::kill(pid, SIGKILL);
            wait_child(pid);
            throw_errno(err, "pidfd_open of the container init");
        }
    }
    init.pidfd.reset(pidfd);
    init.channel = std::move(parent_end);
    return init;
}

ExecProcess spawn_exec(const ExecConfig& config, NamespacePlan& namespaces) {
    auto [parent_end, child_end] = Channel::make_pair();
    ExecProcess child;
    if (::geteuid() != 0 && joins_a_user_namespace(namespaces)) {
        child.pid = clone_exec_in_user_namespace(config, namespaces, parent_end, child_end);
        // rt's child, not reaped yet: the pid cannot have been reused.
        child.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, child.pid, 0)));
        if (!child.pidfd) throw_errno("pidfd_open of the exec process");
        child.channel = std::move(parent_end);
        return child;
    }

    int pidfd = -1;
    CloneArgs args{};
    args.flags = CLONE_PIDFD;  // every namespace is joined, none is new
    args.pidfd = reinterpret_cast<uintptr_t>(&pidfd);
    args.exit_signal = SIGCHLD;

    pid_t pid;
    {
        // The pid namespace of the container: the child is born in it.
        ChildrenNamespaces for_children(namespaces);
        pid = clone3_into_cgroup(args, config.cgroups.v2_dir, child.born_in_cgroup_v2);
        if (pid == 0) {
            parent_end.close();
            exec_main(config, namespaces, child_end);  // never returns
        }
    }
    if (pid < 0) throw_errno("clone the exec process");
    child.pid = pid;
    child.pidfd.reset(pidfd);
    child.channel = std::move(parent_end);
    return child;
}

}  // namespace rt::linux
