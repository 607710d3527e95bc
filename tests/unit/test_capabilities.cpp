// Capability names to numbers, and the split of a config's sets into what is
// applied, what is refused and what is left out with a warning.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rt/linux/capabilities.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

CapabilityMask bits(std::initializer_list<int> numbers) {
    CapabilityMask mask = 0;
    for (int n : numbers) mask |= CapabilityMask{1} << n;
    return mask;
}

// A kernel with capabilities 0..40 that lets rt grant all of them.
CapabilityEnvironment full_environment() { return {40, (CapabilityMask{1} << 41) - 1}; }

std::string plan_error(const spec::Capabilities& caps, const CapabilityEnvironment& environment) {
    CapabilityMessages messages;
    try {
        plan_capabilities(caps, environment, ".process.capabilities", messages);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Capabilities, NamesAndNumbers) {
    EXPECT_EQ(capability_number("CAP_CHOWN"), 0);
    EXPECT_EQ(capability_number("CAP_NET_BIND_SERVICE"), 10);
    EXPECT_EQ(capability_number("CAP_SYS_ADMIN"), 21);
    EXPECT_EQ(capability_number("CAP_CHECKPOINT_RESTORE"), 40);
    EXPECT_EQ(capability_number("CAP_BOGUS"), std::nullopt);
    EXPECT_EQ(capability_number("21"), std::nullopt);  // a number is not a name
    EXPECT_EQ(capability_number(""), std::nullopt);
    EXPECT_EQ(capability_name(0), "CAP_CHOWN");
    EXPECT_EQ(capability_name(21), "CAP_SYS_ADMIN");
    EXPECT_EQ(capability_names(bits({5, 10})), "CAP_KILL, CAP_NET_BIND_SERVICE");
}

TEST(Capabilities, EachSetIsTranslated) {
    spec::Capabilities caps;
    caps.bounding = {"CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"};
    caps.effective = {"CAP_KILL"};
    caps.permitted = {"CAP_KILL", "CAP_NET_BIND_SERVICE"};
    caps.inheritable = {"CAP_NET_BIND_SERVICE"};
    caps.ambient = {"CAP_NET_BIND_SERVICE"};
    CapabilityMessages messages;
    CapabilityPlan plan = plan_capabilities(caps, full_environment(), ".process.capabilities", messages);
    EXPECT_EQ(plan.bounding, bits({5, 10, 29}));
    EXPECT_EQ(plan.effective, bits({5}));
    EXPECT_EQ(plan.permitted, bits({5, 10}));
    EXPECT_EQ(plan.inheritable, bits({10}));
    EXPECT_EQ(plan.ambient, bits({10}));
    EXPECT_EQ(plan.last_cap, 40);
    EXPECT_TRUE(messages.warnings.empty());
    EXPECT_TRUE(messages.notes.empty());
}

TEST(Capabilities, AbsentMeansNoneAtAll) {
    CapabilityMessages messages;
    CapabilityPlan plan = plan_capabilities(std::nullopt, full_environment(), ".process.capabilities", messages);
    EXPECT_EQ(plan.bounding | plan.effective | plan.permitted | plan.inheritable | plan.ambient, 0u);
}

TEST(Capabilities, UnknownNamesAreAnErrorNamingThemAll) {
    spec::Capabilities caps;
    caps.bounding = {"CAP_KILL", "CAP_BOGUS"};
    caps.ambient = {"CAP_FOO", "CAP_BOGUS"};
    EXPECT_EQ(plan_error(caps, full_environment()),
              ".process.capabilities: unknown capabilities \"CAP_BOGUS\", \"CAP_FOO\"");
}

TEST(Capabilities, WhatTheKernelLacksIsLeftOutWithAWarning) {
    spec::Capabilities caps;
    caps.bounding = {"CAP_KILL", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};
    caps.permitted = caps.effective = caps.bounding;
    CapabilityEnvironment old_kernel{38, (CapabilityMask{1} << 39) - 1};  // up to CAP_PERFMON
    CapabilityMessages messages;
    CapabilityPlan plan = plan_capabilities(caps, old_kernel, ".process.capabilities", messages);
    EXPECT_EQ(plan.bounding, bits({5}));
    EXPECT_EQ(plan.effective, bits({5}));
    EXPECT_EQ(plan.last_cap, 38);
    EXPECT_THAT(messages.warnings, ElementsAre("ignoring capabilities the running kernel does not have: CAP_BPF, "
                                      "CAP_CHECKPOINT_RESTORE"));
}

TEST(Capabilities, WhatRtDoesNotHoldIsLeftOutWithAWarning) {
    spec::Capabilities caps;
    caps.bounding = caps.permitted = {"CAP_KILL", "CAP_SYS_RESOURCE"};
    CapabilityEnvironment environment = full_environment();
    environment.grantable &= ~bits({24});
    CapabilityMessages messages;
    CapabilityPlan plan = plan_capabilities(caps, environment, ".process.capabilities", messages);
    EXPECT_EQ(plan.permitted, bits({5}));
    EXPECT_THAT(messages.warnings, ElementsAre("ignoring capabilities rt does not hold and cannot grant: CAP_SYS_RESOURCE"));
}

TEST(Capabilities, SetsTheKernelWouldRefuseAreNamed) {
    spec::Capabilities not_permitted;
    not_permitted.bounding = {"CAP_KILL", "CAP_CHOWN"};
    not_permitted.effective = {"CAP_KILL", "CAP_CHOWN"};
    not_permitted.permitted = {"CAP_KILL"};
    EXPECT_EQ(plan_error(not_permitted, full_environment()),
              ".process.capabilities.effective: CAP_CHOWN not in the permitted set");

    spec::Capabilities not_bounded;
    not_bounded.inheritable = {"CAP_CHOWN"};
    EXPECT_EQ(plan_error(not_bounded, full_environment()),
              ".process.capabilities.inheritable: CAP_CHOWN not in the bounding set");
}

TEST(Capabilities, AmbientNeedsPermittedAndInheritable) {
    spec::Capabilities caps;
    caps.bounding = caps.permitted = {"CAP_KILL", "CAP_CHOWN"};
    caps.inheritable = {"CAP_KILL"};
    caps.ambient = {"CAP_KILL", "CAP_CHOWN"};
    CapabilityMessages messages;
    CapabilityPlan plan = plan_capabilities(caps, full_environment(), ".process.capabilities", messages);
    EXPECT_EQ(plan.ambient, bits({5}));
    // A note for the debug log, no warning.
    EXPECT_THAT(messages.notes, ElementsAre(HasSubstr("not both permitted and inheritable: CAP_CHOWN")));
    EXPECT_TRUE(messages.warnings.empty());
}

TEST(Capabilities, EnvironmentOfThisProcess) {
    CapabilityEnvironment environment = current_capability_environment(false);
    EXPECT_GE(environment.last_cap, 36);  // CAP_AUDIT_READ and up: Linux 3.16+
    // In a user namespace of its own the init may have all of its bounding set.
    CapabilityEnvironment in_user_namespace = current_capability_environment(true);
    EXPECT_EQ(environment.grantable & ~in_user_namespace.grantable, 0u);
}

}  // namespace
}  // namespace rt::linux
