// The parent's mount plan: propagation flags from one table, options parsed
// once, read-only deferred where something is made under it later.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include "rt/linux/mount_plan.hpp"
#include "rt/spec/parse.hpp"
#include "rt/util/error.hpp"
#include "spec_test_helpers.hpp"

namespace rt::linux {
namespace {

MountPlan plan_of(const std::string& merge_patch) {
    return plan_mounts(spec::parse_config(spec::test::base_config_with(merge_patch)));
}

TEST(MountPlan, PropagationNamesComeFromOneTable) {
    EXPECT_EQ(propagation_flags("rslave"), MS_SLAVE | MS_REC);
    EXPECT_EQ(propagation_flags("shared"), static_cast<unsigned long>(MS_SHARED));
    EXPECT_EQ(propagation_flags("runbindable"), MS_UNBINDABLE | MS_REC);
    EXPECT_FALSE(propagation_flags("everywhere"));
    EXPECT_EQ(parse_mount_options({"rprivate"}).propagation,
              std::vector<unsigned long>{MS_PRIVATE | MS_REC});
}

TEST(MountPlan, RootPropagationBeforeAndAfterPivot) {
    struct Row {
        const char* value;
        unsigned long before, after;
    };
    const Row rows[] = {
        {nullptr, MS_SLAVE | MS_REC, 0},
        {"private", MS_PRIVATE | MS_REC, 0},
        {"rprivate", MS_PRIVATE | MS_REC, 0},
        {"slave", MS_SLAVE | MS_REC, MS_SLAVE},
        {"rslave", MS_SLAVE | MS_REC, MS_SLAVE | MS_REC},
        {"shared", MS_SLAVE | MS_REC, MS_SHARED},
        {"rshared", MS_SLAVE | MS_REC, MS_SHARED | MS_REC},
        {"unbindable", MS_SLAVE | MS_REC, MS_UNBINDABLE},
        {"runbindable", MS_SLAVE | MS_REC, MS_UNBINDABLE | MS_REC},
    };
    for (const Row& row : rows) {
        std::string patch = row.value ? std::string(R"({"linux": {"rootfsPropagation": ")") + row.value + "\"}}" : "{}";
        MountPlan plan = plan_of(patch);
        EXPECT_EQ(plan.root_propagation, row.before) << patch;
        EXPECT_EQ(plan.root_propagation_after_pivot, row.after) << patch;
    }
}

TEST(MountPlan, UnknownRootPropagationNamesTheField) {
    spec::Spec spec = spec::parse_config(spec::test::kBaseConfig);
    spec.linux->rootfs_propagation = "everywhere";
    try {
        plan_mounts(spec);
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), ".linux.rootfsPropagation: unknown value \"everywhere\"");
    }
}

TEST(MountPlan, OptionsParsedOncePerMount) {
    MountPlan plan = plan_of(R"({"mounts": [
        {"destination": "/a", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1k"]},
        {"destination": "/b", "source": "/x", "options": ["rbind", "ro"]},
        {"destination": "/c", "type": "bind", "source": "/x"}]})");
    ASSERT_EQ(plan.mounts.size(), 3U);
    EXPECT_EQ(plan.mounts[0].options.flags, static_cast<unsigned long>(MS_NOSUID));
    EXPECT_EQ(plan.mounts[0].options.data, "size=1k");
    EXPECT_FALSE(plan.mounts[0].bind);
    EXPECT_TRUE(plan.mounts[1].bind);
    EXPECT_TRUE(plan.mounts[1].options.recursive_bind);
    EXPECT_TRUE(plan.mounts[2].bind);  // by its type
}

TEST(MountPlan, ReadOnlyIsDeferredWhereSomethingIsMadeUnderIt) {
    MountPlan plan = plan_of(R"({"mounts": [
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]},
        {"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]},
        {"destination": "/data/inner", "type": "tmpfs", "source": "tmpfs"},
        {"destination": "/datastore", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]},
        {"destination": "/other", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]},
        {"destination": "/other2/", "type": "tmpfs", "source": "tmpfs"}]})");
    EXPECT_TRUE(plan.mounts[0].defer_readonly);   // /dev: device nodes come later
    EXPECT_TRUE(plan.mounts[1].defer_readonly);   // /data/inner is mounted under it
    EXPECT_FALSE(plan.mounts[2].defer_readonly);  // not read-only
    EXPECT_FALSE(plan.mounts[3].defer_readonly);  // /datastore: nothing under it
    EXPECT_FALSE(plan.mounts[4].defer_readonly);  // /other2 is beside, not under
}

TEST(MountPlan, DevBoundFromTheHostIsNoticed) {
    spec::Spec spec = spec::parse_config(spec::test::base_config_with(
        R"({"mounts": [{"destination": "/dev/", "source": "/dev", "options": ["rbind"]}]})"));
    EXPECT_TRUE(dev_is_bind_mounted(spec, plan_mounts(spec)));
    spec = spec::parse_config(spec::test::base_config_with(
        R"({"mounts": [{"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}]})"));
    EXPECT_FALSE(dev_is_bind_mounted(spec, plan_mounts(spec)));
}

// One reading of a mount's source for the init and for the parent that
// opens user-namespaced bind sources: relative to the bundle, as runc.
TEST(MountPlan, ARelativeSourceIsTheBundles) {
    spec::Mount m;
    m.source = "data";
    EXPECT_EQ(mount_source(m, "/b"), "/b/data");
    m.source = "/abs";
    EXPECT_EQ(mount_source(m, "/b"), "/abs");
    m.source = std::nullopt;
    EXPECT_EQ(mount_source(m, "/b"), "");
}

}  // namespace
}  // namespace rt::linux
