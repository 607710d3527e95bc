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
    ASSERT_EQ(m->fds.size(), 1u);
    rt::unique_fd fd = m->take_fd();
    EXPECT_EQ(fcntl(fd.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    ASSERT_EQ(write(fd.get(), "!", 1), 1);
    char c = 0;
    ASSERT_EQ(read(pipefd[0], &c, 1), 1);
    EXPECT_EQ(c, '!');
    close(pipefd[0]);
}

TEST(Channel, CarriesSeveralFdsInTheirOrder) {
    auto [a, b] = rt::Channel::make_pair();
    int pipes[3][2];
    std::vector<int> write_ends;
    for (auto& p : pipes) {
        ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
        write_ends.push_back(p[1]);
    }
    a.send(7, "three", write_ends);
    for (int fd : write_ends) close(fd);
    auto m = b.receive();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->payload, "three");
    ASSERT_EQ(m->fds.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(fcntl(m->fds[i].get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
        char digit = static_cast<char>('0' + i);
        ASSERT_EQ(write(m->fds[i].get(), &digit, 1), 1);
        char c = 0;
        ASSERT_EQ(read(pipes[i][0], &c, 1), 1);
        EXPECT_EQ(c, digit) << "fd " << i << " is the sender's fd " << i;
        close(pipes[i][0]);
    }
}

TEST(Channel, RefusesMoreFdsThanItCarries) {
    auto [a, b] = rt::Channel::make_pair();
    std::vector<int> too_many(rt::Channel::kMaxFds + 1, STDERR_FILENO);
    EXPECT_THROW(a.send(7, "", too_many), rt::Error);
}

TEST(Channel, EofBetweenMessagesIsNullopt) {
    auto [a, b] = rt::Channel::make_pair();
    a.close();
    EXPECT_FALSE(b.receive());
}
