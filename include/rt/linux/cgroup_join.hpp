// A child of rt (the container's init, an exec'd process) that joins the
// container's cgroups as it is born, rather than being moved in by its pid
// (cgroups::Manager::child_join says why): an exec'd process gets what it
// needs opened before the clone; the init gets the cgroup2 directory so, and
// the v1 tasks files over the sync channel, as the parent makes them while
// the init makes its namespaces.
#pragma once

#include <string>
#include <vector>

#include "rt/linux/sync_protocol.hpp"
#include "rt/util/channel.hpp"

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

// The init's part (create): the v1 tasks files come over the sync channel
// with cgroups_made, once the parent has made them (in the freezer-last
// order); each is written "0" and closed.
void join_cgroups_sent(Channel& channel, SyncOrder& order);

}  // namespace rt::linux
