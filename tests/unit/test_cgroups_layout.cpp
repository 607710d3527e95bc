// Where linux.cgroupsPath puts a container's cgroup, and reading
// /proc/PID/cgroup and the kernel's huge page sizes.
#include <gtest/gtest.h>

#include "rt/cgroups/layout.hpp"

namespace rt::cgroups {
namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

TEST(CgroupsPath, AbsoluteIsBelowTheMountPoint) {
    EXPECT_EQ(container_cgroup_path("/kubepods/pod1/c1", "c1", "/user.slice", true), "/kubepods/pod1/c1");
    EXPECT_EQ(container_cgroup_path("//a/./b/", "c1", "/x", false), "/a/b");
}

TEST(CgroupsPath, AbsentIsBelowRt) {
    EXPECT_EQ(container_cgroup_path(std::nullopt, "web", "/user.slice", true), "/rt/web");
    EXPECT_EQ(container_cgroup_path("", "web", "/user.slice", false), "/rt/web");
}

TEST(CgroupsPath, RelativeIsBelowRtsOwnCgroupOrItsParentOnV2) {
    EXPECT_EQ(container_cgroup_path("box/c1", "c1", "/session/abc", false), "/session/abc/box/c1");
    EXPECT_EQ(container_cgroup_path("box/c1", "c1", "/user.slice/rt.scope", true), "/user.slice/box/c1");
    EXPECT_EQ(container_cgroup_path("box/c1", "c1", "/", false), "/box/c1");
    EXPECT_EQ(container_cgroup_path("box/c1", "c1", "/top", true), "/box/c1");
}

TEST(CgroupsPath, EscapesAndTheRootAreRefused) {
    EXPECT_EQ(error_of([] { container_cgroup_path("/a/../../etc", "c1", "/", false); }),
              ".linux.cgroupsPath: must not contain \"..\": /a/../../etc");
    EXPECT_EQ(error_of([] { container_cgroup_path("/", "c1", "/", true); }),
              ".linux.cgroupsPath: names the root cgroup: /");
    EXPECT_EQ(error_of([] { container_cgroup_path("a\nb", "c1", "/", true); }),
              ".linux.cgroupsPath: must not hold control characters");
}

TEST(ProcCgroup, KeysAndPaths) {
    auto paths = parse_proc_cgroup("12:cpu,cpuacct:/a\n1:name=systemd:/user.slice\n0::/init.scope\n");
    EXPECT_EQ(paths.at("cpu,cpuacct"), "/a");
    EXPECT_EQ(paths.at("name=systemd"), "/user.slice");
    EXPECT_EQ(paths.at(""), "/init.scope");
    EXPECT_EQ(paths.size(), 3u);
}

TEST(HugepageSizes, AsRuncNamesThem) {
    EXPECT_EQ(hugepage_size_name("hugepages-2048kB"), "2MB");
    EXPECT_EQ(hugepage_size_name("hugepages-1048576kB"), "1GB");
    EXPECT_EQ(hugepage_size_name("hugepages-64kB"), "64KB");
    EXPECT_EQ(hugepage_size_name("hugepages-32768kB"), "32MB");
}

TEST(Hierarchy, KeyAndLookup) {
    Layout layout;
    layout.v1 = {{"/sys/fs/cgroup/cpu,cpuacct", {"cpu", "cpuacct"}}, {"/sys/fs/cgroup/systemd", {"name=systemd"}}};
    EXPECT_EQ(layout.v1[0].key(), "cpu,cpuacct");
    EXPECT_EQ(layout.find_v1("cpuacct"), &layout.v1[0]);
    EXPECT_EQ(layout.find_v1("name=systemd"), &layout.v1[1]);
    EXPECT_EQ(layout.find_v1("memory"), nullptr);
}

TEST(Layout, ThisHost) {
    // Whatever it is, it is one of the three, with what each needs.
    Layout layout = detect_layout();
    if (layout.mode == Mode::unified) {
        EXPECT_EQ(layout.unified, "/sys/fs/cgroup");
        EXPECT_TRUE(layout.v1.empty());
    } else {
        EXPECT_FALSE(layout.v1.empty());
        EXPECT_EQ(layout.mode == Mode::hybrid, !layout.unified.empty());
    }
    EXPECT_FALSE(layout.own.empty());
}

}  // namespace
}  // namespace rt::cgroups
