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
#include <vector>

#include "rt/linux/exec.hpp"
#include "rt/linux/init.hpp"
#include "rt/util/error.hpp"
#include "exec_main.hpp"
#include "init_main.hpp"

namespace rt::linux {
namespace {

// struct clone_args of <linux/sched.h>, which clashes with glibc's <sched.h>.
struct CloneArgs {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};

// Enters (and on destruction leaves) namespaces that only affect the
// children of this process: pid and time. The parent's own namespaces never
// change, and what it forks later (hooks) runs where it did before.
class ChildrenNamespaces {
public:
    explicit ChildrenNamespaces(NamespacePlan& plan) {
        if (plan.parent_joins.empty() && plan.parent_unshare_flags == 0) return;
        for (auto& join : plan.parent_joins) save(join.type);
        if (plan.parent_unshare_flags & CLONE_NEWTIME) save(spec::NamespaceType::time);
        for (auto& join : plan.parent_joins) {
            if (::setns(join.fd.get(), clone_flag(join.type)) < 0) {
                throw_errno(std::string("join ") + spec::to_string(join.type) + " namespace");
            }
        }
        if (plan.parent_unshare_flags && ::unshare(plan.parent_unshare_flags) < 0) {
            throw_errno("unshare time namespace");
        }
    }
    ~ChildrenNamespaces() {
        for (auto& [type, fd] : saved_) ::setns(fd.get(), clone_flag(type));
    }
    ChildrenNamespaces(const ChildrenNamespaces&) = delete;
    ChildrenNamespaces& operator=(const ChildrenNamespaces&) = delete;

private:
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

InitProcess spawn_init(const InitConfig& config, NamespacePlan& namespaces) {
    auto [parent_end, child_end] = Channel::make_pair();

    int pidfd = -1;
    CloneArgs args{};
    args.flags = static_cast<uint64_t>(namespaces.clone_flags) | CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uintptr_t>(&pidfd);
    args.exit_signal = SIGCHLD;

    pid_t pid;
    {
        ChildrenNamespaces for_children(namespaces);
        pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
        if (pid == 0) {
            // The child: inside this scope, so that no destructor of the
            // parent's state runs in it.
            parent_end.close();
            init_main(config, namespaces, child_end);  // never returns
        }
    }
    if (pid < 0) throw_errno("clone container init");
    InitProcess init;
    init.pid = pid;
    init.pidfd.reset(pidfd);
    init.channel = std::move(parent_end);
    return init;
}

ExecProcess spawn_exec(const ExecConfig& config, NamespacePlan& namespaces) {
    auto [parent_end, child_end] = Channel::make_pair();

    int pidfd = -1;
    CloneArgs args{};
    args.flags = CLONE_PIDFD;  // every namespace is joined, none is new
    args.pidfd = reinterpret_cast<uintptr_t>(&pidfd);
    args.exit_signal = SIGCHLD;

    pid_t pid;
    {
        // The pid namespace of the container: the child is born in it.
        ChildrenNamespaces for_children(namespaces);
        pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
        if (pid == 0) {
            parent_end.close();
            exec_main(config, namespaces, child_end);  // never returns
        }
    }
    if (pid < 0) throw_errno("clone the exec process");
    ExecProcess child;
    child.pid = pid;
    child.pidfd.reset(pidfd);
    child.channel = std::move(parent_end);
    return child;
}

}  // namespace rt::linux
