#include "rt/util/channel.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rt/util/error.hpp"

namespace rt {
namespace {

struct Header {
    uint32_t type;
    uint32_t length;
};

// Reads exactly `size` bytes; false on EOF before the first byte.
bool read_exact(int fd, char* data, size_t size) {
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::read(fd, data + done, size - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("sync channel: read");
        }
        if (n == 0) {
            if (done == 0) return false;
            throw Error("sync channel: message cut short");
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

void write_exact(int fd, const char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("sync channel: write");
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
}

}  // namespace

std::pair<Channel, Channel> Channel::make_pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) throw_errno("socketpair");
    return {Channel(unique_fd(fds[0])), Channel(unique_fd(fds[1]))};
}

void Channel::send(uint32_t type, std::string_view payload, int fd) {
    Header header{type, static_cast<uint32_t>(payload.size())};
    if (payload.size() > UINT32_MAX) throw Error("sync channel: message too long");

    iovec iov{&header, sizeof header};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (fd >= 0) {
        std::memset(control, 0, sizeof control);
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    }
    // The header goes in one sendmsg so that the fd travels with it.
    ssize_t n;
    do {
        n = ::sendmsg(socket_.get(), &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw_errno("sync channel: send");
    if (static_cast<size_t>(n) < sizeof header) {
        write_exact(socket_.get(), reinterpret_cast<const char*>(&header) + n, sizeof header - n);
    }
    write_exact(socket_.get(), payload.data(), payload.size());
}

std::optional<Message> Channel::receive() {
    Header header{};
    iovec iov{&header, sizeof header};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;

    ssize_t n;
    do {
        n = ::recvmsg(socket_.get(), &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw_errno("sync channel: receive");
    if (n == 0) return std::nullopt;

    Message message;
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
            message.fd.reset(fd);
        }
    }
    if (static_cast<size_t>(n) < sizeof header &&
        !read_exact(socket_.get(), reinterpret_cast<char*>(&header) + n, sizeof header - n)) {
        throw Error("sync channel: message cut short");
    }
    message.type = header.type;
    message.payload.resize(header.length);
    if (header.length > 0 && !read_exact(socket_.get(), message.payload.data(), header.length)) {
        throw Error("sync channel: message cut short");
    }
    return message;
}

}  // namespace rt
