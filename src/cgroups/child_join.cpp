#include <fcntl.h>

#include <algorithm>

#include "cgroup_dir.hpp"
#include "rt/cgroups/manager.hpp"
#include "rt/util/error.hpp"

namespace rt::cgroups {

ChildJoin open_child_join(const std::map<std::string, std::string>& paths) {
    ChildJoin join;
    std::vector<std::string> v1_dirs;  // once each: controllers may share a hierarchy
    for (const auto& [controller, path] : paths) {
        if (controller.empty()) {
            join.v2_dir = CgroupDir(path).open_dir();
        } else if (std::find(v1_dirs.begin(), v1_dirs.end(), path) == v1_dirs.end()) {
            v1_dirs.push_back(path);
        }
    }
    // The freezer last: a child that joins a frozen one (exec --ignore-paused)
    // stops there, and must be in every other cgroup by then.
    if (auto freezer = paths.find("freezer"); freezer != paths.end()) {
        auto it = std::find(v1_dirs.begin(), v1_dirs.end(), freezer->second);
        if (it != v1_dirs.end()) std::rotate(it, it + 1, v1_dirs.end());
    }
    for (const auto& path : v1_dirs) {
        std::string tasks = CgroupDir(path).file("tasks");
        unique_fd fd(::open(tasks.c_str(), O_WRONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + tasks);
        join.v1_tasks.push_back({std::move(fd), tasks});
    }
    return join;
}

}  // namespace rt::cgroups
