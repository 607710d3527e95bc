// config.mounts, in order. Every destination is resolved inside the rootfs
// (path_in_root) and mounted on through its fd, so a symlink in the rootfs
// cannot send a mount to the host.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "rt/linux/copy_tree.hpp"
#include "rt/linux/mount_options.hpp"
#include "rt/linux/mount_plan.hpp"
#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

void do_mount(Syscalls& sys, const std::string& what, const std::string& source, int target_fd,
              const char* type, unsigned long flags, const std::string& data) {
    if (sys.mount(source.empty() ? nullptr : source.c_str(), fd_path(target_fd).c_str(), type,
                flags, data.empty() ? nullptr : data.c_str()) < 0) {
        throw_errno(what);
    }
}

// After a bind mount, the flags it could not take on the first call.
void remount_bind(Syscalls& sys, const std::string& what, int target_fd, unsigned long flags) {
    unsigned long wanted = remount_flags(flags);
    if (wanted == 0) return;
    std::string path = fd_path(target_fd);
    unsigned long remount = MS_BIND | MS_REMOUNT | wanted;
    if (sys.mount(nullptr, path.c_str(), nullptr, remount, nullptr) == 0) return;
    if (errno != EPERM) throw_errno(what + ": remount");
    // Keep the flags the kernel locked on the source mount, and try again.
    remount |= locked_mount_flags(path.c_str());
    if (sys.mount(nullptr, path.c_str(), nullptr, remount, nullptr) < 0) {
        throw_errno(what + ": remount");
    }
}

void apply_propagation(Syscalls& sys, const std::string& what, int target_fd, const MountOptions& options) {
    for (unsigned long flags : options.propagation) {
        if (sys.mount(nullptr, fd_path(target_fd).c_str(), nullptr, flags, nullptr) < 0) {
            throw_errno(what + ": set propagation");
        }
    }
}

void apply_recursive_attributes(Syscalls& sys, const std::string& what, int target_fd,
                                const MountOptions& options) {
    if (options.attr_set == 0 && options.attr_clr == 0) return;
    mount_attr attr{};
    attr.attr_set = options.attr_set;
    attr.attr_clr = options.attr_clr;
    if (sys.mount_setattr(target_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0) {
        throw_errno(what + ": mount_setattr");
    }
}

// In a user namespace some filesystems cannot be mounted without a
// namespace of their own that the user namespace owns: sysfs without a
// network namespace, mqueue without an ipc namespace. The host's mount
// shows what the container shares then, so it is bound instead, with its
// submounts (what runc's rootless configs do for /sys, crun for both);
// "ro" then holds for the submounts too. "" when there is no stand-in.
const char* host_stand_in(const std::string& type) {
    if (type == "sysfs") return "/sys";
    if (type == "mqueue") return "/dev/mqueue";
    return "";
}

void bind_host_stand_in(Syscalls& sys, const std::string& what, const char* host_path, int target_fd,
                        MountOptions& options) {
    do_mount(sys, what + " (a bind of the host's " + host_path + ", as it cannot be mounted anew here)",
             host_path, target_fd, nullptr, MS_BIND | MS_REC, "");
    if (options.flags & MS_RDONLY) options.attr_set |= MOUNT_ATTR_RDONLY;
}

// Attaches a detached tree made before the clone: the idmapped bind the
// parent made (rt/linux/mount_trees.hpp), or the sysfs or mqueue the
// helper mounted in the pod's namespaces (rt/linux/joined_namespace_mounts.hpp).
void attach_tree(Syscalls& sys, const std::string& what, int tree_fd, int target_fd) {
    if (sys.move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
        throw_errno(what + ": attach the mount made before the clone (move_mount)");
    }
}

// proc and sysfs go on ordinary directories of the image (as runc: "must be
// mounted on ordinary directory"): a /proc or /sys that is a symbolic link
// would put the procfs elsewhere than the runtime and the profile expect it,
// and the protected paths (readonlyPaths, maskedPaths) would miss it
// (CVE-2019-16884). Every component is checked, none followed.
void require_ordinary_directory(const InitContext& ctx, const std::string& what, const std::string& destination) {
    unique_fd fd = open_in_root_no_symlinks(ctx.root.get(), destination, O_PATH | O_DIRECTORY);
    if (fd || errno == ENOENT) return;  // a missing one is made as a directory
    if (errno == ELOOP || errno == ENOTDIR) throw Error(what + ": must be mounted on ordinary directory", errno);
    throw_errno(what + ": open " + destination);
}

// What a config may mount inside /proc was checked on the config's words
// (validate); a symbolic link of the image (/p -> /proc, destination /p/1)
// could still lead a mount there, so the target itself is checked: nothing
// lands on procfs but procfs on /proc and binds onto the files lxcfs serves
// (validate's list), which the config named as such.
void refuse_target_on_procfs(const std::string& what, int target_fd, const spec::Mount& m, bool bind) {
    struct statfs fs {};
    if (::fstatfs(target_fd, &fs) < 0) throw_errno(what + ": statfs of the mount point");
    if (fs.f_type != PROC_SUPER_MAGIC) return;
    std::string destination = clean_path(m.destination);
    if (bind && destination.rfind("/proc/", 0) == 0 && destination.find('/', 6) == std::string::npos) return;
    throw Error(what + ": the mount point resolves into /proc, where only procfs and lxcfs's files may be mounted",
                EPERM);
}

void mount_one(InitContext& ctx, const spec::Mount& m, const PlannedMount& planned, int tree_fd) {
    const std::string what = "mount " + m.destination;
    MountOptions options = planned.options;
    if (planned.defer_readonly) options.flags &= ~MS_RDONLY;  // sealed last (seal_readonly_mounts)
    std::string type = m.type.value_or("");
    bool bind = planned.bind;

    unique_fd target;
    unique_fd covered;  // tmpcopyup
    if (bind) {
        std::string source = mount_source(m, ctx.config.bundle);
        struct stat st {};
        int found = tree_fd >= 0 ? ::fstat(tree_fd, &st) : ::stat(source.c_str(), &st);
        if (found < 0) throw_errno(what + ": source " + source);
        target = S_ISDIR(st.st_mode) ? mkdir_all_in_root(ctx.root.get(), m.destination)
                                     : touch_in_root(ctx.root.get(), m.destination);
        refuse_target_on_procfs(what, target.get(), m, true);
        if (tree_fd >= 0) {
            attach_tree(ctx.sys, what, tree_fd, target.get());
        } else {
            unsigned long flags = MS_BIND | (options.recursive_bind ? MS_REC : 0);
            do_mount(ctx.sys, what, source, target.get(), nullptr, flags, "");
        }
    } else if (tree_fd >= 0) {
        // Mounted in the pod's namespaces before the clone: attached, then
        // its flags applied as a bind's, below.
        target = mkdir_all_in_root(ctx.root.get(), m.destination);
        refuse_target_on_procfs(what, target.get(), m, false);
        attach_tree(ctx.sys, what, tree_fd, target.get());
        bind = true;
    } else {
        if (type == "proc" || type == "sysfs") require_ordinary_directory(ctx, what, m.destination);
        target = mkdir_all_in_root(ctx.root.get(), m.destination);
        refuse_target_on_procfs(what, target.get(), m, false);
        if (type == "cgroup" || type == "cgroup2") {
            mount_cgroup(ctx, m, target.get(), options.flags);
        } else {
            std::string source = m.source.value_or(type);
            unsigned long flags = options.flags;
            if (options.tmpcopyup) {
                // The directory the tmpfs is about to cover, still readable
                // through this fd; read-only once the copy is in.
                covered = open_in_root(ctx.root.get(), m.destination, O_RDONLY | O_DIRECTORY);
                flags &= ~MS_RDONLY;
            }
            try {
                do_mount(ctx.sys, what, source, target.get(), type.empty() ? nullptr : type.c_str(), flags, options.data);
            } catch (const Error& e) {
                bool in_user_ns = ctx.spec.linux->has_namespace(spec::NamespaceType::user);
                const char* stand_in = host_stand_in(type);
                if (e.err() != EPERM || !in_user_ns || !*stand_in) throw;
                bind_host_stand_in(ctx.sys, what, stand_in, target.get(), options);
                bind = true;  // its flags are applied as a bind's, below
            }
        }
    }

    if (covered) {
        unique_fd tmpfs = open_in_root(ctx.root.get(), m.destination, O_RDONLY | O_DIRECTORY);
        copy_tree(covered.get(), tmpfs.get(), what + ": tmpcopyup");
    }

    // The fd above points under the new mount; these act on the mount itself.
    unique_fd mounted = open_in_root(ctx.root.get(), m.destination, O_PATH);
    if (bind || (covered && (options.flags & MS_RDONLY))) remount_bind(ctx.sys, what, mounted.get(), options.flags);
    apply_propagation(ctx.sys, what, mounted.get(), options);
    apply_recursive_attributes(ctx.sys, what, mounted.get(), options);
    if (planned.defer_readonly) ctx.readonly_last.push_back({what, std::move(mounted)});
}

}  // namespace

void mount_all(InitContext& ctx) {
    const auto& trees = ctx.config.mount_trees;
    const auto& joined = ctx.config.joined_namespace_mounts;
    for (size_t i = 0; i < ctx.spec.mounts.size(); ++i) {
        int tree = i < trees.size() ? trees[i] : -1;
        if (tree < 0 && i < joined.size()) tree = joined[i];
        mount_one(ctx, ctx.spec.mounts[i], ctx.config.mounts->mounts[i], tree);
    }
    // Attached: the init has no more use for the detached trees' fds.
    for (const auto* fds : {&trees, &joined}) {
        for (int fd : *fds) {
            if (fd >= 0) ::close(fd);
        }
    }
}

void seal_readonly_mounts(InitContext& ctx) {
    for (const auto& [what, mount] : ctx.readonly_last) {
        mount_attr attr{};
        attr.attr_set = MOUNT_ATTR_RDONLY;
        if (ctx.sys.mount_setattr(mount.get(), "", AT_EMPTY_PATH, &attr) < 0) {
            throw_errno(what + ": make read-only (mount_setattr)");
        }
    }
    ctx.readonly_last.clear();
}

}  // namespace rt::linux
