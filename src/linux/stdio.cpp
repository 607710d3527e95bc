// The process's stdio belongs to its user, as runc makes it: a pty slave or
// a pipe made by rt's caller is owned by root, and a process that runs as
// another user could not reopen /dev/stdout (or its terminal) otherwise.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {

void give_stdio_to(uid_t uid) {
    for (int fd = 0; fd <= 2; ++fd) {
        struct stat st {};
        if (::fstat(fd, &st) < 0) {
            if (errno == EBADF) continue;
            throw_errno("stat fd " + std::to_string(fd));
        }
        bool dev_null = S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
        if (st.st_uid == uid || dev_null) continue;
        // Only the owner: the gid may be the one devpts wants (tty).
        if (::fchown(fd, uid, st.st_gid) < 0) {
            // An owner or group not mapped in the container's user namespace
            // (EINVAL, EPERM) or a read-only file system: leave it, as runc.
            if (errno == EINVAL || errno == EPERM || errno == EROFS) continue;
            throw_errno("chown fd " + std::to_string(fd));
        }
    }
}

}  // namespace rt::linux
