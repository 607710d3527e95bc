// The init's mount and namespace steps run against a recording fake of the
// system calls (recording_syscalls.hpp) on a rootfs in a temp directory: what
// a config leads to, on what, in which order, checked without root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "in_child.hpp"
#include "recording_syscalls.hpp"
#include "rt/linux/init.hpp"
#include "rt/linux/mount_plan.hpp"
#include "rt/linux/namespaces.hpp"
#include "rt/spec/parse.hpp"
#include "rt/util/error.hpp"
#include "spec_test_helpers.hpp"
#include "steps.hpp"

namespace fs = std::filesystem;

namespace rt::linux {
namespace {

class MountSteps : public ::testing::Test {
protected:
    MountSteps() {
        char tmpl[] = "/tmp/rt-mount-steps-XXXXXX";
        dir_ = ::mkdtemp(tmpl);
        rootfs_ = dir_ + "/rootfs";
        fs::create_directories(rootfs_);
    }
    ~MountSteps() override { fs::remove_all(dir_); }

    // Parses the config (kBaseConfig with `patch`), plans its mounts, and
    // gives the steps a context on the temp rootfs with the fake.
    InitContext& context(const std::string& patch) {
        spec_ = spec::parse_config(spec::test::base_config_with(patch));
        plan_ = plan_mounts(spec_);
        config_.spec = &spec_;
        config_.bundle = dir_;
        config_.rootfs = rootfs_;
        config_.mounts = &plan_;
        ctx_ = std::make_unique<InitContext>(config_, sys_);
        ctx_->root.reset(::open(rootfs_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        return *ctx_;
    }

    std::string dir_, rootfs_;
    spec::Spec spec_;
    MountPlan plan_;
    InitConfig config_;
    test::RecordingSyscalls sys_{""};
    std::unique_ptr<InitContext> ctx_;

    void SetUp() override { sys_ = test::RecordingSyscalls(fs::canonical(rootfs_).string()); }
};

TEST_F(MountSteps, ReadOnlyDevIsSealedAfterItsNestedMounts) {
    InitContext& ctx = context(R"({"mounts": [
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "ro", "mode=755"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["newinstance"]}]})");
    mount_all(ctx);
    ASSERT_EQ(sys_.calls.size(), 2U) << sys_.dump();
    EXPECT_EQ(sys_.calls[0].op, "mount");
    EXPECT_EQ(sys_.calls[0].target, "/dev");
    EXPECT_EQ(sys_.calls[0].flags, static_cast<unsigned long>(MS_NOSUID)) << "mounted writable first";
    EXPECT_EQ(sys_.calls[0].data, "mode=755");
    EXPECT_EQ(sys_.calls[1].target, "/dev/pts");
    EXPECT_TRUE(fs::is_directory(rootfs_ + "/dev/pts"));  // made while /dev was writable

    seal_readonly_mounts(ctx);
    ASSERT_EQ(sys_.calls.size(), 3U) << sys_.dump();
    EXPECT_EQ(sys_.calls[2].op, "mount_setattr");
    EXPECT_EQ(sys_.calls[2].target, "/dev");
    EXPECT_EQ(sys_.calls[2].flags, static_cast<unsigned long>(MOUNT_ATTR_RDONLY));
    EXPECT_EQ(sys_.calls[2].more, 0UL) << "/dev/pts keeps its own flags";
}

TEST_F(MountSteps, AReadOnlyMountWithNothingUnderItIsMountedReadOnly) {
    InitContext& ctx = context(R"({"mounts": [
        {"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]}]})");
    mount_all(ctx);
    seal_readonly_mounts(ctx);
    ASSERT_EQ(sys_.calls.size(), 1U) << sys_.dump();
    EXPECT_EQ(sys_.calls[0].flags, static_cast<unsigned long>(MS_RDONLY));
}

// A symbolic link of the image cannot send a mount to the host: absolute or
// "..", it resolves inside the rootfs.
TEST_F(MountSteps, SymlinksOfTheImageLeadMountsInsideTheRoot) {
    fs::create_directories(rootfs_ + "/etc");
    fs::create_symlink("/etc", rootfs_ + "/abs");
    fs::create_symlink("../../../../..", rootfs_ + "/up");
    InitContext& ctx = context(R"({"mounts": [
        {"destination": "/abs/x", "type": "tmpfs", "source": "tmpfs"},
        {"destination": "/up/tmp/y", "type": "tmpfs", "source": "tmpfs"}]})");
    mount_all(ctx);
    ASSERT_EQ(sys_.calls.size(), 2U) << sys_.dump();
    EXPECT_EQ(sys_.calls[0].target, "/etc/x");
    EXPECT_EQ(sys_.calls[1].target, "/tmp/y");
    EXPECT_FALSE(fs::exists("/etc/x"));
}

TEST_F(MountSteps, ProcOnASymlinkIsRefusedBeforeAnyMount) {
    fs::create_directories(rootfs_ + "/elsewhere");
    fs::create_symlink("/elsewhere", rootfs_ + "/proc");
    InitContext& ctx = context(R"({"mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]})");
    try {
        mount_all(ctx);
        FAIL() << "mounted: " << sys_.dump();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "mount /proc: must be mounted on ordinary directory");
    }
    EXPECT_TRUE(sys_.calls.empty()) << sys_.dump();
}

// A container in a user namespace: the tree the parent opened on the host is
// attached; the init never looks the host's path up itself.
TEST_F(MountSteps, ABindSourceOpenedByTheParentIsAttachedNotLookedUp) {
    fs::create_directories(dir_ + "/volume");
    InitContext& ctx = context(R"({"mounts": [
        {"destination": "/data", "type": "bind", "source": "/nonexistent-for-the-init", "options": ["rbind", "ro"]}]})");
    unique_fd tree(::open((dir_ + "/volume").c_str(), O_PATH | O_CLOEXEC));
    config_.mount_trees = {tree.get()};
    mount_all(ctx);
    ASSERT_EQ(sys_.calls.size(), 2U) << sys_.dump();
    EXPECT_EQ(sys_.calls[0].op, "move_mount");
    EXPECT_EQ(sys_.calls[0].source, "HOST:" + fs::canonical(dir_).string() + "/volume");
    EXPECT_EQ(sys_.calls[0].target, "/data");
    EXPECT_EQ(sys_.calls[1].op, "mount");  // the bind's flags: a remount
    EXPECT_EQ(sys_.calls[1].flags & (MS_REMOUNT | MS_BIND | MS_RDONLY),
              static_cast<unsigned long>(MS_REMOUNT | MS_BIND | MS_RDONLY));
    EXPECT_EQ(sys_.calls[1].target, "/data");
}

// After pivot_root /proc is the container's: the protected paths are made
// fd to fd (a read-only copy attached on the path's fd, a new tmpfs), never
// through a /proc/self/fd path given to mount(2).
TEST_F(MountSteps, ProtectedPathsAreMountedFdToFd) {
    fs::create_directories(rootfs_ + "/proc/sys");
    fs::create_directories(rootfs_ + "/proc/acpi");
    InitContext& ctx = context(R"({"linux": {"namespaces": [{"type": "mount"}],
        "readonlyPaths": ["/proc/sys", "/proc/missing"], "maskedPaths": ["/proc/acpi"]}})");
    // The masking checks the container's /dev/null first; a regular file is
    // not the null device.
    fs::create_directories(rootfs_ + "/dev");
    std::ofstream(rootfs_ + "/dev/null") << "";
    try {
        protect_paths(ctx);
        FAIL() << "masked with a fake /dev/null";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "masked paths: the container's /dev/null is not the null device");
    }
    // What came before the masking: the read-only copy of /proc/sys.
    ASSERT_EQ(sys_.calls.size(), 3U) << sys_.dump();
    EXPECT_EQ(sys_.calls[0].op, "open_tree");
    EXPECT_EQ(sys_.calls[0].source, "/proc/sys");
    EXPECT_EQ(sys_.calls[0].flags & (OPEN_TREE_CLONE | AT_RECURSIVE),
              static_cast<unsigned long>(OPEN_TREE_CLONE | AT_RECURSIVE));
    EXPECT_EQ(sys_.calls[1].op, "mount_setattr");
    EXPECT_EQ(sys_.calls[1].target, "tree:/proc/sys");
    EXPECT_EQ(sys_.calls[1].flags, static_cast<unsigned long>(MOUNT_ATTR_RDONLY));
    EXPECT_EQ(sys_.calls[1].more, 1UL) << "recursive";
    EXPECT_EQ(sys_.calls[2].op, "move_mount");
    EXPECT_EQ(sys_.calls[2].source, "tree:/proc/sys");
    EXPECT_EQ(sys_.calls[2].target, "/proc/sys");
    EXPECT_TRUE(sys_.of("mount").empty()) << sys_.dump();
}

TEST_F(MountSteps, AMaskedDirectoryGetsANewEmptyReadOnlyTmpfs) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to make the container's /dev/null (mknod)";
    fs::create_directories(rootfs_ + "/proc/acpi");
    fs::create_directories(rootfs_ + "/dev");
    ASSERT_EQ(::mknod((rootfs_ + "/dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
    std::ofstream(rootfs_ + "/proc/kcore") << "";
    InitContext& ctx = context(R"({"linux": {"namespaces": [{"type": "mount"}],
        "maskedPaths": ["/proc/acpi", "/proc/kcore"]}})");
    protect_paths(ctx);
    EXPECT_TRUE(sys_.of("mount").empty()) << sys_.dump();
    auto fsmounts = sys_.of("fsmount");
    ASSERT_EQ(fsmounts.size(), 1U) << sys_.dump();
    EXPECT_EQ(fsmounts[0].type, "tmpfs");
    EXPECT_EQ(fsmounts[0].more, static_cast<unsigned long>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                                           MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
    auto moves = sys_.of("move_mount");
    ASSERT_EQ(moves.size(), 2U) << sys_.dump();
    EXPECT_EQ(moves[0].source, "new:tmpfs");
    EXPECT_EQ(moves[0].target, "/proc/acpi");
    EXPECT_EQ(moves[1].source, "tree:/dev/null");
    EXPECT_EQ(moves[1].target, "/proc/kcore");
}

// rootfsPropagation "rslave": "/" of the new namespace first, recursively,
// then the rootfs bound on itself; after pivot_root "/" gets what the config
// names. Run in a child: entering the rootfs changes the working directory.
TEST_F(MountSteps, RootPropagationComesFirstAndAgainAfterPivotRoot) {
    InitContext& ctx = context(R"({"linux": {"namespaces": [{"type": "mount"}], "rootfsPropagation": "rslave"}})");
    auto result = test::in_child([&] {
        prepare_rootfs(ctx);
        enter_rootfs(ctx);
        std::string out;
        for (const auto& c : sys_.calls) out += c.op + " " + c.source + " " + c.target + " " + std::to_string(c.flags) + "\n";
        return out;
    });
    ASSERT_EQ(result.status, 0) << result.output;
    std::istringstream lines(result.output);
    std::vector<std::string> calls;
    for (std::string line; std::getline(lines, line);) calls.push_back(line);
    ASSERT_GE(calls.size(), 6U) << result.output;
    auto flags = [](unsigned long f) { return std::to_string(f); };
    // "/" as the path given ("HOST:/": the fake makes no namespace).
    EXPECT_EQ(calls.front(), "mount  HOST:/ " + flags(MS_SLAVE | MS_REC));
    EXPECT_EQ(calls[calls.size() - 5], "mount / / " + flags(MS_BIND | MS_REC)) << "the rootfs on itself";
    EXPECT_EQ(calls[calls.size() - 4], "pivot_root . . 0");
    EXPECT_EQ(calls[calls.size() - 3], "mount  . " + flags(MS_SLAVE | MS_REC)) << "the old root";
    EXPECT_EQ(calls[calls.size() - 2], "umount2  . " + flags(MNT_DETACH));
    EXPECT_EQ(calls.back(), "mount  HOST:/ " + flags(MS_SLAVE | MS_REC)) << "after pivot_root";
}

// --no-pivot (and the initial ramfs's fallback): as runc, the host's whole
// procfs and sysfs mounts outside the rootfs are unmounted first (made
// slaves so that nothing propagates), then MS_MOVE + chroot.
TEST_F(MountSteps, NoPivotHidesTheHostsProcAndSysThenMovesAndChroots) {
    InitContext& ctx = context(R"({"linux": {"namespaces": [{"type": "mount"}]}})");
    config_.no_pivot = true;
    auto result = test::in_child([&] {
        enter_rootfs(ctx);
        std::string out;
        for (const auto& c : sys_.calls) out += c.op + " " + c.source + " " + c.target + " " + std::to_string(c.flags) + "\n";
        return out;
    });
    ASSERT_EQ(result.status, 0) << result.output;
    const std::string& calls = result.output;
    auto at = [&](const std::string& line) { return calls.find(line); };
    // The test host's own /proc and /sys (this process's mount namespace).
    ASSERT_NE(at("umount2  HOST:/proc " + std::to_string(MNT_DETACH)), std::string::npos) << calls;
    ASSERT_NE(at("umount2  HOST:/sys " + std::to_string(MNT_DETACH)), std::string::npos) << calls;
    EXPECT_LT(at("mount  HOST:/proc " + std::to_string(MS_SLAVE | MS_REC)), at("umount2  HOST:/proc ")) << calls;
    size_t move = at("mount / HOST:/ " + std::to_string(MS_MOVE));
    ASSERT_NE(move, std::string::npos) << calls;
    EXPECT_LT(at("umount2  HOST:/proc "), move);
    EXPECT_NE(calls.find("chroot  . 0", move), std::string::npos) << calls;
    EXPECT_EQ(calls.find("pivot_root"), std::string::npos) << calls;
}

// pivot_root's EINVAL leads to the chroot fallback only where "/" is the
// initial ramfs; anywhere else it is the error it is.
TEST_F(MountSteps, PivotRootRefusedOutsideTheInitialRamfsIsAnError) {
    InitContext& ctx = context(R"({"linux": {"namespaces": [{"type": "mount"}]}})");
    sys_.fail["pivot_root"] = EINVAL;
    auto result = test::in_child([&] {
        try {
            enter_rootfs(ctx);
        } catch (const Error& e) {
            return std::string(e.what()) + (sys_.of("chroot").empty() ? "" : " (chroot made)");
        }
        return std::string("entered");
    });
    EXPECT_EQ(result.output, "pivot_root " + rootfs_ + ": Invalid argument");
}

TEST_F(MountSteps, NamespacesAreJoinedThenUnshared) {
    NamespacePlan plan;
    plan.unshare_flags = CLONE_NEWNS | CLONE_NEWUTS;
    plan.joins.push_back({spec::NamespaceType::network, unique_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC))});
    enter_namespaces(plan, sys_);
    ASSERT_EQ(sys_.calls.size(), 2U) << sys_.dump();
    EXPECT_EQ(sys_.calls[0].op, "setns");
    EXPECT_EQ(sys_.calls[0].flags, static_cast<unsigned long>(CLONE_NEWNET));
    EXPECT_FALSE(plan.joins[0].fd) << "closed once joined";
    EXPECT_EQ(sys_.calls[1].op, "unshare");
    EXPECT_EQ(sys_.calls[1].flags, static_cast<unsigned long>(CLONE_NEWNS | CLONE_NEWUTS));
}

}  // namespace
}  // namespace rt::linux
