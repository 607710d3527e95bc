// What the cgroup tests share: every test puts its containers below a
// parent cgroup of its own (/rt-test-cg-<pid>-<n>) and removes it at the
// end, checking that delete left no cgroup of a container in any hierarchy.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixture.hpp"

namespace rt_test {

// The cgroup hierarchies mounted under /sys/fs/cgroup (v1 ones and cgroup2).
struct Hierarchy {
    std::string mount;  // /sys/fs/cgroup/memory, /sys/fs/cgroup/unified
    std::string type;   // cgroup or cgroup2
};

inline std::vector<Hierarchy> cgroup_hierarchies() {
    std::vector<Hierarchy> list;
    std::istringstream in(read_text("/proc/self/mountinfo"));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string f[5], word, type;
        for (auto& x : f) fields >> x;
        while (fields >> word && word != "-") {
        }
        fields >> type;
        if ((type == "cgroup" || type == "cgroup2") && f[4].rfind("/sys/fs/cgroup", 0) == 0) {
            list.push_back({f[4], type});
        }
    }
    return list;
}

inline std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

class CgroupTest : public RtTest {
protected:
    void SetUp() override {
        RtTest::SetUp();
        static int counter = 0;
        parent_ = "/rt-test-cg-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
        hybrid_root_controllers_ = words(read_text(hybrid_root_ + "/cgroup.subtree_control"));
    }

    void TearDown() override {
        RtTest::TearDown();  // deletes the containers
        for (const auto& h : cgroup_hierarchies()) {
            std::string dir = h.mount + parent_;
            if (!path_exists(dir)) continue;
            // Children left: a container whose cgroup delete did not remove.
            for (const auto& entry : std::filesystem::directory_iterator(dir)) {
                if (entry.is_directory()) {
                    ADD_FAILURE() << "cgroup left behind: " << entry.path();
                    rmdir(entry.path().c_str());
                }
            }
            rmdir(dir.c_str());
        }
        // A controller rt enabled in the host's cgroup2 root of a hybrid
        // host (hugetlb through `unified`) is disabled again.
        for (const auto& controller : words(read_text(hybrid_root_ + "/cgroup.subtree_control"))) {
            if (std::find(hybrid_root_controllers_.begin(), hybrid_root_controllers_.end(), controller) ==
                hybrid_root_controllers_.end()) {
                std::ofstream(hybrid_root_ + "/cgroup.subtree_control") << "-" << controller;
            }
        }
    }

    static std::vector<std::string> words(const std::string& text) {
        std::istringstream in(text);
        std::vector<std::string> list;
        for (std::string word; in >> word;) list.push_back(word);
        return list;
    }

    const std::string hybrid_root_ = "/sys/fs/cgroup/unified";
    std::vector<std::string> hybrid_root_controllers_;

    // cgroupsPath for a container of this test.
    std::string cgroups_path(const std::string& id) const { return parent_ + "/" + id; }
    // Its directory in a hierarchy ("memory", "unified", ...).
    std::string cgroup_dir(const std::string& hierarchy, const std::string& id) const {
        return "/sys/fs/cgroup/" + hierarchy + cgroups_path(id);
    }
    std::string cgroup_file(const std::string& hierarchy, const std::string& id, const std::string& file) const {
        return trim(read_text(cgroup_dir(hierarchy, id) + "/" + file));
    }
    // A bundle whose container lives below this test's parent cgroup.
    void place(Bundle& bundle, const std::string& id, const json& resources = json::object()) const {
        bundle.config["linux"]["cgroupsPath"] = cgroups_path(id);
        if (!resources.empty()) bundle.config["linux"]["resources"] = resources;
        bundle.write();
    }
    // No directory of the container's in any hierarchy.
    void expect_no_cgroup_left(const std::string& id) const {
        for (const auto& h : cgroup_hierarchies()) {
            EXPECT_FALSE(path_exists(h.mount + cgroups_path(id))) << "left: " << h.mount + cgroups_path(id);
        }
    }
    std::vector<int> procs(const std::string& hierarchy, const std::string& id) const {
        std::vector<int> pids;
        std::istringstream in(read_text(cgroup_dir(hierarchy, id) + "/cgroup.procs"));
        int pid;
        while (in >> pid) pids.push_back(pid);
        return pids;
    }

    std::string parent_;
};

}  // namespace rt_test
