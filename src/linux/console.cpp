// The container's terminal, from the inside. The pty comes from the devpts
// instance mounted in the container (/dev/pts/ptmx), never from the host's:
// its slave then has a name (/dev/pts/N) that means something in there.
#include "console.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

constexpr unsigned ptmx_major = 5;
constexpr unsigned ptmx_minor = 2;

void check_is_ptmx(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) < 0) throw_errno("terminal: stat /dev/pts/ptmx");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != ptmx_major || minor(st.st_rdev) != ptmx_minor) {
        throw Error("terminal: /dev/pts/ptmx in the container is not a pty multiplexer");
    }
}

}  // namespace

Pty open_container_pty(int root_fd, const std::optional<spec::ConsoleSize>& size) {
    Pty pty;
    try {
        pty.master = open_in_root(root_fd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY);
    } catch (const Error& e) {
        throw e.with_context("terminal (is devpts mounted on /dev/pts?)");
    }
    check_is_ptmx(pty.master.get());
    int unlock = 0;
    if (::ioctl(pty.master.get(), TIOCSPTLCK, &unlock) < 0) throw_errno("terminal: unlock pty");
    // The peer straight from the master: no path to look up (or swap).
    pty.slave.reset(::ioctl(pty.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!pty.slave) throw_errno("terminal: open pty slave");
    if (size) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(size->height);
        ws.ws_col = static_cast<unsigned short>(size->width);
        if (::ioctl(pty.slave.get(), TIOCSWINSZ, &ws) < 0) throw_errno("terminal: set console size");
    }
    return pty;
}

void new_session() {
    if (::setsid() < 0) throw_errno("setsid");
}

void make_controlling_terminal(Pty& pty) {
    new_session();
    if (::ioctl(pty.slave.get(), TIOCSCTTY, 0) < 0) throw_errno("terminal: make it the controlling terminal");
    for (int fd = 0; fd <= 2; ++fd) {
        if (::dup2(pty.slave.get(), fd) < 0) throw_errno("terminal: dup2 onto fd " + std::to_string(fd));
    }
    pty.slave.reset();
}

// /dev/console is an ordinary file (rt makes it when it is missing), never a
// symbolic link of the image: one to a procfs file (such as
// /proc/sys/kernel/core_pattern) would put the pty over it and let the
// container write there (CVE-2025-52565).
void create_console_mountpoint(int root_fd) {
    unique_fd existing = open_in_root_no_symlinks(root_fd, "/dev/console", O_PATH);
    if (!existing && errno == ELOOP) throw Error("terminal: /dev/console is a symbolic link: refused", ELOOP);
    if (!existing && errno != ENOENT) throw_errno("terminal: open /dev/console");
    unique_fd made = existing ? std::move(existing) : touch_in_root(root_fd, "/dev/console");
    struct stat st {};
    if (::fstat(made.get(), &st) < 0) throw_errno("terminal: stat /dev/console");
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
        throw Error("terminal: /dev/console is neither a file nor a device: refused");
    }
}

void mount_console(int root_fd, int slave) {
    unique_fd target = open_in_root(root_fd, "/dev/console", O_PATH);
    // A bind mount of the open slave itself (open_tree on the fd), moved
    // onto the fd of /dev/console: neither end goes through a path.
    unique_fd tree(static_cast<int>(
        ::syscall(SYS_open_tree, slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)));
    if (!tree) throw_errno("terminal: bind the pty slave");
    if (::syscall(SYS_move_mount, tree.get(), "", target.get(), "",
                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
        throw_errno("terminal: mount the pty slave on /dev/console");
    }
}

}  // namespace rt::linux
