#include <gtest/gtest.h>
#include <sys/mount.h>

#include "rt/linux/mount_options.hpp"

using rt::linux::parse_mount_options;

TEST(MountOptions, FlagsAndData) {
    auto o = parse_mount_options({"nosuid", "noexec", "mode=755", "size=65536k", "strictatime"});
    EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_NOSUID | MS_NOEXEC | MS_STRICTATIME));
    EXPECT_EQ(o.data, "mode=755,size=65536k");
    EXPECT_FALSE(o.bind);
}

TEST(MountOptions, LaterOptionsWin) {
    EXPECT_EQ(parse_mount_options({"ro", "rw"}).flags, 0ul);
    EXPECT_EQ(parse_mount_options({"rw", "ro"}).flags, static_cast<unsigned long>(MS_RDONLY));
    EXPECT_EQ(parse_mount_options({"nosuid", "suid"}).flags, 0ul);
    EXPECT_EQ(parse_mount_options({"noatime", "atime"}).flags, 0ul);
}

TEST(MountOptions, Binds) {
    auto bind = parse_mount_options({"bind", "ro"});
    EXPECT_TRUE(bind.bind);
    EXPECT_FALSE(bind.recursive_bind);
    auto rbind = parse_mount_options({"rbind"});
    EXPECT_TRUE(rbind.bind);
    EXPECT_TRUE(rbind.recursive_bind);
    EXPECT_EQ(rbind.data, "");
}

TEST(MountOptions, PropagationInOrder) {
    auto o = parse_mount_options({"rprivate", "shared", "rslave", "runbindable"});
    ASSERT_EQ(o.propagation.size(), 4u);
    EXPECT_EQ(o.propagation[0], static_cast<unsigned long>(MS_PRIVATE | MS_REC));
    EXPECT_EQ(o.propagation[1], static_cast<unsigned long>(MS_SHARED));
    EXPECT_EQ(o.propagation[2], static_cast<unsigned long>(MS_SLAVE | MS_REC));
    EXPECT_EQ(o.propagation[3], static_cast<unsigned long>(MS_UNBINDABLE | MS_REC));
    EXPECT_EQ(o.flags, 0ul);
}

TEST(MountOptions, RecursiveAttributes) {
    auto o = parse_mount_options({"rro", "rnosuid", "rnoexec"});
    EXPECT_EQ(o.attr_set, static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC));
    EXPECT_EQ(o.attr_clr, 0u);
    auto undo = parse_mount_options({"rro", "rrw"});
    EXPECT_EQ(undo.attr_set, 0u);
    EXPECT_EQ(undo.attr_clr, static_cast<uint64_t>(MOUNT_ATTR_RDONLY));
}

TEST(MountOptions, RecursiveAtimeClearsTheWholeField) {
    auto o = parse_mount_options({"rnoatime"});
    EXPECT_EQ(o.attr_clr, static_cast<uint64_t>(MOUNT_ATTR__ATIME));
    EXPECT_EQ(o.attr_set, static_cast<uint64_t>(MOUNT_ATTR_NOATIME));
    auto relatime = parse_mount_options({"rnoatime", "rrelatime"});
    EXPECT_EQ(relatime.attr_set, static_cast<uint64_t>(MOUNT_ATTR_RELATIME));
}

TEST(MountOptions, Extensions) {
    auto o = parse_mount_options({"idmap", "tmpcopyup"});
    EXPECT_TRUE(o.idmap);
    EXPECT_FALSE(o.recursive_idmap);
    EXPECT_TRUE(o.tmpcopyup);
    EXPECT_EQ(o.data, "");
    EXPECT_TRUE(parse_mount_options({"ridmap"}).recursive_idmap);
}

TEST(MountOptions, RemountFlags) {
    EXPECT_EQ(rt::linux::remount_flags(MS_RDONLY | MS_NOSUID | MS_SYNCHRONOUS),
              static_cast<unsigned long>(MS_RDONLY | MS_NOSUID));
}
