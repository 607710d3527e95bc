// A child of rt (the container's init, an exec'd process) that joins the
// container's cgroups as it is born, rather than being moved in by its pid
// (cgroups::Manager::child_join says why): the parent opens what the child
// needs before the clone.
#pragma once

#include <string>
#include <vector>

namespace rt::linux {

struct CgroupJoin {
    // The cgroup v2 directory, for clone3's CLONE_INTO_CGROUP; -1: none.
    int v2_dir = -1;
    // The cgroup v1 "tasks" files, open for writing, to which the child
    // writes "0" (itself) first of all.
    struct Tasks {
        int fd = -1;
        std::string path;  // for messages
    };
    std::vector<Tasks> v1_tasks;
};

// The child's part, first of all: "0" to each v1 tasks file, which is then
// closed. The child is single-threaded: the thread "0" names is the whole
// process.
void join_cgroups_v1(const CgroupJoin& join);

}  // namespace rt::linux
