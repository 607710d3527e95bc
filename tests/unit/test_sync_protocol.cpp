// The order of the create/init conversation (rt/linux/sync_protocol.hpp).
#include <gtest/gtest.h>

#include "rt/linux/sync_protocol.hpp"
#include "rt/util/error.hpp"

using rt::linux::Sync;
using rt::linux::SyncOrder;

TEST(SyncOrder, TheDocumentedOrderIsAccepted) {
    SyncOrder order;
    for (Sync s : {Sync::proceed, Sync::run_hooks, Sync::hooks_done, Sync::ready}) {
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
        SyncOrder order;
        order.advance(Sync::proceed);
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

TEST(SyncChannel, ExpectTurnsTheChildsErrorIntoAnException) {
    auto [parent, child] = rt::Channel::make_pair();
    SyncOrder child_order, parent_order;
    rt::linux::send(parent, parent_order, Sync::proceed);
    EXPECT_EQ(rt::linux::expect(child, child_order, Sync::proceed).type,
              static_cast<uint32_t>(Sync::proceed));
    child.send(static_cast<uint32_t>(Sync::error), "mount /proc: Operation not permitted");
    try {
        rt::linux::expect(parent, parent_order, Sync::run_hooks);
        FAIL() << "no exception";
    } catch (const rt::Error& e) {
        EXPECT_STREQ(e.what(), "mount /proc: Operation not permitted");
    }
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
    } catch (const rt::Error& e) {
        EXPECT_STREQ(e.what(), "container init exited before sending run_hooks");
    }
}
