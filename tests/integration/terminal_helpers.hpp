// Terminal helpers the integration tests share: the caller's side of
// --console-socket, and reading a pty master until some text came.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>

#include "fixture.hpp"

namespace rt_test {

// The caller's side of --console-socket, as containerd's shim and conmon
// hold it: a listening unix socket.
class ConsoleListener {
public:
    explicit ConsoleListener(const std::string& path) : path_(path) {
        fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd_, 4) < 0) {
            ADD_FAILURE() << "listen on " << path << ": " << strerror(errno);
        }
    }
    ~ConsoleListener() {
        close(fd_);
        unlink(path_.c_str());
    }
    const std::string& path() const { return path_; }

    struct Received {
        int fds = 0;          // how many fds came
        int master = -1;      // the first of them
        std::string bytes;
        bool then_eof = false;  // nothing more came, and rt closed its end
    };

    // Accepts one connection and reads what it carries.
    Received receive() {
        Received got;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 10000) != 1) return got;
        int conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (conn < 0) return got;
        char buf[4096];
        iovec iov{buf, sizeof buf};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n > 0) got.bytes.assign(buf, static_cast<size_t>(n));
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                if (got.fds++ == 0) {
                    got.master = fd;
                } else {
                    close(fd);
                }
            }
        }
        got.then_eof = recv(conn, buf, sizeof buf, 0) == 0;
        close(conn);
        return got;
    }

private:
    std::string path_;
    int fd_ = -1;
};

// Reads `fd` until `text` appeared (true) or the timeout / EOF / EIO.
inline bool read_until(int fd, std::string& into, const std::string& text, int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (into.find(text) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) return into.find(text) != std::string::npos;
        into.append(buf, static_cast<size_t>(n));
    }
    return true;
}

inline void write_text(int fd, const std::string& text) {
    ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

}  // namespace rt_test
