#include <gtest/gtest.h>

#include "rt/linux/mountinfo.hpp"

TEST(Mountinfo, ParsesFieldsAndEscapes) {
    auto mounts = rt::linux::parse_mountinfo(
        "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
        "30 22 0:25 / /sys/fs/cgroup/memory rw,nosuid master:3 - cgroup cgroup rw,memory\n"
        "31 22 0:26 /a\\040b /mnt/with\\040space rw - tmpfs tmpfs rw,size=10k\n");
    ASSERT_EQ(mounts.size(), 3u);
    EXPECT_EQ(mounts[0].mount_point, "/");
    EXPECT_EQ(mounts[0].optional_fields, "shared:1");
    EXPECT_EQ(mounts[1].fs_type, "cgroup");
    EXPECT_EQ(mounts[1].super_options, "rw,memory");
    EXPECT_EQ(mounts[1].parent_id, 22);
    EXPECT_EQ(mounts[2].mount_point, "/mnt/with space");
    EXPECT_EQ(mounts[2].root, "/a b");
    EXPECT_EQ(mounts[2].optional_fields, "");
}

TEST(Mountinfo, MountContaining) {
    auto mounts = rt::linux::parse_mountinfo(
        "1 0 0:1 / / rw - ext4 a rw\n"
        "2 1 0:2 / /var rw - tmpfs b rw\n"
        "3 1 0:3 / /var/lib rw - tmpfs c rw\n");
    EXPECT_EQ(rt::linux::mount_containing(mounts, "/var/lib/x")->id, 3);
    EXPECT_EQ(rt::linux::mount_containing(mounts, "/var/library")->id, 2);
    EXPECT_EQ(rt::linux::mount_containing(mounts, "/etc")->id, 1);
    EXPECT_EQ(rt::linux::mount_containing(mounts, "/var")->id, 2);
}
