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

void mount_on(const std::string& what, const char* source, int target_fd, const char* type,
              unsigned long flags, const char* data) {
    if (::mount(source, fd_path(target_fd).c_str(), type, flags, data) < 0) throw_errno(what);
}

// Bind on itself (submounts included), then read-only, keeping the flags
// the kernel locks in a user namespace.
void make_readonly(int root_fd, const std::string& path) {
    const std::string what = "readonly path " + path;
    unique_fd target = open_in_root(root_fd, path, O_PATH, 0, true);
    if (!target) return;
    std::string at = fd_path(target.get());
    mount_on(what + ": bind", at.c_str(), target.get(), nullptr, MS_BIND | MS_REC, nullptr);
    // The fd above is under the new mount; this one is the mount.
    unique_fd mounted = open_in_root(root_fd, path, O_PATH);
    std::string mounted_at = fd_path(mounted.get());
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | locked_mount_flags(mounted_at.c_str());
    mount_on(what + ": remount read-only", nullptr, mounted.get(), nullptr, flags, nullptr);
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
void mask(int root_fd, const std::string& path, int dev_null) {
    const std::string what = "masked path " + path;
    unique_fd target = open_in_root(root_fd, path, O_PATH, 0, true);
    if (!target) return;
    struct stat st {};
    if (::fstat(target.get(), &st) < 0) throw_errno(what + ": stat");
    if (S_ISDIR(st.st_mode)) {
        mount_on(what, "tmpfs", target.get(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "nr_blocks=1,nr_inodes=1");
    } else {
        mount_on(what, fd_path(dev_null).c_str(), target.get(), nullptr, MS_BIND, nullptr);
    }
}

}  // namespace

void protect_paths(InitContext& ctx) {
    const spec::Linux& linux = *ctx.spec.linux;
    int root = ctx.root.get();
    for (const auto& path : linux.readonly_paths) make_readonly(root, path);
    if (linux.masked_paths.empty()) return;
    unique_fd dev_null = container_dev_null(root);
    std::set<std::string> done;
    for (const auto& path : linux.masked_paths) {
        if (done.insert(clean_path(path)).second) mask(root, path, dev_null.get());
    }
}

}  // namespace rt::linux
