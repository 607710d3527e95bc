// The steps of the container's init, one file each, in the order init_main
// runs them. Each throws rt::Error with a message that names the step
// ("mount /proc: Operation not permitted"); init_main sends it to the parent.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rt/linux/hooks.hpp"
#include "rt/linux/init.hpp"
#include "rt/linux/process_security.hpp"
#include "rt/linux/syscalls.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

// Everything the steps share while the init builds the container.
struct InitContext {
    InitContext(const InitConfig& init_config, Syscalls& syscalls)
        : config(init_config), spec(*init_config.spec), sys(syscalls) {}

    const InitConfig& config;
    const spec::Spec& spec;
    Syscalls& sys;          // mount and namespace calls (rt/linux/syscalls.hpp)
    unique_fd root;         // O_PATH fd of the rootfs, once it is a mount point
    unique_fd host_proc;    // the host's /proc, kept across pivot_root
    bool new_mount_ns = false;
    bool new_cgroup_ns = false;
    bool new_user_ns = false;
    bool joined_mount_ns = false;
    // The mount table the init's namespace started with, as the host's
    // mounts go: the parent's (InitConfig::host_mounts, no read at all) when
    // the init's namespace is a copy of the parent's or the parent's own,
    // else /proc/self/mountinfo read on first use. Reading it costs about
    // 50 us even with 20 mounts, and the init needs it twice (the rootfs's
    // parent mount, the cgroup hierarchies). What the init mounts is not in
    // it.
    const std::vector<MountInfo>& host_mounts();
    // Mounts made writable that are read-only once their nested mount
    // points and device nodes are made (PlannedMount::defer_readonly): what
    // they are, and an O_PATH fd of each mount itself.
    std::vector<std::pair<std::string, unique_fd>> readonly_last;

private:
    std::optional<std::vector<MountInfo>> read_mounts_;
};

// child_start.cpp: what every child of rt (the init, an exec'd process)
// does first, in begin_child(): signals back to their defaults, unblocked
// (the parent may have blocked some for a signalfd); death with the parent
// until the child stands on its own (keep_running_without_parent); and not
// dumpable until its execve: meanwhile it holds fds of the host (its /proc,
// the exec fifo), which no process of the container (same uid, no
// CAP_SYS_PTRACE over the host) may reach through /proc/PID/fd or ptrace.
// execve of the container's program makes it dumpable again, as with runc.
void begin_child(bool undumpable = true);
// An init in a new user and pid namespace stays dumpable until `proceed`:
// an unprivileged parent (rootless) can open its /proc/PID/uid_map to write
// the maps only then, and no other process can see it before (its pid
// namespace is empty, its user namespace unmapped). It calls this after.
void become_undumpable();
void die_with_parent();
void keep_running_without_parent();

// rootfs.cpp: propagation of "/", the rootfs bind-mounted on itself.
void prepare_rootfs(InitContext& ctx);
// mounts.cpp: config.mounts in order.
void mount_all(InitContext& ctx);
// mounts.cpp: read-only at last, the mounts mount_all kept writable.
void seal_readonly_mounts(InitContext& ctx);
// lxcfs_binds.cpp: rt.lxcfs, lxcfs's files over /proc and /sys (after mount_all).
void bind_lxcfs_files(InitContext& ctx);
// cgroup_mount.cpp: one `type: cgroup` mount.
void mount_cgroup(InitContext& ctx, const spec::Mount& mount, int target_fd, unsigned long flags);
// devices.cpp: the default devices and /dev symlinks of runtime-linux.md.
void create_devices(InitContext& ctx);
// container_hooks.cpp: createContainer or startContainer hooks, run by the init.
void run_container_hooks(InitContext& ctx, HookPhase phase);
// rootfs.cpp: pivot_root into the rootfs (MS_MOVE + chroot with --no-pivot, or
// when "/" is the initial ramfs, which pivot_root refuses).
void enter_rootfs(InitContext& ctx);
// rootfs.cpp: after pivot_root: root.readonly.
void finish_rootfs(InitContext& ctx);
// rootfs.cpp: the flags a remount of the mount at `path` must keep: in a
// user namespace the kernel locks nosuid/nodev/noexec/atime flags.
unsigned long locked_mount_flags(const char* path);
// identity.cpp: hostname and domainname.
void set_identity(const spec::Spec& spec);
// sysctl.cpp: linux.sysctl, in the container's namespaces.
void apply_sysctl(InitContext& ctx);
// protected_paths.cpp: linux.readonlyPaths, then linux.maskedPaths.
void protect_paths(InitContext& ctx);

// process.cpp: what execve will get, looked up before `ready` so that a
// missing binary fails `create`, as with runc.
struct ExecPlan {
    std::string path;
    std::vector<std::string> argv;
    std::vector<std::string> env;
};
// seccomp_prepare.cpp: the seccomp filter of the container's process, its listener
// connected while the host's paths are still reachable (before pivot_root).
SeccompSession prepare_seccomp(InitContext& ctx);
void set_user(const spec::Process& process);
// stdio.cpp: fds 0-2 owned by the process's user (before set_user).
void give_stdio_to(uid_t uid);
void enter_cwd(const spec::Process& process);  // fchdir inside the root, as root
ExecPlan plan_exec(const spec::Process& process);
// Marks every fd above the preserved ones close-on-exec and clears it on the
// preserved ones.
void prepare_fds(int preserve_fds);
[[noreturn]] void exec_process(const ExecPlan& plan, mode_t umask_value);

// reaping_init.cpp: rt.init. A sealed memfd holding rt-init (an empty fd
// without the annotation), made before the profile is loaded; then, last,
// the exec of rt-init, which runs `plan` as its child (what exec_process
// would run).
unique_fd make_reaping_init(const spec::Spec& spec);
[[noreturn]] void exec_under_reaping_init(int image, const ExecPlan& plan, mode_t umask_value);

// become_user.cpp: the steps the init and an exec'd process share once their
// terminal is settled: the fds the process gets, the switch to its user with
// its capabilities (the seccomp filter first when it cannot come later:
// `status` is the container's, for a notify listener), and its cwd. Returns
// what to execve.
ExecPlan become_user(const spec::Process& process, const ProcessSecurity& security, SeccompSession& seccomp,
                     const char* status, int preserve_fds);

}  // namespace rt::linux
