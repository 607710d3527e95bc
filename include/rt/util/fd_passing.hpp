// Passing an fd over a unix socket (SCM_RIGHTS), written once: the sync
// channel between rt and its children, --console-socket and --pidfd-socket,
// the seccomp notify listener, and the sysinfo agent all go through here.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <vector>

#include "rt/util/fd.hpp"

namespace rt {

// One sendmsg of `size` bytes (at least one: a stream socket needs a byte
// for the fd to travel with) and, when `fd` >= 0, the fd with them.
// MSG_NOSIGNAL; EINTR retried. Returns the bytes sent, or -1 with errno.
ssize_t send_with_fd(int socket, const void* data, size_t size, int fd);

// The same with `count` fds (none when 0), in one SCM_RIGHTS message.
ssize_t send_with_fds(int socket, const void* data, size_t size, const int* fds, size_t count);

// One recvmsg of up to `size` bytes (MSG_CMSG_CLOEXEC | `flags`; EINTR
// retried). An fd that came with them (one SCM_RIGHTS message of exactly
// one fd from SOL_SOCKET) goes into `fd`; anything else in the control data
// is closed and ignored. Returns the bytes received (0 at EOF), or -1 with
// errno.
ssize_t receive_with_fd(int socket, void* data, size_t size, unique_fd& fd, int flags = 0);

// The same taking up to `max_fds` fds (appended to `fds`, in the sender's
// order) from one SCM_RIGHTS message; the kernel closes what does not fit.
ssize_t receive_with_fds(int socket, void* data, size_t size, std::vector<unique_fd>& fds, size_t max_fds,
                         int flags = 0);

}  // namespace rt
