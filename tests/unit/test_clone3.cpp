// clone3_into_cgroup: the child is born in the cgroup v2 directory the
// kernel takes, and cloned all the same, outside it, when the kernel refuses.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "../../src/linux/clone3.hpp"
#include "rt/util/fd.hpp"

namespace {

using rt::linux::clone3_into_cgroup;
using rt::linux::CloneArgs;

// The cgroup2 line ("0::/path") of /proc/PID/cgroup.
std::string cgroup2_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("0::", 0) == 0) return line;
    }
    return "";
}

// Where cgroup2 is mounted, "" when it is not.
std::string cgroup2_mount() {
    std::ifstream in("/proc/self/mounts");
    std::string device, mount, type, rest;
    while (in >> device >> mount >> type && std::getline(in, rest)) {
        if (type == "cgroup2") return mount;
    }
    return "";
}

// A child that waits to be killed; its pid, `born` as clone3_into_cgroup says.
pid_t clone_waiting_child(int dir, bool& born) {
    CloneArgs args{};
    args.exit_signal = SIGCHLD;
    pid_t pid = clone3_into_cgroup(args, dir, born);
    if (pid == 0) {
        ::pause();
        ::_exit(0);
    }
    return pid;
}

void end(pid_t pid) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

TEST(Clone3IntoCgroup, WhatIsNoCgroupGetsAPlainClone) {
    rt::unique_fd not_a_cgroup(::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(not_a_cgroup);
    bool born = true;
    pid_t pid = clone_waiting_child(not_a_cgroup.get(), born);
    ASSERT_GT(pid, 0);
    EXPECT_FALSE(born);
    EXPECT_EQ(cgroup2_of(pid), cgroup2_of(::getpid()));
    end(pid);
}

TEST(Clone3IntoCgroup, NoDirectoryIsAPlainClone) {
    bool born = true;
    pid_t pid = clone_waiting_child(-1, born);
    ASSERT_GT(pid, 0);
    EXPECT_FALSE(born);
    end(pid);
}

// Into the caller's own cgroup, which root may always write.
TEST(Clone3IntoCgroup, ACgroupTheKernelTakesIsWhereTheChildIsBorn) {
    if (::geteuid() != 0) GTEST_SKIP() << "writing a cgroup's cgroup.procs needs root";
    std::string mount = cgroup2_mount();
    std::string own = cgroup2_of(::getpid());
    if (mount.empty() || own.empty()) GTEST_SKIP() << "no cgroup2 hierarchy here";
    rt::unique_fd dir(::open((mount + own.substr(3)).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dir) << mount + own.substr(3);
    bool born = false;
    pid_t pid = clone_waiting_child(dir.get(), born);
    ASSERT_GT(pid, 0);
    EXPECT_TRUE(born);
    EXPECT_EQ(cgroup2_of(pid), own);
    end(pid);
}

}  // namespace
