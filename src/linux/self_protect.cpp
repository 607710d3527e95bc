// rt's own binary, out of the container's reach (CVE-2019-5736).
//
// The process that enters a container is rt until it execs the container's
// program: in that window /proc/PID/exe of it (the created container's
// init, an exec'd process before its execve) is rt's binary, and an image's
// `#!/proc/self/exe` script makes the kernel run that same file inside the
// container. Through either, a process of the container could open the host
// file of rt and, once rt has exited, overwrite it: the next `rt` anyone runs
// as root on the host would be the attacker's.
//
// So create, run and exec re-execute rt, before anything else, from a
// read-only overlay (as runc >= 1.2 does): an overlayfs whose lower layers
// are rt's directory and an empty detached tmpfs, with no upper layer, made
// as a detached mount (never attached anywhere, gone when the last process
// holding it exits). An overlay without an upper layer is read-only for good:
// no remount makes it writable, and /proc/PID/exe of rt then names a file of
// it. The re-executed rt sees it runs from a read-only mount and goes on.
//
// Where the overlay cannot be made (no overlayfs, or rt without the
// privilege, as rootless), a detached read-only bind mount of the binary is
// the fallback; where that fails too, rt runs as it is only when the binary
// is one the caller cannot write anyway (a rootless user running root's rt).
#include "rt/linux/self_protect.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

extern char** environ;

namespace rt::linux {
namespace {

bool configured(int fs, unsigned int command, const char* key, const void* value, int aux) {
    return ::fsconfig(fs, command, key, value, aux) == 0;
}

// A mounted, detached filesystem of `type`, its root's fd; `configure`
// sets its parameters. Empty on failure (errno set).
template <typename Configure>
unique_fd detached_mount(const char* type, unsigned int attributes, Configure configure) {
    unique_fd fs(::fsopen(type, FSOPEN_CLOEXEC));
    if (!fs || !configure(fs.get()) || !configured(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0)) {
        return unique_fd();
    }
    return unique_fd(::fsmount(fs.get(), FSMOUNT_CLOEXEC, attributes));
}

// rt's binary in a read-only overlay: the fd of the file, or empty.
unique_fd overlay_copy(const std::string& directory, const std::string& name) {
    unique_fd empty = detached_mount("tmpfs", MOUNT_ATTR_RDONLY, [](int fs) {
        return configured(fs, FSCONFIG_SET_STRING, "mode", "0500", 0) &&
               configured(fs, FSCONFIG_SET_STRING, "size", "4k", 0);
    });
    if (!empty) return unique_fd();
    unique_fd overlay = detached_mount("overlay", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID,
                                       [&](int fs) {
                                           return configured(fs, FSCONFIG_SET_STRING, "lowerdir+", directory.c_str(), 0) &&
                                                  configured(fs, FSCONFIG_SET_FD, "lowerdir+", nullptr, empty.get());
                                       });
    if (!overlay) return unique_fd();
    return unique_fd(::openat(overlay.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
}

// rt's binary alone, in a detached read-only bind mount: the fd, or empty.
unique_fd bind_copy(int exe) {
    unique_fd tree(static_cast<int>(
        ::syscall(SYS_open_tree, exe, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)));
    if (!tree) return tree;
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID;
    if (::syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) return unique_fd();
    return tree;
}

bool on_read_only_mount(int fd) {
    struct statfs fs {};
    return ::fstatfs(fd, &fs) == 0 && (fs.f_flags & ST_RDONLY) != 0;
}

}  // namespace

bool runs_from_read_only_mount() {
    unique_fd exe(::open("/proc/self/exe", O_PATH | O_CLOEXEC));
    return exe && on_read_only_mount(exe.get());
}

void reexec_from_protected_copy(char** argv) {
    unique_fd exe(::open("/proc/self/exe", O_PATH | O_CLOEXEC));
    if (!exe) throw_errno("open /proc/self/exe");
    if (on_read_only_mount(exe.get())) return;  // protected already (or installed read-only)

    char path[4096];
    ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) throw_errno("readlink /proc/self/exe");
    std::string binary(path, static_cast<size_t>(n));
    auto slash = binary.find_last_of('/');
    if (binary[0] != '/' || slash == std::string::npos) throw Error("rt's binary has no path: " + binary);

    unique_fd copy = overlay_copy(slash == 0 ? "/" : binary.substr(0, slash), binary.substr(slash + 1));
    if (!copy) copy = bind_copy(exe.get());
    if (!copy) {
        // No mount can be made here (rootless): safe only when the caller
        // could not write the binary anyway.
        if (::faccessat(AT_FDCWD, binary.c_str(), W_OK, AT_EACCESS) != 0) return;
        throw Error("cannot protect rt's binary " + binary +
                    " from the container (no read-only overlay or bind mount can be made here), and the caller "
                    "can write it: install rt where the caller cannot write");
    }
    ::syscall(SYS_execveat, copy.get(), "", argv, environ, AT_EMPTY_PATH);
    throw_errno("re-execute rt from its read-only copy");
}

}  // namespace rt::linux
