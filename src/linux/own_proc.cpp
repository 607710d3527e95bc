#include "rt/linux/own_proc.hpp"

#include <fcntl.h>
#include <sys/prctl.h>

#include <cerrno>

namespace rt::linux {

unique_fd open_own_proc_file(int proc_fd, const std::string& path, int flags) {
    unique_fd fd(::openat(proc_fd, path.c_str(), flags | O_CLOEXEC));
    if (fd || errno != EACCES || ::prctl(PR_GET_DUMPABLE) != 0) return fd;
    // For the length of this one open, a process of the container with the
    // same uid could reach the child's fds through /proc/PID/fd (the init
    // of a new user and pid namespace has no such neighbour yet; an exec'd
    // process has). runc's init opens the same kind of window to write its
    // id maps.
    if (::prctl(PR_SET_DUMPABLE, 1) < 0) return unique_fd();
    fd.reset(::openat(proc_fd, path.c_str(), flags | O_CLOEXEC));
    int saved = errno;
    ::prctl(PR_SET_DUMPABLE, 0);
    errno = saved;
    return fd;
}

}  // namespace rt::linux
