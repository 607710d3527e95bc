// The init's side of joining its v1 cgroups (rt/linux/cgroup_join.hpp): the
// tasks files come with cgroups_made, each is written "0" and closed. Pipes
// stand in for the tasks files.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rt/linux/cgroup_join.hpp"
#include "rt/util/error.hpp"

using rt::linux::Sync;
using rt::linux::SyncOrder;
using testing::HasSubstr;

namespace {

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) == 0) read = fds[0], write = fds[1];
        fcntl(read, F_SETFL, O_NONBLOCK);
    }
    ~Pipe() {
        if (read >= 0) close(read);
        if (write >= 0) close(write);
    }
    std::string drained() {
        char buffer[16];
        ssize_t n = ::read(read, buffer, sizeof buffer);
        return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
    }
    // No data and no writer left anywhere.
    bool at_eof() {
        char c;
        return ::read(read, &c, 1) == 0;
    }
};

// The child's end after proceed, and the parent's order there.
struct Conversation {
    rt::Channel parent, child;
    SyncOrder parent_order, child_order;
    Conversation() {
        auto pair = rt::Channel::make_pair();
        parent = std::move(pair.first);
        child = std::move(pair.second);
        rt::linux::send(parent, parent_order, Sync::proceed);
        rt::linux::expect(child, child_order, Sync::proceed);
    }
};

// What join_cgroups_sent throws on the child's side, or "" if nothing.
std::string join_error(Conversation& c) {
    try {
        rt::linux::join_cgroups_sent(c.child, c.child_order);
    } catch (const rt::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(JoinCgroupsSent, WritesZeroToEachTasksFileAndKeepsNone) {
    Conversation c;
    Pipe cpu, memory, freezer;
    rt::linux::send(c.parent, c.parent_order, Sync::cgroups_made, "/cg/cpu/tasks\n/cg/memory/tasks\n/cg/freezer/tasks\n",
                    std::vector<int>{cpu.write, memory.write, freezer.write});
    close(cpu.write), close(memory.write), close(freezer.write);
    cpu.write = memory.write = freezer.write = -1;

    rt::linux::join_cgroups_sent(c.child, c.child_order);

    EXPECT_EQ(cpu.drained(), "0");
    EXPECT_EQ(memory.drained(), "0");
    EXPECT_EQ(freezer.drained(), "0");
    // Every copy of the write ends is closed: the init holds no host file.
    EXPECT_TRUE(cpu.at_eof()) << "a write end is still open";
    EXPECT_TRUE(memory.at_eof());
    EXPECT_TRUE(freezer.at_eof());
    // And the conversation goes on.
    rt::linux::send(c.child, c.child_order, Sync::run_hooks);
}

TEST(JoinCgroupsSent, NoTasksFileWhenTheParentMovedTheInit) {
    Conversation c;
    rt::linux::send(c.parent, c.parent_order, Sync::cgroups_made);
    EXPECT_NO_THROW(rt::linux::join_cgroups_sent(c.child, c.child_order));
}

TEST(JoinCgroupsSent, AFailedWriteNamesTheFile) {
    Conversation c;
    Pipe closed;
    close(closed.read);  // writing to it now fails: EPIPE
    closed.read = -1;
    ::signal(SIGPIPE, SIG_IGN);
    rt::linux::send(c.parent, c.parent_order, Sync::cgroups_made, "/cg/pids/tasks\n", closed.write);
    EXPECT_THAT(join_error(c), HasSubstr("write /cg/pids/tasks \"0\""));
}

TEST(JoinCgroupsSent, PathsAndFdsMustMatch) {
    Conversation c;
    Pipe one;
    rt::linux::send(c.parent, c.parent_order, Sync::cgroups_made, "/cg/a/tasks\n/cg/b/tasks\n", one.write);
    EXPECT_THAT(join_error(c), HasSubstr("names 2 tasks files and carries 1"));
    EXPECT_EQ(one.drained().size(), 0u) << "nothing written when the message is wrong";
}

TEST(JoinCgroupsSent, AnythingElseFirstIsAnError) {
    Conversation c;
    c.parent.send(static_cast<uint32_t>(Sync::hooks_done));
    EXPECT_THROW(rt::linux::join_cgroups_sent(c.child, c.child_order), rt::Error);
}
