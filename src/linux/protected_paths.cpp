// linux.readonlyPaths and linux.maskedPaths, after pivot_root (as runc: the
// paths are the container's, and its /dev/null exists by then). A path the
// container does not have is skipped, as runc does.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <set>

#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

// These run after pivot_root, when /proc is the container's: no step goes
// through a /proc/self/fd/N path (which a mount over the container's /proc
// could redirect) nor looks a path up twice. Each acts on fds: a detached
// copy (open_tree) or a new filesystem (fsopen/fsmount), made read-only
// before it is attached (move_mount) onto the fd of the mount point.

void attach(Syscalls& sys, const std::string& what, int tree, int target_fd) {
    if (sys.move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
        throw_errno(what + ": attach (move_mount)");
    }
}

// A read-only copy of the path with its submounts, put over it.
void make_readonly(Syscalls& sys, int root_fd, const std::string& path) {
    const std::string what = "readonly path " + path;
    unique_fd target = open_in_root(root_fd, path, O_PATH, 0, true);
    if (!target) return;
    unique_fd tree(sys.open_tree(target.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE));
    if (!tree) throw_errno(what + ": copy (open_tree)");
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (sys.mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0) {
        throw_errno(what + ": read-only (mount_setattr)");
    }
    attach(sys, what, tree.get(), target.get());
}

// An empty, read-only tmpfs of one block and one inode.
unique_fd empty_tmpfs(Syscalls& sys, const std::string& what) {
    unique_fd context(sys.fsopen("tmpfs", FSOPEN_CLOEXEC));
    if (!context) throw_errno(what + ": fsopen tmpfs");
    for (const char* key : {"nr_blocks", "nr_inodes"}) {
        if (sys.fsconfig(context.get(), FSCONFIG_SET_STRING, key, "1", 0) < 0) {
            throw_errno(what + ": fsconfig " + key);
        }
    }
    if (sys.fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) {
        throw_errno(what + ": fsconfig create tmpfs");
    }
    unique_fd mount(sys.fsmount(context.get(), FSMOUNT_CLOEXEC,
                                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
    if (!mount) throw_errno(what + ": fsmount tmpfs");
    return mount;
}

// The container's /dev/null, checked to be the real one before anything is
// hidden under it.
unique_fd container_dev_null(int root_fd) {
    unique_fd null = open_in_root(root_fd, "/dev/null", O_PATH);
    struct stat st {};
    if (::fstat(null.get(), &st) < 0) throw_errno("masked paths: stat /dev/null");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        throw Error("masked paths: the container's /dev/null is not the null device");
    }
    return null;
}

// A file: /dev/null bound over it. A directory: an empty read-only tmpfs.
void mask(Syscalls& sys, int root_fd, const std::string& path, int dev_null) {
    const std::string what = "masked path " + path;
    unique_fd target = open_in_root(root_fd, path, O_PATH, 0, true);
    if (!target) return;
    struct stat st {};
    if (::fstat(target.get(), &st) < 0) throw_errno(what + ": stat");
    unique_fd tree = S_ISDIR(st.st_mode)
                         ? empty_tmpfs(sys, what)
                         : unique_fd(sys.open_tree(dev_null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
    if (!tree) throw_errno(what + ": copy /dev/null (open_tree)");
    attach(sys, what, tree.get(), target.get());
}

}  // namespace

void protect_paths(InitContext& ctx) {
    const spec::Linux& linux = *ctx.spec.linux;
    int root = ctx.root.get();
    for (const auto& path : linux.readonly_paths) make_readonly(ctx.sys, root, path);
    if (linux.masked_paths.empty()) return;
    unique_fd dev_null = container_dev_null(root);
    std::set<std::string> done;
    for (const auto& path : linux.masked_paths) {
        if (done.insert(clean_path(path)).second) mask(ctx.sys, root, path, dev_null.get());
    }
}

}  // namespace rt::linux
