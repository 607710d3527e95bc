// AppArmor and SELinux labels: refused when the host lacks the LSM.
#include <gtest/gtest.h>

#include "rt/linux/lsm.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

TEST(Lsm, ListOfSecurityfs) {
    HostLsms host = lsms_from_list("lockdown,capability,landlock,yama,apparmor,bpf\n");
    EXPECT_TRUE(host.apparmor);
    EXPECT_FALSE(host.selinux);
    EXPECT_EQ(host.description, "active LSMs: lockdown,capability,landlock,yama,apparmor,bpf");
    host = lsms_from_list("capability,selinux");
    EXPECT_FALSE(host.apparmor);
    EXPECT_TRUE(host.selinux);
}

TEST(Lsm, LabelsNeedTheirLsm) {
    spec::Process process;
    process.apparmor_profile = "docker-default";
    process.selinux_label = "system_u:system_r:container_t:s0";
    HostLsms none = lsms_from_list("capability,landlock");
    try {
        plan_lsm_labels(process, none, ".process");
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), ".process.apparmorProfile: AppArmor is not enabled on this host (active LSMs: "
                               "capability,landlock)");
    }
    process.apparmor_profile.reset();
    try {
        plan_lsm_labels(process, none, ".process");
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), ".process.selinuxLabel: SELinux is not enabled on this host (active LSMs: "
                               "capability,landlock)");
    }
    LsmLabels labels = plan_lsm_labels(process, lsms_from_list("selinux"), ".process");
    EXPECT_EQ(labels.selinux_label, "system_u:system_r:container_t:s0");
    EXPECT_FALSE(labels.apparmor_profile.has_value());
}

TEST(Lsm, EmptyLabelsMeanNone) {
    spec::Process process;
    process.apparmor_profile = "";
    process.selinux_label = "";
    LsmLabels labels = plan_lsm_labels(process, lsms_from_list("capability"), ".process");
    EXPECT_FALSE(labels.apparmor_profile.has_value());
    EXPECT_FALSE(labels.selinux_label.has_value());
}

}  // namespace
}  // namespace rt::linux
