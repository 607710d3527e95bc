// Resolution inside a root never leaves it (no root privileges needed).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"

namespace fs = std::filesystem;
using namespace rt::linux;

class PathInRoot : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/rt-unit-XXXXXX";
        base_ = mkdtemp(pattern);
        root_ = base_ + "/root";
        outside_ = base_ + "/outside";
        fs::create_directories(root_ + "/etc");
        fs::create_directories(outside_);
        root_fd_ = open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    void TearDown() override {
        close(root_fd_);
        fs::remove_all(base_);
    }
    std::string base_, root_, outside_;
    int root_fd_ = -1;
};

TEST(CleanPath, Normalises) {
    EXPECT_EQ(clean_path("a//b/./c/"), "/a/b/c");
    EXPECT_EQ(clean_path("/../../etc/../x"), "/x");
    EXPECT_EQ(clean_path(""), "/");
    EXPECT_EQ(clean_path("/"), "/");
}

TEST_F(PathInRoot, AbsoluteSymlinkResolvesInsideTheRoot) {
    fs::create_symlink(outside_, root_ + "/link");
    auto fd = mkdir_all_in_root(root_fd_, "/link/sub");
    EXPECT_TRUE(fs::is_directory(root_ + outside_ + "/sub"));
    EXPECT_TRUE(fs::is_empty(outside_));
    EXPECT_EQ(fd_path(fd.get()).rfind("/proc/self/fd/", 0), 0u);
}

TEST_F(PathInRoot, DotDotSymlinkStopsAtTheRoot) {
    fs::create_symlink("../../../outside", root_ + "/up");
    mkdir_all_in_root(root_fd_, "/up/made");
    EXPECT_TRUE(fs::is_directory(root_ + "/outside/made"));
    EXPECT_TRUE(fs::is_empty(outside_));
}

TEST_F(PathInRoot, TouchMakesAFileAndItsParents) {
    touch_in_root(root_fd_, "/etc/deep/hosts");
    EXPECT_TRUE(fs::is_regular_file(root_ + "/etc/deep/hosts"));
}

TEST_F(PathInRoot, TouchThroughASymlinkStaysInside) {
    fs::create_symlink(outside_ + "/file", root_ + "/etc/hosts");
    touch_in_root(root_fd_, "/etc/hosts");
    EXPECT_FALSE(fs::exists(outside_ + "/file"));
    EXPECT_TRUE(fs::is_regular_file(root_ + outside_ + "/file"));
}

TEST_F(PathInRoot, MissingOk) {
    EXPECT_FALSE(open_in_root(root_fd_, "/nope", O_PATH, 0, true));
    EXPECT_THROW(open_in_root(root_fd_, "/nope", O_PATH), rt::Error);
}
