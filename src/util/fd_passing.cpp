#include "rt/util/fd_passing.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rt {

ssize_t send_with_fd(int socket, const void* data, size_t size, int fd) {
    return send_with_fds(socket, data, size, &fd, fd >= 0 ? 1 : 0);
}

ssize_t send_with_fds(int socket, const void* data, size_t size, const int* fds, size_t count) {
    iovec iov{const_cast<void*>(data), size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    std::vector<char> control;
    if (count > 0) {
        // Zeroed and sized for a cmsghdr (new[] aligns for any scalar).
        control.assign(CMSG_SPACE(count * sizeof(int)), 0);
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(count * sizeof(int));
        std::memcpy(CMSG_DATA(cmsg), fds, count * sizeof(int));
    }
    ssize_t n;
    do {
        n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
}

namespace {

// One recvmsg with room for `max_fds`; each fd received goes to `take`.
template <typename Take>
ssize_t receive_fds(int socket, void* data, size_t size, size_t max_fds, int flags, Take take) {
    iovec iov{data, size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    std::vector<char> control(CMSG_SPACE(max_fds * sizeof(int)), 0);
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    ssize_t n;
    do {
        n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC | flags);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return n;
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int received;
            std::memcpy(&received, CMSG_DATA(cmsg) + i * sizeof(int), sizeof received);
            take(unique_fd(received), count);
        }
    }
    return n;
}

}  // namespace

ssize_t receive_with_fd(int socket, void* data, size_t size, unique_fd& fd, int flags) {
    // Room for a few fds: a peer that sends more than one must not make the
    // kernel drop them silently (MSG_CTRUNC) with their fds leaked to us.
    return receive_fds(socket, data, size, 4, flags, [&](unique_fd received, size_t count) {
        if (count == 1 && !fd) fd = std::move(received);  // else: not what the protocol carries, closed
    });
}

ssize_t receive_with_fds(int socket, void* data, size_t size, std::vector<unique_fd>& fds, size_t max_fds,
                         int flags) {
    return receive_fds(socket, data, size, max_fds, flags,
                       [&](unique_fd received, size_t) { fds.push_back(std::move(received)); });
}

}  // namespace rt
