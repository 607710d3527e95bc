// rt/util/fd_passing.hpp: an fd travels with its bytes, arrives
// close-on-exec, and nothing but one fd of SCM_RIGHTS is taken.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "rt/util/fd_passing.hpp"

namespace {

struct SocketPair {
    rt::unique_fd a, b;
    SocketPair() {
        int fds[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        a.reset(fds[0]);
        b.reset(fds[1]);
    }
};

TEST(FdPassing, AnFdArrivesWithItsBytesCloseOnExec) {
    SocketPair sockets;
    int pipe_fds[2];
    ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
    rt::unique_fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    ASSERT_EQ(rt::send_with_fd(sockets.a.get(), "x", 1, write_end.get()), 1);
    char byte = 0;
    rt::unique_fd received;
    ASSERT_EQ(rt::receive_with_fd(sockets.b.get(), &byte, 1, received), 1);
    EXPECT_EQ(byte, 'x');
    ASSERT_TRUE(received);
    EXPECT_NE(fcntl(received.get(), F_GETFD) & FD_CLOEXEC, 0);
    ASSERT_EQ(write(received.get(), "y", 1), 1);
    ASSERT_EQ(read(read_end.get(), &byte, 1), 1);
    EXPECT_EQ(byte, 'y');
}

TEST(FdPassing, BytesAloneBringNoFdAndEofIsZero) {
    SocketPair sockets;
    ASSERT_EQ(rt::send_with_fd(sockets.a.get(), "ab", 2, -1), 2);
    char text[4] = {};
    rt::unique_fd received;
    EXPECT_EQ(rt::receive_with_fd(sockets.b.get(), text, sizeof text, received), 2);
    EXPECT_FALSE(received);
    sockets.a.reset();
    EXPECT_EQ(rt::receive_with_fd(sockets.b.get(), text, sizeof text, received), 0);
}

// A peer that sends two fds at once gets neither taken: both are closed.
TEST(FdPassing, MoreThanOneFdIsRefused) {
    SocketPair sockets;
    int fds[2] = {dup(0), dup(1)};
    char byte = 'z';
    iovec iov{&byte, 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
    ASSERT_EQ(sendmsg(sockets.a.get(), &msg, 0), 1);
    close(fds[0]);
    close(fds[1]);
    rt::unique_fd received;
    EXPECT_EQ(rt::receive_with_fd(sockets.b.get(), &byte, 1, received), 1);
    EXPECT_FALSE(received);
}

}  // namespace
