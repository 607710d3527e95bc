// rt's own binary, out of the container's reach (CVE-2019-5736).
//
// The process that enters a container is rt until it execs the container's
// program: in that window /proc/PID/exe of it (the created container's
// init, an exec'd process before its execve) is rt's binary, and an image's
// `#!/proc/self/exe` script makes the kernel run that same file inside the
// container. Through either, a process of the container could open the host
// file of rt and, once rt had exited, overwrite it: the next `rt` anyone ran
// as root on the host would be the attacker's.
//
// So the processes that enter a container run from a read-only copy: a
// detached bind mount of the binary alone (open_tree), read-only, nosuid and
// nodev, whose fd is closed before anything else happens. Closing it
// dissolves the mount: it stays alive only as long as a process maps it, is
// in no mount namespace, and so can never be remounted writable (mount(2)
// and mount_setattr both refuse a mount that is not mounted anywhere). Every
// open of the file through /proc/PID/exe, /proc/PID/map_files or a shebang
// then goes through that mount and fails with EROFS for writing.
//
// Which processes: `exec` switches as it starts, before anything else (its
// child, which joins the container, is a fork of it). `create` and `run`
// leave their own process as it is: it never enters the container's pid
// namespace, and where it shares one with a container (no pid namespace, the
// host's), /proc/PID/exe of a root process holding every capability opens
// only for a caller with CAP_SYS_PTRACE or all of those capabilities
// (ptrace_may_access), which could as well ptrace it. Their init is what the
// container reaches: it switches first thing after the clone, alone in its
// new pid namespace, while the parent makes its cgroups, so that the switch
// overlaps the parent's work.
//
// A switch is in place (exe_swap.cpp: every mapping of the binary made again
// from the copy, then PR_SET_MM_MAP), about 0.5 ms on a small VM; only where
// the kernel cannot do that does rt re-execute itself from the copy as it
// starts (a whole execve, about 1.5 ms), create and run included. Where no
// mount can be made at all (rootless), rt runs as it is only when the binary
// is one the caller cannot write anyway (a user running root's rt).
#include "rt/linux/self_protect.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
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
#include "exe_swap.hpp"

extern char** environ;

namespace rt::linux {
namespace {

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

namespace {

// The read-only copy: its detached tree and an fd of it open for reading
// (which keeps the copy alive once the tree's fd is closed). Both empty when
// no copy is needed. Throws when rt cannot be protected.
struct Copy {
    unique_fd tree;
    unique_fd readable;
};

Copy make_copy() {
    unique_fd exe(::open("/proc/self/exe", O_PATH | O_CLOEXEC));
    if (!exe) throw_errno("open /proc/self/exe");
    if (on_read_only_mount(exe.get())) return {};  // protected already (or installed read-only)

    Copy copy;
    copy.tree = bind_copy(exe.get());
    if (!copy.tree) {
        // No mount can be made here (rootless): safe only when the caller
        // could not write the binary anyway.
        char path[4096];
        ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
        if (n <= 0) throw_errno("readlink /proc/self/exe");
        std::string binary(path, static_cast<size_t>(n));
        if (::faccessat(AT_FDCWD, binary.c_str(), W_OK, AT_EACCESS) != 0) return {};
        throw Error("cannot protect rt's binary " + binary +
                    " from the container (no read-only bind mount of it can be made here), and the caller "
                    "can write it: install rt where the caller cannot write");
    }
    // open_tree's fd is O_PATH; the kernel takes an executable only from a
    // file open for reading.
    copy.readable.reset(::open(("/proc/self/fd/" + std::to_string(copy.tree.get())).c_str(), O_RDONLY | O_CLOEXEC));
    return copy;
}

}  // namespace

void run_from_protected_copy(char** argv) {
    Copy copy = make_copy();
    if (!copy.tree) return;
    if (copy.readable && take_exe_from(copy.readable.get())) return;
    ::syscall(SYS_execveat, copy.tree.get(), "", argv, environ, AT_EMPTY_PATH);
    throw_errno("re-execute rt from its read-only copy");
}

unique_fd protected_copy_for_init() {
    Copy copy = make_copy();
    if (copy.tree && !copy.readable) throw_errno("open the read-only copy of rt's binary");
    return std::move(copy.readable);
}

void switch_to_protected_copy(int copy) {
    if (!take_exe_from(copy, false)) {
        throw Error("cannot make the read-only copy of rt's binary the container init's executable");
    }
}

bool in_place_switch_available() {
    unsigned int size = 0;
    return ::prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, &size, 0, 0) == 0;
}

}  // namespace rt::linux
