#include <gtest/gtest.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

// A state rewritten over itself leaves one whole file and no temp, and its
// new content is not forced to disk: ext4 allocates the blocks of a file
// renamed over another at once (auto_da_alloc), and on a `discard` mount
// (this project's VMs) each allocated block costs the later delete a
// synchronous discard of a few milliseconds. Where /tmp is not ext4 the
// allocation half says nothing and is skipped.
TEST_F(StateStore, SavingAgainReplacesTheFileWithoutForcingItsBlocksToDisk) {
    rt::state::Store store(dir_);
    auto lock = store.create("d");
    rt::state::ContainerState s;
    s.id = "d";
    s.bundle = "/x";
    s.rootfs = "/x/rootfs";
    s.pid = 1;
    store.save(s);
    s.pid = 2;
    store.save(s);
    EXPECT_EQ(store.load("d").pid, 2);
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_ + "/d")) names.push_back(entry.path().filename());
    EXPECT_EQ(names, std::vector<std::string>{"state.json"});

    struct statfs fs_info {};
    ASSERT_EQ(::statfs(dir_.c_str(), &fs_info), 0);
    if (fs_info.f_type != EXT4_SUPER_MAGIC) GTEST_SKIP() << dir_ << " is not ext4";
    // FIEMAP shows whether the file's one extent has a place on disk yet.
    int fd = ::open((dir_ + "/d/state.json").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    alignas(struct fiemap) unsigned char buffer[sizeof(struct fiemap) + sizeof(struct fiemap_extent)] = {};
    auto* map = reinterpret_cast<struct fiemap*>(buffer);
    map->fm_length = FIEMAP_MAX_OFFSET;
    map->fm_extent_count = 1;
    int rc = ::ioctl(fd, FS_IOC_FIEMAP, map);
    ::close(fd);
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(map->fm_mapped_extents, 1U);
    EXPECT_TRUE(map->fm_extents[0].fe_flags & FIEMAP_EXTENT_DELALLOC)
        << "the rewrite had its blocks allocated at once (extent at " << map->fm_extents[0].fe_physical << ")";
}
