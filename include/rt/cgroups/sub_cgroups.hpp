// `rt exec --cgroup [CONTROLLER[,CONTROLLER...]:]PATH`: the exec'd process
// joins a sub-cgroup of the container's instead of the container's own, with
// runc 1.1's rules:
//   - PATH alone (the only --cgroup given): below the container's cgroup in
//     every hierarchy it has (cgroup v2: its one cgroup);
//   - CONTROLLER:PATH (repeatable, cgroup v1): below the container's cgroup
//     of those controllers only; the others stay the container's own.
// PATH is relative to the container's cgroup (a leading '/' too), and must
// stay below it: ".." that climbs out of it is refused (runc checks only a
// string prefix). Whether the sub-cgroups exist is for the caller to check.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace rt::cgroups {

// `paths` is the container's (state.json's cgroupPaths: controller -> path,
// "" for the cgroup2 hierarchy); returns them with the sub-cgroups applied.
// Throws rt::Error naming the --cgroup argument at fault.
std::map<std::string, std::string> sub_cgroup_paths(const std::map<std::string, std::string>& paths,
                                                    const std::vector<std::string>& arguments);

}  // namespace rt::cgroups
