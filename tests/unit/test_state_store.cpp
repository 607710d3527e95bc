#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "rt/state/store.hpp"

namespace fs = std::filesystem;

class StateStore : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/rt-unit-XXXXXX";
        dir_ = mkdtemp(pattern);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string dir_;
};

TEST_F(StateStore, CreateIsExclusive) {
    rt::state::Store store(dir_ + "/root");
    auto lock = store.create("a");
    EXPECT_TRUE(store.exists("a"));
    try {
        store.create("a");
        FAIL();
    } catch (const rt::Error& e) {
        EXPECT_STREQ(e.what(), "container \"a\" already exists");
    }
}

TEST_F(StateStore, SaveLoadRoundTrip) {
    rt::state::Store store(dir_);
    auto lock = store.create("b");
    rt::state::ContainerState s;
    s.id = "b";
    s.bundle = "/x";
    s.rootfs = "/x/rootfs";
    s.pid = 42;
    s.start_time = 123456789012ull;
    s.created = "2026-11-28T05:28:52.411402394Z";
    s.annotations = {{"k", "v"}};
    s.cgroup_paths = {{"memory", "/sys/fs/cgroup/memory/rt/b"}};
    store.save(s);
    auto loaded = store.load("b");
    EXPECT_EQ(loaded.pid, 42);
    EXPECT_EQ(loaded.start_time, 123456789012ull);
    EXPECT_EQ(loaded.annotations.at("k"), "v");
    EXPECT_EQ(loaded.cgroup_paths.at("memory"), "/sys/fs/cgroup/memory/rt/b");
    EXPECT_EQ(store.list(), std::vector<std::string>{"b"});
    store.remove("b");
    EXPECT_THROW(store.load("b"), rt::state::NotFound);
    EXPECT_THROW(store.lock("b"), rt::state::NotFound);
}

TEST_F(StateStore, LoadWithoutStateIsNotFound) {
    rt::state::Store store(dir_);
    auto lock = store.create("c");
    EXPECT_THROW(store.load("c"), rt::state::NotFound);
}
