// The order of the create/init conversation (rt/linux/sync_protocol.hpp).
#include <gtest/gtest.h>

#include <cerrno>
#include <stdexcept>

#include "rt/linux/sync_protocol.hpp"
#include "rt/util/error.hpp"

using rt::linux::Sync;
using rt::linux::SyncOrder;

TEST(SyncOrder, TheDocumentedOrderIsAccepted) {
    SyncOrder order;
    for (Sync s : {Sync::proceed, Sync::cgroups_made, Sync::run_hooks, Sync::hooks_done, Sync::ready}) {
        EXPECT_NO_THROW(order.advance(s)) << rt::linux::to_string(s);
    }
    EXPECT_TRUE(order.finished());
}

TEST(SyncOrder, AnythingOutOfOrderIsRefused) {
    {
        SyncOrder order;
        EXPECT_THROW(order.advance(Sync::ready), rt::Error);
    }
    {
        SyncOrder order;
        order.advance(Sync::proceed);
        EXPECT_THROW(order.advance(Sync::hooks_done), rt::Error);
    }
    {
        // The init makes no mount, no device and runs no hook before its
        // cgroups are made.
        SyncOrder order;
        order.advance(Sync::proceed);
        EXPECT_THROW(order.advance(Sync::run_hooks), rt::Error);
        order.advance(Sync::cgroups_made);
        EXPECT_THROW(order.advance(Sync::cgroups_made), rt::Error);
    }
    {
        SyncOrder order;
        order.advance(Sync::proceed);
        order.advance(Sync::cgroups_made);
        order.advance(Sync::run_hooks);
        order.advance(Sync::hooks_done);
        order.advance(Sync::ready);
        EXPECT_THROW(order.advance(Sync::proceed), rt::Error);
    }
}

TEST(SyncOrder, ErrorIsAllowedAnywhere) {
    SyncOrder order;
    EXPECT_NO_THROW(order.advance(Sync::error));
    order.advance(Sync::proceed);
    EXPECT_NO_THROW(order.advance(Sync::error));
}

TEST(SyncChannel, ExpectTurnsTheChildsErrorIntoATypedException) {
    auto [parent, child] = rt::Channel::make_pair();
    SyncOrder child_order, parent_order;
    rt::linux::send(parent, parent_order, Sync::proceed);
    EXPECT_EQ(rt::linux::expect(child, child_order, Sync::proceed).type,
              static_cast<uint32_t>(Sync::proceed));
    rt::linux::send_error(child, "mounts", rt::Error("mount /proc: Operation not permitted", EPERM));
    try {
        rt::linux::expect(parent, parent_order, Sync::run_hooks);
        FAIL() << "no exception";
    } catch (const rt::linux::ChildError& e) {
        EXPECT_STREQ(e.what(), "mount /proc: Operation not permitted");
        EXPECT_EQ(e.err(), EPERM);
        EXPECT_EQ(e.step(), "mounts");
    }
    // Any exception: errno 0, its message.
    rt::linux::send_error(child, "hooks", std::runtime_error("a hook failed"));
    try {
        rt::linux::receive(parent, parent_order);
        FAIL() << "no exception";
    } catch (const rt::linux::ChildError& e) {
        EXPECT_STREQ(e.what(), "a hook failed");
        EXPECT_EQ(e.err(), 0);
        EXPECT_EQ(e.step(), "hooks");
    }
}

TEST(ChildFailure, RoundTrips) {
    rt::linux::ChildFailure failure{ENOENT, "pivot_root", "pivot_root /x: No such file or directory"};
    auto decoded = rt::linux::decode_failure(rt::linux::encode_failure(failure));
    EXPECT_EQ(decoded.err, ENOENT);
    EXPECT_EQ(decoded.step, "pivot_root");
    EXPECT_EQ(decoded.message, failure.message);
    // An errno no system call gives is sent as none, so that the message
    // still decodes.
    EXPECT_EQ(rt::linux::decode_failure(rt::linux::encode_failure({-5, "x", "m"})).err, 0);
    EXPECT_EQ(rt::linux::decode_failure(rt::linux::encode_failure({100000, "x", "m"})).message, "m");
    // The encoder bounds what it sends.
    failure.step = std::string(200, 's');
    failure.message = std::string(100000, 'm');
    decoded = rt::linux::decode_failure(rt::linux::encode_failure(failure));
    EXPECT_EQ(decoded.step.size(), rt::linux::kMaxFailureStep);
    EXPECT_EQ(decoded.message.size(), rt::linux::kMaxFailureMessage);
}

// The payload comes from a process in the container's namespaces: anything
// malformed is an error of its own, never read past its end.
TEST(ChildFailure, MalformedPayloadsAreRefused) {
    using rt::linux::decode_failure;
    EXPECT_THROW(decode_failure(""), rt::Error);
    EXPECT_THROW(decode_failure(std::string("\0\0\0", 3)), rt::Error);  // shorter than its header
    // A step longer than the payload.
    EXPECT_THROW(decode_failure(std::string("\x02\0\0\0\x10\0abc", 9)), rt::Error);
    // A step longer than allowed.
    std::string long_step = std::string("\0\0\0\0", 4) + std::string("\xff\0", 2) + std::string(255, 's');
    EXPECT_THROW(decode_failure(long_step), rt::Error);
    // An errno no system call returns.
    EXPECT_THROW(decode_failure(std::string("\xff\xff\xff\x7f\0\0msg", 9)), rt::Error);
    // A message too long.
    EXPECT_THROW(decode_failure(std::string(6, '\0') + std::string(rt::linux::kMaxFailureMessage + 1, 'm')),
                 rt::Error);
    // Plain text, as a child of an older protocol would send it.
    EXPECT_THROW(decode_failure("mount /proc: Operation not permitted"), rt::Error);
    // An empty message still says something.
    auto failure = decode_failure(std::string("\x05\0\0\0\x04\0user", 10));
    EXPECT_EQ(failure.err, 5);
    EXPECT_EQ(failure.message, "the child failed at step user without a message");
}

TEST(SyncChannel, UnexpectedTypeAndEofAreErrors) {
    auto [parent, child] = rt::Channel::make_pair();
    SyncOrder order;
    child.send(static_cast<uint32_t>(Sync::ready));
    EXPECT_THROW(rt::linux::expect(parent, order, Sync::run_hooks), rt::Error);
    child.close();
    try {
        rt::linux::expect(parent, order, Sync::run_hooks);
        FAIL() << "no exception";
    } catch (const rt::linux::ChildVanished& e) {
        EXPECT_STREQ(e.what(), "container init exited before sending run_hooks");
    }
}

TEST(SyncOrder, ATerminalsConsoleComesBetweenHooksDoneAndReady) {
    SyncOrder order;
    for (Sync s : {Sync::proceed, Sync::cgroups_made, Sync::run_hooks, Sync::hooks_done, Sync::console, Sync::ready}) {
        EXPECT_NO_THROW(order.advance(s)) << rt::linux::to_string(s);
    }
    EXPECT_TRUE(order.finished());

    SyncOrder early;
    early.advance(Sync::proceed);
    EXPECT_THROW(early.advance(Sync::console), rt::Error);

    SyncOrder twice;
    for (Sync s : {Sync::proceed, Sync::cgroups_made, Sync::run_hooks, Sync::hooks_done, Sync::console}) {
        twice.advance(s);
    }
    EXPECT_THROW(twice.advance(Sync::console), rt::Error);
}

TEST(SyncOrder, ExecFlowIsProceedThenAnOptionalConsole) {
    using rt::linux::Flow;
    SyncOrder order(Flow::exec);
    EXPECT_FALSE(order.finished());
    EXPECT_THROW(SyncOrder(Flow::exec).advance(Sync::console), rt::Error);
    order.advance(Sync::proceed);
    EXPECT_TRUE(order.finished());  // EOF now means the process was exec'd
    order.advance(Sync::console);
    EXPECT_TRUE(order.finished());
    for (Sync s : {Sync::console, Sync::run_hooks, Sync::ready, Sync::proceed}) {
        SyncOrder copy = order;
        EXPECT_THROW(copy.advance(s), rt::Error) << rt::linux::to_string(s);
    }
}

TEST(SyncChannel, ReceiveTellsExecdFromDiedEarly) {
    using rt::linux::Flow;
    {
        // EOF after proceed: the child's execve closed the channel.
        auto [parent, child] = rt::Channel::make_pair();
        SyncOrder parent_order(Flow::exec);
        rt::linux::send(parent, parent_order, Sync::proceed);
        SyncOrder child_order(Flow::exec);
        rt::linux::expect(child, child_order, Sync::proceed);
        child.close();
        EXPECT_FALSE(rt::linux::receive(parent, parent_order).has_value());
    }
    {
        // EOF before the conversation finished: an error.
        auto [parent, child] = rt::Channel::make_pair();
        SyncOrder order;
        order.advance(Sync::proceed);
        child.close();
        EXPECT_THROW(rt::linux::receive(parent, order), rt::linux::ChildVanished);
    }
    {
        // A console message must carry its fd.
        auto [parent, child] = rt::Channel::make_pair();
        SyncOrder order(Flow::exec);
        order.advance(Sync::proceed);
        child.send(static_cast<uint32_t>(Sync::console));
        EXPECT_THROW(rt::linux::receive(parent, order), rt::Error);
        child.send(static_cast<uint32_t>(Sync::console), "", 0);
        auto message = rt::linux::receive(parent, order);
        ASSERT_TRUE(message.has_value());
        EXPECT_EQ(message->fds.size(), 1u);
    }
}

TEST(SyncChannel, AChildThatFailedWhileTheParentWorkedIsHeard) {
    auto [parent, child] = rt::Channel::make_pair();
    SyncOrder parent_order, child_order;
    rt::linux::send(parent, parent_order, Sync::proceed);
    rt::linux::expect(child, child_order, Sync::proceed);
    // The child fails and exits while the parent makes the cgroups.
    rt::linux::send_error(child, "namespaces", rt::Error("unshare namespaces: Operation not permitted", EPERM));
    child.close();
    try {
        rt::linux::send(parent, parent_order, Sync::cgroups_made, "", std::vector<int>{});
        FAIL() << "no exception";
    } catch (const rt::linux::ChildError& e) {
        EXPECT_STREQ(e.what(), "unshare namespaces: Operation not permitted");
        EXPECT_EQ(e.step(), "namespaces");
    }
}
