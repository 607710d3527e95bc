#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include "rt/util/channel.hpp"
#include "rt/util/error.hpp"

TEST(Channel, MessagesOfAnyLengthKeepTheirBoundaries) {
    auto [a, b] = rt::Channel::make_pair();
    std::string big(1 << 20, 'x');  // far more than a socket buffer: needs a reader
    a.send(1, "short");
    pid_t pid = fork();
    if (pid == 0) {
        a.send(2, big);
        a.send(3, "");
        _exit(0);
    }
    auto first = b.receive();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->type, 1u);
    EXPECT_EQ(first->payload, "short");
    auto second = b.receive();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->type, 2u);
    EXPECT_EQ(second->payload.size(), big.size());
    auto third = b.receive();
    ASSERT_TRUE(third);
    EXPECT_EQ(third->type, 3u);
    EXPECT_EQ(third->payload, "");
    int status;
    waitpid(pid, &status, 0);
}

TEST(Channel, CarriesAnFd) {
    auto [a, b] = rt::Channel::make_pair();
    int pipefd[2];
    ASSERT_EQ(pipe2(pipefd, O_CLOEXEC), 0);
    a.send(7, "with fd", pipefd[1]);
    close(pipefd[1]);
    auto m = b.receive();
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->fd);
    EXPECT_EQ(fcntl(m->fd.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    ASSERT_EQ(write(m->fd.get(), "!", 1), 1);
    char c = 0;
    ASSERT_EQ(read(pipefd[0], &c, 1), 1);
    EXPECT_EQ(c, '!');
    close(pipefd[0]);
}

TEST(Channel, EofBetweenMessagesIsNullopt) {
    auto [a, b] = rt::Channel::make_pair();
    a.close();
    EXPECT_FALSE(b.receive());
}
