#include "rt/util/channel.hpp"

#include "rt/util/fd_passing.hpp"

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
    send(type, payload, fd >= 0 ? std::vector<int>{fd} : std::vector<int>{});
}

void Channel::send(uint32_t type, std::string_view payload, const std::vector<int>& fds) {
    Header header{type, static_cast<uint32_t>(payload.size())};
    if (payload.size() > UINT32_MAX) throw Error("sync channel: message too long");
    if (fds.size() > kMaxFds) throw Error("sync channel: more than " + std::to_string(kMaxFds) + " fds");

    // The header goes in one sendmsg so that the fds travel with it.
    ssize_t n = send_with_fds(socket_.get(), &header, sizeof header, fds.data(), fds.size());
    if (n < 0) throw_errno("sync channel: send");
    if (static_cast<size_t>(n) < sizeof header) {
        write_exact(socket_.get(), reinterpret_cast<const char*>(&header) + n, sizeof header - n);
    }
    write_exact(socket_.get(), payload.data(), payload.size());
}

std::optional<Message> Channel::receive() {
    Header header{};
    Message message;
    ssize_t n = receive_with_fds(socket_.get(), &header, sizeof header, message.fds, kMaxFds);
    if (n < 0) throw_errno("sync channel: receive");
    if (n == 0) return std::nullopt;

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
