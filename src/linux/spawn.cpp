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
#include "rt/util/file.hpp"
#include "rt/util/process.hpp"
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

// Returns the init's pid (in the parent only), its pidfd in `pidfd`.
pid_t clone_init(const InitConfig& config, NamespacePlan& namespaces, Channel& parent_end,
                 Channel& child_end, int& pidfd) {
    CloneArgs args{};
    args.flags = static_cast<uint64_t>(namespaces.clone_flags) | CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uintptr_t>(&pidfd);
    args.exit_signal = SIGCHLD;
    pid_t pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
    if (pid == 0) run_init(config, namespaces, parent_end, child_end);
    if (pid < 0) throw_errno("clone container init");
    return pid;
}

// The init cloned by a helper that joined the container's user namespace
// first, so that the init's new pid namespace is owned by it. CLONE_PARENT
// makes the init rt's child all the same (rt waits for it, it dies with
// rt); the helper reports its pid, or the errno of what failed, and exits.
pid_t clone_init_in_user_namespace(const InitConfig& config, NamespacePlan& namespaces,
                                   Channel& parent_end, Channel& child_end) {
    int report[2];
    if (::pipe2(report, O_CLOEXEC) < 0) throw_errno("pipe");
    unique_fd report_read(report[0]), report_write(report[1]);
    pid_t helper = ::fork();
    if (helper < 0) throw_errno("fork");
    if (helper == 0) {
        int result;
        try {
            enter_user_namespace_first(namespaces);
            CloneArgs args{};
            args.flags = static_cast<uint64_t>(namespaces.clone_flags) | CLONE_PARENT;
            pid_t pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
            if (pid == 0) run_init(config, namespaces, parent_end, child_end);
            result = pid < 0 ? -errno : pid;
        } catch (const Error& e) {
            result = -(e.err() ? e.err() : EPERM);
        }
        ssize_t n = ::write(report_write.get(), &result, sizeof result);
        ::_exit(n == sizeof result ? 0 : 1);
    }
    report_write.reset();
    int result = 0;
    ssize_t got;
    do {
        got = ::read(report_read.get(), &result, sizeof result);
    } while (got < 0 && errno == EINTR);
    wait_child(helper);
    if (got != sizeof result) throw Error("clone container init: the helper in the user namespace died");
    if (result < 0) throw_errno(-result, "clone container init in the joined user namespace");
    return result;
}

}  // namespace

InitProcess spawn_init(const InitConfig& config, NamespacePlan& namespaces) {
    auto [parent_end, child_end] = Channel::make_pair();
    int pidfd = -1;
    pid_t pid;
    {
        ChildrenNamespaces for_children(namespaces);
        pid = user_namespace_first(namespaces)
                  ? clone_init_in_user_namespace(config, namespaces, parent_end, child_end)
                  : clone_init(config, namespaces, parent_end, child_end, pidfd);
    }
    InitProcess init;
    init.pid = pid;
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
