// rt's own annotations of config.json (rt/spec/rt_annotations.hpp) and the
// files rt.lxcfs may bind (rt/linux/lxcfs.hpp).
#include <gtest/gtest.h>

#include "rt/linux/lxcfs.hpp"
#include "rt/spec/parse.hpp"
#include "rt/spec/rt_annotations.hpp"
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"

namespace rt::spec {
namespace {

TEST(RtAnnotations, OnlyTrueEnables) {
    EXPECT_TRUE(annotation_enabled({{"rt.init", "true"}}, kInitAnnotation));
    EXPECT_FALSE(annotation_enabled({{"rt.init", "false"}}, kInitAnnotation));
    EXPECT_FALSE(annotation_enabled({}, kInitAnnotation));
    EXPECT_FALSE(annotation_enabled({{"rt.init", "true"}}, kLxcfsAnnotation));
}

TEST(RtAnnotations, ValuesAreTrueOrFalse) {
    EXPECT_NO_THROW(check_rt_annotations({{"rt.lxcfs", "true"}, {"rt.init", "false"}, {"org.other", "x"}}));
    try {
        check_rt_annotations({{"rt.lxcfs", "TRUE"}});
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), R"(.annotations["rt.lxcfs"]: must be "true" or "false", not "TRUE")");
    }
}

TEST(RtAnnotations, ValidateChecksThem) {
    Spec spec = parse_config(R"({"ociVersion": "1.3.0", "root": {"path": "rootfs"},
        "process": {"args": ["sh"], "cwd": "/"}, "annotations": {"rt.init": ""}})");
    EXPECT_THROW(validate(spec), Error);
}

TEST(RtAnnotations, EveryOneIsListedOnce) {
    const auto& list = rt_annotations();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].key, kLxcfsAnnotation);
    EXPECT_EQ(list[1].key, kInitAnnotation);
}

TEST(LxcfsFiles, OnlyTheFilesLxcfsServesAreTargets) {
    for (const char* path : {"/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/uptime", "/proc/loadavg",
                             "/proc/diskstats", "/proc/swaps", "/proc/slabinfo", "/sys/devices/system/cpu/online"}) {
        EXPECT_TRUE(linux::is_lxcfs_target(path)) << path;
    }
    for (const char* path : {"/proc", "/proc/1", "/proc/self/fd/3", "/proc/sys/kernel/core_pattern",
                             "/proc/meminfo/", "/proc//meminfo", "/sys/devices/system/cpu", "/etc/meminfo"}) {
        EXPECT_FALSE(linux::is_lxcfs_target(path)) << path;
    }
}

}  // namespace
}  // namespace rt::spec
