// The container's init, from clone to execve. Single-threaded; every error
// is sent to the parent (who prints it) and ends the init.
#include "init_main.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "rt/linux/cgroup_join.hpp"
#include "rt/linux/lxcfs.hpp"
#include "rt/linux/self_protect.hpp"
#include "rt/linux/sync_protocol.hpp"
#include "rt/linux/sysinfo_agent.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"
#include "console.hpp"
#include "steps.hpp"

namespace rt::linux {

const std::vector<MountInfo>& InitContext::host_mounts() {
    if (config.host_mounts && !joined_mount_ns) return *config.host_mounts;
    if (!read_mounts_) read_mounts_ = read_mountinfo();
    return *read_mounts_;
}

namespace {

void join_session_keyring(const std::string& id) {
    // A fresh session keyring, so that containers share no keys (as runc).
    std::string name = "_ses." + id;
    constexpr long keyctl_join_session_keyring = 1;
    if (::syscall(SYS_keyctl, keyctl_join_session_keyring, name.c_str()) < 0 && errno != ENOSYS) {
        throw_errno("join session keyring");
    }
}

// Blocks until `rt start` opens the fifo for reading, then tells it we are
// going on. The fifo's path is gone after pivot_root: it is reopened through
// the host's /proc, kept as an fd for this. The returned write end stays
// open until execve closes it (O_CLOEXEC): `rt start` reads until that EOF,
// so that what fails in between (startContainer hooks, the exec) is
// reported to it, written on the fifo.
unique_fd wait_for_start(InitContext& ctx) {
    std::string self_fd = "thread-self/fd/" + std::to_string(ctx.config.exec_fifo);
    unique_fd fifo(::openat(ctx.host_proc.get(), self_fd.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fifo) throw_errno("open exec fifo");
    const char zero = '0';
    ssize_t n;
    do {
        n = ::write(fifo.get(), &zero, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) throw_errno("write exec fifo");
    ::close(ctx.config.exec_fifo);
    ctx.host_proc.reset();
    return fifo;
}

// After the start: an error goes to `rt start` through the fifo, or to the
// container's stderr if nobody reads it any more.
[[noreturn]] void fail_after_start(int fifo, const std::exception& e) {
    std::string message = e.what();
    ssize_t n = ::write(fifo, message.data(), message.size());
    if (n != static_cast<ssize_t>(message.size())) {
        message = std::string("rt: ") + e.what() + "\n";
        n = ::write(STDERR_FILENO, message.data(), message.size());
    }
    (void)n;
    ::_exit(1);
}

// `step`: where the setup is, for the error the init sends when it fails.
[[noreturn]] void run(const InitConfig& config, NamespacePlan& namespaces, Channel& channel, const char*& step) {
    SyncOrder order;
    InitContext ctx(config, kernel_syscalls());
    ctx.new_mount_ns = (namespaces.unshare_flags & CLONE_NEWNS) != 0;
    ctx.new_cgroup_ns = (namespaces.unshare_flags & CLONE_NEWCGROUP) != 0;
    // Its root is the cgroup the init is in when it is made: after the join.
    namespaces.unshare_flags &= ~CLONE_NEWCGROUP;
    ctx.new_user_ns = (namespaces.clone_flags & CLONE_NEWUSER) != 0;
    // From the config: a join made before the clone (by a helper) is no
    // longer in `namespaces`.
    for (const auto& ns : ctx.spec.linux->namespaces) {
        ctx.joined_mount_ns |= ns.type == spec::NamespaceType::mount && ns.path;
    }

    expect(channel, order, Sync::proceed);
    become_undumpable();  // the maps are written: nobody needs our /proc files

    step = "namespaces";
    // rt.lxcfs: connects to the agent while the host's paths are reachable
    // and the init is still the host's root (the socket is rt's).
    SysinfoFilter sysinfo(config.sysinfo_agent_socket);
    enter_namespaces(namespaces, ctx.sys);
    die_with_parent();  // again: a change of credentials cleared it
    if (!config.no_new_keyring) join_session_keyring(config.id);
    ::umask(0);  // modes of the files rt makes are exactly as asked

    ctx.host_proc.reset(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!ctx.host_proc) throw_errno("open /proc");

    step = "rootfs";
    prepare_rootfs(ctx);

    // All the above ran while the parent made the cgroups; nothing of it
    // needs them (the kernel memory of the namespaces made above is charged
    // to rt's memory cgroup, not the container's). What follows does: the
    // cgroup namespace and the cgroup mount, the device nodes (a v1 devices
    // cgroup or a v2 device filter rules mknod), the hooks, and the kernel
    // memory of the mounts, charged to the container's memory cgroup.
    step = "cgroups";
    if (config.parent_affinity) take_back_affinity(*config.parent_affinity);
    join_cgroups_sent(channel, order);
    if (ctx.new_cgroup_ns && ctx.sys.unshare(CLONE_NEWCGROUP) < 0) throw_errno("unshare cgroup namespace");

    step = "mounts";
    mount_all(ctx);
    bind_lxcfs_files(ctx);
    step = "devices";
    create_devices(ctx);
    const spec::Process& process = *ctx.spec.process;
    if (process.terminal) create_console_mountpoint(ctx.root.get());

    step = "hooks";
    send(channel, order, Sync::run_hooks);
    expect(channel, order, Sync::hooks_done);
    run_container_hooks(ctx, HookPhase::create_container);

    step = "seccomp";
    SeccompSession seccomp = prepare_seccomp(ctx);
    step = "pivot_root";
    enter_rootfs(ctx);
    finish_rootfs(ctx);
    step = "hostname";
    set_identity(ctx.spec);
    step = "sysctl";
    apply_sysctl(ctx);
    step = "protected paths";
    protect_paths(ctx);

    step = "process settings";
    const ProcessSecurity& security = *config.security;
    apply_process_settings(security, ctx.host_proc.get());
    sysinfo.load();  // as root, before the user switch and the profile
    step = "terminal";
    if (process.terminal) {
        Pty pty = open_container_pty(ctx.root.get(), process.console_size);
        mount_console(ctx.root.get(), pty.slave.get());
        make_controlling_terminal(pty);
        send(channel, order, Sync::console, {}, pty.master.get());
    } else {
        new_session();
    }
    step = "user";
    ExecPlan plan = become_user(process, security, seccomp, "creating", config.preserve_fds);
    unique_fd reaping_init = make_reaping_init(ctx.spec);  // rt.init: before the profile can refuse memfd_create

    keep_running_without_parent();
    send(channel, order, Sync::ready);
    channel.close();

    // With noNewPrivileges the profile comes now, before the wait for the
    // start, as runc loads it: the kernel's work on it (about 0.4 ms: it
    // copies the filter, compiles it and tries it on every system call)
    // then overlaps rt's own after `ready` instead of delaying the exec
    // after `start`. What runs after it needs the profile's leave, as under
    // runc: the fifo's open and write, the startContainer hooks, the exec.
    // A failure waits for the start, which reports it.
    std::exception_ptr seccomp_failure;
    if (security.no_new_privileges) {
        try {
            seccomp.load("created");
        } catch (const std::exception&) {
            seccomp_failure = std::current_exception();
        }
    }

    // From here on nobody listens on the channel: `rt start` reads errors
    // on the fifo.
    unique_fd started = wait_for_start(ctx);
    try {
        if (seccomp_failure) std::rethrow_exception(seccomp_failure);
        run_container_hooks(ctx, HookPhase::start_container);
        seccomp.load("created");  // without noNewPrivileges (runc's order): last, the fewer calls after it the better
        mode_t umask_value = process.user.umask.value_or(0022);
        if (reaping_init) exec_under_reaping_init(reaping_init.get(), plan, umask_value);
        exec_process(plan, umask_value);
    } catch (const std::exception& e) {
        fail_after_start(started.get(), e);
    }
}

// The init keeps only what it needs of the fds it inherited: a lock, a
// signalfd or a socket of the parent must not live on in the container.
void drop_inherited_fds(const InitConfig& config, NamespacePlan& namespaces, Channel& channel) {
    std::vector<int> keep = {channel.fd(), config.exec_fifo, config.protected_exe, log::file_fd()};
    for (int fd = 3; fd < 3 + config.preserve_fds; ++fd) keep.push_back(fd);
    for (const auto& join : namespaces.joins) keep.push_back(join.fd.get());
    for (int fd : config.mount_trees) keep.push_back(fd);
    for (int fd : config.joined_namespace_mounts) keep.push_back(fd);
    if (config.lxcfs) {
        for (const auto& bind : config.lxcfs->binds) keep.push_back(bind.tree.get());
    }
    close_fds_except(keep);
}

}  // namespace

void init_main(const InitConfig& config, NamespacePlan& namespaces, Channel& channel) {
    const char* step = "start";
    try {
        drop_inherited_fds(config, namespaces, channel);
        const int alone = CLONE_NEWUSER | CLONE_NEWPID;  // see become_undumpable
        begin_child((namespaces.clone_flags & alone) != alone);
        ::prctl(PR_SET_NAME, init_process_name);
        if (config.protected_exe >= 0) {
            // Before the parent's `proceed`: this overlaps its cgroup work.
            step = "protecting rt's binary";
            switch_to_protected_copy(config.protected_exe);
            ::close(config.protected_exe);
        }
        run(config, namespaces, channel, step);
    } catch (const std::exception& e) {
        if (channel.fd() >= 0) {
            send_error(channel, step, e);
        } else {
            std::string message = std::string("rt: ") + e.what() + "\n";
            ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
            (void)ignored;
        }
    }
    ::_exit(1);
}

}  // namespace rt::linux
