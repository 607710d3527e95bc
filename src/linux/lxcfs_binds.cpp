// rt.lxcfs, the init's step: the read-only copies of lxcfs's files that the
// parent made (rt/linux/lxcfs.hpp) attached over the container's own /proc
// and /sys files, right after the config's mounts. Fd to fd: each target is
// resolved once inside the root and checked to be a regular file of the
// container's procfs (or sysfs), and the copy is moved onto that fd.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/mount.h>

#include "rt/linux/lxcfs.hpp"
#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {

void bind_lxcfs_files(InitContext& ctx) {
    if (!ctx.config.lxcfs) return;
    for (const LxcfsBind& bind : ctx.config.lxcfs->binds) {
        const std::string what = "lxcfs: bind " + bind.target;
        // The planned targets only, whatever planned them.
        if (!is_lxcfs_target(bind.target)) throw Error(what + ": not a file rt binds from lxcfs");
        unique_fd target = open_in_root(ctx.root.get(), bind.target, O_PATH | O_NOFOLLOW);
        struct stat st {};
        if (::fstat(target.get(), &st) < 0) throw_errno(what + ": stat");
        struct statfs fs {};
        if (::fstatfs(target.get(), &fs) < 0) throw_errno(what + ": statfs");
        if (!S_ISREG(st.st_mode) || static_cast<unsigned long>(fs.f_type) != bind.fs_magic) {
            throw Error(what + ": not a file of the container's " +
                        (bind.fs_magic == PROC_SUPER_MAGIC ? "procfs" : "sysfs"));
        }
        if (ctx.sys.move_mount(bind.tree.get(), "", target.get(), "",
                               MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
            throw_errno(what + " (move_mount)");
        }
        // Attached: the init has no more use for the fd (it never runs the
        // parent's destructors, so closing the number is all there is).
        ::close(bind.tree.get());
    }
}

}  // namespace rt::linux
