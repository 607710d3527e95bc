// exec --cgroup: which cgroup each hierarchy's process joins.
#include <gtest/gtest.h>

#include "rt/cgroups/sub_cgroups.hpp"
#include "rt/util/error.hpp"

using rt::cgroups::sub_cgroup_paths;
using Paths = std::map<std::string, std::string>;

namespace {

const Paths v1 = {{"cpu", "/sys/fs/cgroup/cpu/rt/c"},
                  {"cpuacct", "/sys/fs/cgroup/cpuacct/rt/c"},
                  {"pids", "/sys/fs/cgroup/pids/rt/c"},
                  {"", "/sys/fs/cgroup/unified/rt/c"}};
const Paths v2 = {{"", "/sys/fs/cgroup/rt/c"}};

std::string error_of(const Paths& paths, const std::vector<std::string>& arguments) {
    try {
        sub_cgroup_paths(paths, arguments);
    } catch (const rt::Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(SubCgroups, NoneKeepsTheContainersCgroups) {
    EXPECT_EQ(sub_cgroup_paths(v1, {}), v1);
}

TEST(SubCgroups, APathAloneIsBelowEveryHierarchy) {
    EXPECT_EQ(sub_cgroup_paths(v2, {"exec/one"}), (Paths{{"", "/sys/fs/cgroup/rt/c/exec/one"}}));
    Paths got = sub_cgroup_paths(v1, {"/sub/"});  // a leading '/' is still below
    for (const auto& [controller, path] : v1) EXPECT_EQ(got[controller], path + "/sub") << controller;
    // What stays inside is fine, "." is the cgroup itself.
    EXPECT_EQ(sub_cgroup_paths(v2, {"a/../b"}).at(""), "/sys/fs/cgroup/rt/c/b");
    EXPECT_EQ(sub_cgroup_paths(v2, {"."}).at(""), "/sys/fs/cgroup/rt/c");
}

TEST(SubCgroups, ControllersPickTheirHierarchies) {
    Paths got = sub_cgroup_paths(v1, {"cpu,cpuacct:x", "pids:y/z"});
    EXPECT_EQ(got["cpu"], "/sys/fs/cgroup/cpu/rt/c/x");
    EXPECT_EQ(got["cpuacct"], "/sys/fs/cgroup/cpuacct/rt/c/x");
    EXPECT_EQ(got["pids"], "/sys/fs/cgroup/pids/rt/c/y/z");
    EXPECT_EQ(got[""], v1.at(""));  // untouched
}

TEST(SubCgroups, NothingOutsideTheContainersCgroup) {
    for (std::string escape : {"..", "../other", "a/../../other", "/../x", "./../x"}) {
        EXPECT_EQ(error_of(v2, {escape}), "--cgroup \"" + escape + "\": not below the container's cgroup") << escape;
    }
    EXPECT_EQ(error_of(v1, {"pids:a/../../../b"}), "--cgroup \"pids:a/../../../b\": not below the container's cgroup");
}

TEST(SubCgroups, MalformedArgumentsAreNamed) {
    EXPECT_EQ(error_of(v1, {"a:b:c"}), "--cgroup \"a:b:c\": expected [CONTROLLER[,CONTROLLER...]:]PATH");
    EXPECT_EQ(error_of(v1, {"pids:x", "y"}), "--cgroup \"y\": a path without CONTROLLER: must be the only --cgroup");
    EXPECT_EQ(error_of(v1, {"pids,:x"}), "--cgroup \"pids,:x\": an empty controller name");
    EXPECT_EQ(error_of(v1, {":x"}), "--cgroup \":x\": an empty controller name");
    EXPECT_EQ(error_of(v1, {"memory:x"}), "--cgroup \"memory:x\": the container has no cgroup of the controller \"memory\"");
    EXPECT_EQ(error_of(v2, {"pids:x"}),
              "--cgroup \"pids:x\": the container has no cgroup of the controller \"pids\" (on cgroup v2, give the path "
              "alone)");
    EXPECT_EQ(error_of({}, {"x"}), "--cgroup: the container has no cgroups");
}
