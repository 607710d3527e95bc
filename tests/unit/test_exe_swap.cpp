// take_exe_from (src/linux/exe_swap.cpp): the running process makes a
// read-only copy of its binary its executable, without an execve. Run on the
// test binary itself (a dynamically linked PIE, where rt is a static binary
// at a fixed address: both layouts), in a forked child, as root (the copy is
// a detached bind mount).
#include <gtest/gtest.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "exe_swap.hpp"
#include "in_child.hpp"

namespace {

// State in each part of the writable segment: .data, .bss and (the function
// pointer, through the GOT) RELRO.
int counter = 41;
char scratch[3 * 4096];
std::string (*volatile describe)(int) = [](int n) { return std::to_string(n); };

struct Vma {
    unsigned long start = 0;
    unsigned long end = 0;
    std::string perms;
    unsigned long inode = 0;
};

// The mappings of the process, or only those of the file with `inode`.
std::vector<Vma> mappings(unsigned long inode = 0) {
    std::vector<Vma> out;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        Vma v;
        char dash = 0;
        std::string offset, device;
        std::istringstream in(line);
        in >> std::hex >> v.start >> dash >> v.end >> v.perms >> offset >> device >> std::dec >> v.inode;
        if (inode == 0 || v.inode == inode) out.push_back(v);
    }
    return out;
}

std::string identity(const struct stat& st) {
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

std::string swap_and_look() {
    struct stat exe {};
    if (stat("/proc/self/exe", &exe) != 0) return "stat /proc/self/exe failed";
    std::string binary = identity(exe);
    int tree = static_cast<int>(syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (tree < 0) return errno == EPERM ? "skip" : std::string("open_tree: ") + strerror(errno);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) return "mount_setattr failed";
    int copy = open(("/proc/self/fd/" + std::to_string(tree)).c_str(), O_RDONLY | O_CLOEXEC);
    if (copy < 0) return "reopen failed";

    auto before = mappings(exe.st_ino);  // what the loader mapped from the binary
    counter += 1;
    scratch[sizeof scratch - 1] = 'x';
    if (!rt::linux::take_exe_from(copy)) return "take_exe_from refused";
    close(copy);
    close(tree);

    std::ostringstream problems;
    if (counter != 42 || scratch[sizeof scratch - 1] != 'x' || describe(7) != "7") problems << "state lost; ";
    struct statfs fs {};
    if (statfs("/proc/self/exe", &fs) != 0 || !(fs.f_flags & ST_RDONLY)) problems << "exe not read-only; ";
    // Every mapping of the binary keeps its protection (RELRO read-only
    // again, code executable, data writable), wherever it comes from now.
    auto after = mappings();
    for (const auto& old : before) {
        for (const auto& now : after) {
            if (old.start >= now.start && old.start < now.end && old.perms.substr(0, 3) != now.perms.substr(0, 3)) {
                problems << std::hex << old.start << " was " << old.perms << ", is " << now.perms << "; ";
            }
        }
    }
    // No way left to the binary but through the read-only mount.
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/map_files")) {
        struct stat st {};
        if (stat(entry.path().c_str(), &st) != 0 || identity(st) != binary) continue;
        if (statfs(entry.path().c_str(), &fs) != 0 || !(fs.f_flags & ST_RDONLY)) {
            problems << entry.path().filename().string() << " on a writable mount; ";
        }
    }
    std::string text = problems.str();
    return text.empty() ? "ok" : text;
}

TEST(ExeSwap, TheProcessRunsOnFromTheReadOnlyCopyWithItsStateAndProtections) {
    auto result = rt::test::in_child(swap_and_look);
    if (result.output == "skip") GTEST_SKIP() << "needs CAP_SYS_ADMIN (a detached bind mount)";
    EXPECT_EQ(result.output, "ok");
    EXPECT_TRUE(WIFEXITED(result.status) && WEXITSTATUS(result.status) == 0) << "status " << result.status;
}

}  // namespace
