#include "controllers_common.hpp"

namespace rt::cgroups {

bool sets_cpu(const spec::Cpu& c) {
    return c.shares || c.quota || c.burst || c.period || c.realtime_runtime || c.realtime_period || c.idle;
}

bool sets_cpuset(const spec::Cpu& c) {
    return c.cpus || c.mems;
}

bool sets_block_io(const spec::BlockIo& io) {
    return io.weight || io.leaf_weight || !io.weight_device.empty() || !io.throttle_read_bps_device.empty() ||
           !io.throttle_write_bps_device.empty() || !io.throttle_read_iops_device.empty() ||
           !io.throttle_write_iops_device.empty();
}

std::string pids_max_value(int64_t limit) {
    return limit < 0 ? std::string("max") : number(limit);
}

}  // namespace rt::cgroups

#include <sstream>

#include "rt/util/log.hpp"

namespace rt::cgroups {

std::string unified_controller(const std::string& key) {
    if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..") {
        throw Error("\"" + key + "\" is not the name of a file of the cgroup");
    }
    auto dot = key.find('.');
    if (dot == std::string::npos || dot == 0) {
        throw Error("\"" + key + "\" must have the form CONTROLLER.PARAMETER");
    }
    std::string controller = key.substr(0, dot);
    return controller == "cgroup" ? "" : controller;
}

std::set<std::string> controller_set(const std::string& text) {
    std::set<std::string> words;
    std::istringstream in(text);
    std::string word;
    while (in >> word) words.insert(word);
    return words;
}

void make_v2_cgroup(const std::string& mount, const std::string& leaf, const std::set<std::string>& needed,
                    bool enable_all, std::vector<std::string>& created) {
    if (leaf.rfind(mount + "/", 0) != 0) throw Error("cgroup " + leaf + " is not below " + mount);
    if (needed.empty() && !enable_all) {  // nothing to enable on the way: only the directories
        make_cgroup_path(mount, leaf, created);
        return;
    }
    std::vector<std::string> levels = {mount};
    std::istringstream parts(leaf.substr(mount.size() + 1));
    std::string part;
    while (std::getline(parts, part, '/')) levels.push_back(levels.back() + "/" + part);

    for (size_t i = 0; i < levels.size(); ++i) {
        if (i > 0 && make_cgroup_dir(levels[i])) created.push_back(levels[i]);
        if (i + 1 == levels.size()) break;
        if (needed.empty() && !enable_all) continue;  // nothing to enable
        CgroupDir level(levels[i]);
        std::set<std::string> available = controller_set(level.read("cgroup.controllers"));
        std::set<std::string> enabled = controller_set(level.read("cgroup.subtree_control"));
        for (const auto& controller : needed) {
            if (!available.count(controller)) {
                throw Error("cgroup controller \"" + controller + "\" is not available in " + level.path() +
                            " (its cgroup.controllers: \"" + level.read("cgroup.controllers").substr(0, 200) +
                            "\")");
            }
        }
        const std::set<std::string>& wanted = enable_all ? available : needed;
        for (const auto& controller : wanted) {
            if (enabled.count(controller)) continue;
            int err = level.try_write("cgroup.subtree_control", "+" + controller);
            if (err == 0) continue;
            if (needed.count(controller)) {
                throw_errno(err, "enable the " + controller + " controller: write " +
                                     level.file("cgroup.subtree_control") + " \"+" + controller + "\"");
            }
            log::debug("cgroups: could not enable ", controller, " in ", level.path(), " (unused)");
        }
    }
}

void write_unified(const CgroupDir& dir, const std::map<std::string, std::string>& unified) {
    // Not a structured binding: clang 14 lets no lambda capture one.
    for (const auto& entry : unified) {
        const std::string& key = entry.first;
        const std::string& value = entry.second;
        with_field("unified." + key, [&] {
            std::string controller = unified_controller(key);
            if (!dir.has(key)) {
                if (!controller.empty() && !controller_set(dir.read("cgroup.controllers")).count(controller)) {
                    throw Error("controller \"" + controller + "\" is not enabled in " + dir.path());
                }
                throw Error("no such file in " + dir.path());
            }
            // Files such as io.max take one line per write.
            std::istringstream lines(value);
            std::string line;
            bool wrote = false;
            while (std::getline(lines, line)) {
                if (line.empty()) continue;
                dir.write(key, line);
                wrote = true;
            }
            if (!wrote) dir.write(key, value);
        });
    }
}

}  // namespace rt::cgroups
