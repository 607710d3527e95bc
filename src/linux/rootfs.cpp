// The container's root: made a mount point of its own, entered with
// pivot_root, and made read-only when root.readonly asks.
#include <fcntl.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "rt/linux/mount_plan.hpp"
#include "rt/linux/mountinfo.hpp"
#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

// The mount the rootfs lives on must not be shared, before the rootfs is
// bound on itself: pivot_root refuses a new root that is (or whose parent
// is) shared, and a bind under a shared mount would propagate to the host
// when "/" was made shared. As runc: slave for rootfsPropagation "slave",
// private otherwise.
void make_parent_mount_unshared(Syscalls& sys, const std::vector<MountInfo>& mounts, const std::string& rootfs,
                                unsigned long propagation) {
    std::string parent = rootfs.substr(0, rootfs.rfind('/'));
    const MountInfo* m = mount_containing(mounts, parent.empty() ? "/" : parent);
    if (!m) return;
    unsigned long flags = (propagation & MS_SLAVE) ? MS_SLAVE : MS_PRIVATE;
    if (sys.mount(nullptr, m->mount_point.c_str(), nullptr, flags, nullptr) < 0) {
        throw_errno("make " + m->mount_point + ((flags & MS_SLAVE) ? " a slave" : " private"));
    }
}

}  // namespace

unsigned long locked_mount_flags(const char* path) {
    struct statvfs st {};
    if (::statvfs(path, &st) < 0) throw_errno(std::string("statvfs ") + path);
    unsigned long flags = 0;
    if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

namespace {

// Whether "/" is the initial ramfs (a diskless boot, a VM started from an
// initramfs): the root of the mount tree, which pivot_root cannot move
// ("rootfs" in mountinfo, a ramfs or tmpfs).
bool root_is_initial_ramfs() {
    struct statfs fs {};
    if (::statfs("/", &fs) < 0) return false;
    if (fs.f_type != RAMFS_MAGIC && fs.f_type != TMPFS_MAGIC) return false;
    auto mounts = read_mountinfo();
    const MountInfo* root = mount_containing(mounts, "/");
    return root && root->fs_type == "rootfs";
}

// pivot_root(".", ".") stacks the old root on top of the new one; the old
// root is then unmounted from where we stand. No directory for the old root
// is needed in the container (the trick runc uses). False, with nothing
// changed, when "/" is the initial ramfs, which pivot_root refuses.
bool pivot_root_into(Syscalls& sys, const std::string& rootfs) {
    int old_root = ::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old_root < 0) throw_errno("open /");
    unique_fd old_root_fd(old_root);
    if (::chdir(rootfs.c_str()) < 0) throw_errno("chdir " + rootfs);
    if (sys.pivot_root(".", ".") < 0) {
        if (errno == EINVAL && root_is_initial_ramfs()) return false;
        throw_errno("pivot_root " + rootfs);
    }
    if (::fchdir(old_root_fd.get()) < 0) throw_errno("fchdir to the old root");
    // Keep the unmount from propagating to the host's mounts.
    if (sys.mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
        throw_errno("make the old root a slave");
    }
    if (sys.umount2(".", MNT_DETACH) < 0) throw_errno("unmount the old root");
    if (::chdir("/") < 0) throw_errno("chdir /");
    return true;
}

// Under chroot the host's mounts stay in the container's mount namespace,
// below its root. As runc does before MS_MOVE + chroot: every whole procfs
// and sysfs of the host outside the rootfs is unmounted (covered by an
// empty tmpfs where it cannot be), so that the kernel does not count them
// as mounts the container may see when it decides whether a new procfs or
// sysfs may be mounted (mount_too_revealing), and nothing of them stays
// reachable. Deepest first, so that a submount is gone before its parent.
void hide_host_proc_and_sys(Syscalls& sys, const std::string& rootfs) {
    std::vector<std::string> points;
    for (const auto& m : read_mountinfo()) {
        if (m.root != "/" || (m.fs_type != "proc" && m.fs_type != "sysfs")) continue;
        if (m.mount_point == rootfs || m.mount_point.rfind(rootfs + "/", 0) == 0) continue;
        points.push_back(m.mount_point);
    }
    std::sort(points.begin(), points.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const auto& point : points) {
        // Keep the unmount from propagating to the host's mounts.
        if (sys.mount(nullptr, point.c_str(), nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
            if (errno == EINVAL || errno == ENOENT) continue;  // gone with a parent already
            throw_errno("make the host's " + point + " a slave");
        }
        if (sys.umount2(point.c_str(), MNT_DETACH) == 0) continue;
        if (errno != EINVAL && errno != EPERM) throw_errno("unmount the host's " + point);
        if (sys.mount("tmpfs", point.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0) {
            throw_errno("cover the host's " + point);
        }
    }
}

void move_root_into(Syscalls& sys, const std::string& rootfs) {
    hide_host_proc_and_sys(sys, rootfs);
    if (::chdir(rootfs.c_str()) < 0) throw_errno("chdir " + rootfs);
    if (sys.mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) < 0) {
        throw_errno("move " + rootfs + " to /");
    }
    if (sys.chroot(".") < 0) throw_errno("chroot " + rootfs);
    if (::chdir("/") < 0) throw_errno("chdir /");
}

}  // namespace

void prepare_rootfs(InitContext& ctx) {
    const std::string& rootfs = ctx.config.rootfs;
    unsigned long propagation = ctx.config.mounts->root_propagation;
    if (ctx.sys.mount(nullptr, "/", nullptr, propagation, nullptr) < 0) {
        throw_errno("set propagation of /");
    }
    make_parent_mount_unshared(ctx.sys, ctx.host_mounts(), rootfs, propagation);
    if (ctx.sys.mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0) {
        throw_errno("bind mount rootfs " + rootfs);
    }
    ctx.root.reset(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!ctx.root) throw_errno("open rootfs " + rootfs);
}

void enter_rootfs(InitContext& ctx) {
    if (ctx.config.no_pivot) {
        move_root_into(ctx.sys, ctx.config.rootfs);
    } else if (!pivot_root_into(ctx.sys, ctx.config.rootfs)) {
        log::debug("pivot_root is refused on the initial ramfs (\"/\" is rootfs): MS_MOVE + chroot instead, "
                   "as with --no-pivot");
        move_root_into(ctx.sys, ctx.config.rootfs);
    }
    // As runc: rootfsPropagation (but private, which holds already) is
    // given to the new "/" itself; prepare_rootfs set it on the host's tree
    // copy.
    unsigned long propagation = ctx.config.mounts->root_propagation_after_pivot;
    if (propagation != 0 && ctx.sys.mount(nullptr, "/", nullptr, propagation, nullptr) < 0) {
        throw_errno("set propagation of the container's /");
    }
    ctx.root.reset(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!ctx.root) throw_errno("open / in the container");
}

void finish_rootfs(InitContext& ctx) {
    // The process's cwd exists, as runc makes sure (made as root, entered
    // later as the container's user).
    mkdir_all_in_root(ctx.root.get(), ctx.spec.process->cwd);
    seal_readonly_mounts(ctx);  // as runc: a read-only /dev last, its nodes made
    if (ctx.spec.root->readonly) {
        unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | locked_mount_flags("/");
        if (ctx.sys.mount(nullptr, "/", nullptr, flags, nullptr) < 0) {
            throw_errno("remount / read-only");
        }
    }
}

}  // namespace rt::linux
