// --rootless and the default --root (rt/util/caller.hpp).
#include <gtest/gtest.h>

#include "rt/util/caller.hpp"

namespace rt {
namespace {

TEST(Caller, RootlessAutoFollowsTheCaller) {
    Caller root;
    Caller user;
    user.euid = 1000;
    Caller root_in_user_ns;
    root_in_user_ns.in_user_namespace = true;
    EXPECT_FALSE(rootless_mode("auto", root));
    EXPECT_TRUE(rootless_mode("auto", user));
    EXPECT_TRUE(rootless_mode("auto", root_in_user_ns));
    EXPECT_TRUE(rootless_mode("true", root));
    EXPECT_FALSE(rootless_mode("false", user));
}

TEST(Caller, TheDefaultRootIsUnderXdgRuntimeDirWhenRootless) {
    EXPECT_EQ(default_state_root(true, "/run/user/1000"), "/run/user/1000/rt");
    EXPECT_EQ(default_state_root(true, nullptr), "/run/rt");
    EXPECT_EQ(default_state_root(true, ""), "/run/rt");
    EXPECT_EQ(default_state_root(false, "/run/user/1000"), "/run/rt");
}

TEST(Caller, TheInitialUserNamespaceIsTold) {
    EXPECT_FALSE(is_nested_user_namespace("         0          0 4294967295\n"));
    EXPECT_TRUE(is_nested_user_namespace("         0       1000          1\n"));
    EXPECT_TRUE(is_nested_user_namespace(""));
}

}  // namespace
}  // namespace rt
