// copy_tree (tmpcopyup): between two temp dirs, no root needed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "rt/linux/copy_tree.hpp"
#include "rt/util/error.hpp"

namespace fs = std::filesystem;

namespace {

class CopyTree : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/rt-unit-copy-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        base_ = pattern;
        fs::create_directories(base_ + "/from");
        fs::create_directories(base_ + "/to");
    }
    void TearDown() override { fs::remove_all(base_); }
    void copy() {
        int from = open((base_ + "/from").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int to = open((base_ + "/to").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        try {
            rt::linux::copy_tree(from, to, "tmpcopyup");
        } catch (...) {
            close(from);
            close(to);
            throw;
        }
        close(from);
        close(to);
    }
    static std::string text(const std::string& path) {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    std::string base_;
};

TEST_F(CopyTree, FilesDirectoriesLinksAndFifosWithTheirModesAndTimes) {
    std::string from = base_ + "/from";
    fs::create_directories(from + "/a/b");
    std::ofstream(from + "/a/b/file") << std::string(200000, 'x');
    chmod((from + "/a/b/file").c_str(), 04751);
    chmod((from + "/a").c_str(), 01750);
    timespec old_times[2] = {{1000000000, 0}, {1000000000, 0}};
    utimensat(AT_FDCWD, (from + "/a/b/file").c_str(), old_times, 0);
    ASSERT_EQ(mkfifo((from + "/fifo").c_str(), 0620), 0);
    chmod((from + "/fifo").c_str(), 0620);  // whatever the umask
    ASSERT_EQ(symlink("../../outside", (from + "/a/link").c_str()), 0);
    copy();

    std::string to = base_ + "/to";
    EXPECT_EQ(text(to + "/a/b/file"), std::string(200000, 'x'));
    struct stat st {};
    ASSERT_EQ(stat((to + "/a/b/file").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 04751u);
    EXPECT_EQ(st.st_mtim.tv_sec, 1000000000);
    ASSERT_EQ(stat((to + "/a").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 01750u);
    ASSERT_EQ(lstat((to + "/fifo").c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0620u);
    EXPECT_EQ(fs::read_symlink(to + "/a/link"), "../../outside");
}

// A symlink is copied as one: never followed, so nothing outside the tree
// is read, even when it names a directory.
TEST_F(CopyTree, SymlinksAreNeverFollowed) {
    fs::create_directories(base_ + "/secret");
    std::ofstream(base_ + "/secret/key") << "host data";
    ASSERT_EQ(symlink((base_ + "/secret").c_str(), (base_ + "/from/dir-link").c_str()), 0);
    ASSERT_EQ(symlink((base_ + "/secret/key").c_str(), (base_ + "/from/file-link").c_str()), 0);
    copy();
    EXPECT_TRUE(fs::is_symlink(base_ + "/to/dir-link"));
    EXPECT_TRUE(fs::is_symlink(base_ + "/to/file-link"));
    EXPECT_EQ(std::distance(fs::directory_iterator(base_ + "/to"), fs::directory_iterator()), 2);
}

TEST_F(CopyTree, AnErrorNamesTheEntry) {
    fs::create_directories(base_ + "/from/d");
    std::ofstream(base_ + "/from/d/clash") << "x";
    fs::create_directories(base_ + "/to/d");  // the target is not empty
    try {
        copy();
        FAIL() << "no error";
    } catch (const rt::Error& e) {
        EXPECT_EQ(std::string(e.what()), "tmpcopyup: d: mkdir: File exists");
    }
}

}  // namespace
