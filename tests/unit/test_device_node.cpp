// linux::device_node: a linux.devices entry as mknod(2) takes it.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "rt/linux/device_node.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

spec::Device device(const std::string& type, const std::string& path, int64_t major, int64_t minor) {
    spec::Device d;
    d.type = type;
    d.path = path;
    d.major = major;
    d.minor = minor;
    return d;
}

TEST(DeviceNode, CharacterDeviceWithRuncDefaults) {
    DeviceNode node = device_node(device("c", "/dev/fuse", 10, 229));
    EXPECT_EQ(node.path, "/dev/fuse");
    EXPECT_EQ(node.mode, static_cast<mode_t>(S_IFCHR | 0666));
    EXPECT_EQ(major(node.rdev), 10U);
    EXPECT_EQ(minor(node.rdev), 229U);
    EXPECT_EQ(node.uid, 0U);
    EXPECT_EQ(node.gid, 0U);
}

TEST(DeviceNode, UnbufferedIsACharacterDevice) {
    EXPECT_EQ(device_node(device("u", "/dev/x", 1, 2)).mode & S_IFMT, static_cast<mode_t>(S_IFCHR));
}

TEST(DeviceNode, BlockDeviceWithModeAndOwner) {
    spec::Device d = device("b", "/dev//sdz/../sdy", 8, 16);
    d.file_mode = 0640;  // 416 in the decimal of config.json
    d.uid = 1000;
    d.gid = 6;
    DeviceNode node = device_node(d);
    EXPECT_EQ(node.path, "/dev/sdy");
    EXPECT_EQ(node.mode, static_cast<mode_t>(S_IFBLK | 0640));
    EXPECT_EQ(node.rdev, makedev(8, 16));
    EXPECT_EQ(node.uid, 1000U);
    EXPECT_EQ(node.gid, 6U);
}

TEST(DeviceNode, FifoHasNoNumbers) {
    spec::Device d;
    d.type = "p";
    d.path = "/dev/pipe";
    DeviceNode node = device_node(d);
    EXPECT_EQ(node.mode, static_cast<mode_t>(S_IFIFO | 0666));
    EXPECT_EQ(node.rdev, 0U);
}

TEST(DeviceNode, LargeMinorNumbers) {
    DeviceNode node = device_node(device("c", "/dev/x", 511, 1048575));
    EXPECT_EQ(major(node.rdev), 511U);
    EXPECT_EQ(minor(node.rdev), 1048575U);
}

TEST(DeviceNode, UnknownTypeIsAnError) {
    EXPECT_THROW(device_node(device("x", "/dev/x", 1, 1)), Error);
}

TEST(DeviceNode, Describe) {
    EXPECT_EQ(describe_device(S_IFCHR | 0666, makedev(1, 3)), "c 1:3");
    EXPECT_EQ(describe_device(S_IFBLK, makedev(8, 0)), "b 8:0");
    EXPECT_EQ(describe_device(S_IFIFO, 0), "p");
    EXPECT_EQ(describe_device(S_IFREG | 0644, 0), "a regular file");
}

}  // namespace
}  // namespace rt::linux
