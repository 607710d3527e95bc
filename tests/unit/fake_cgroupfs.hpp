// A fake cgroupfs in a temp dir for the cgroups unit tests: directories with
// the control files the kernel would show (plain files here), a Layout over
// them, and the log of every write the managers make.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../../src/cgroups/cgroup_dir.hpp"
#include "rt/cgroups/layout.hpp"

namespace rt::cgroups::test {

class FakeCgroupfs {
public:
    FakeCgroupfs() {
        char dir[] = "/tmp/rt-fake-cgroupfs-XXXXXX";
        if (!::mkdtemp(dir)) throw std::runtime_error("mkdtemp");
        root_ = dir;
        write_log = &writes_;
    }
    ~FakeCgroupfs() {
        write_log = nullptr;
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    FakeCgroupfs(const FakeCgroupfs&) = delete;
    FakeCgroupfs& operator=(const FakeCgroupfs&) = delete;

    const std::string& root() const { return root_; }
    std::string path(const std::string& relative) const { return root_ + "/" + relative; }

    void write(const std::string& relative, const std::string& content) const {
        std::filesystem::create_directories(std::filesystem::path(path(relative)).parent_path());
        std::ofstream(path(relative)) << content;
    }
    std::string read(const std::string& relative) const {
        std::ifstream in(path(relative));
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    void remove(const std::string& relative) const { std::filesystem::remove(path(relative)); }
    bool exists(const std::string& relative) const { return std::filesystem::exists(path(relative)); }
    // Whether `fd` is open on the file at `relative`.
    bool is_open_on(int fd, const std::string& relative) const {
        struct stat open {}, there {};
        return ::fstat(fd, &open) == 0 && ::stat(path(relative).c_str(), &there) == 0 &&
               open.st_dev == there.st_dev && open.st_ino == there.st_ino;
    }

    // A cgroup v2 directory as the kernel shows it with `controllers`
    // enabled for it (in its parent's subtree_control).
    void v2_cgroup(const std::string& relative, const std::string& controllers) const {
        write(relative + "/cgroup.procs", "");
        write(relative + "/cgroup.controllers", controllers);
        write(relative + "/cgroup.subtree_control", "");
        write(relative + "/cgroup.freeze", "0\n");
        write(relative + "/cgroup.events", "populated 0\nfrozen 0\n");
        write(relative + "/cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
        std::istringstream words(controllers);
        std::string controller;
        while (words >> controller) {
            if (controller == "memory") {
                for (const char* f : {"memory.max", "memory.swap.max", "memory.low", "memory.high"}) {
                    write(relative + "/" + f, "max\n");
                }
                write(relative + "/memory.current", "0\n");
                write(relative + "/memory.swap.current", "0\n");
                write(relative + "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
                write(relative + "/memory.stat", "anon 0\nfile 0\n");
            } else if (controller == "cpu") {
                write(relative + "/cpu.weight", "100\n");
                write(relative + "/cpu.max", "max 100000\n");
                write(relative + "/cpu.max.burst", "0\n");
                write(relative + "/cpu.idle", "0\n");
            } else if (controller == "cpuset") {
                write(relative + "/cpuset.cpus", "\n");
                write(relative + "/cpuset.mems", "\n");
            } else if (controller == "pids") {
                write(relative + "/pids.max", "max\n");
                write(relative + "/pids.current", "0\n");
            } else if (controller == "io") {
                write(relative + "/io.weight", "default 100\n");
                write(relative + "/io.max", "");
                write(relative + "/io.stat", "");
            } else if (controller == "hugetlb") {
                write(relative + "/hugetlb.2MB.max", "max\n");
                write(relative + "/hugetlb.2MB.current", "0\n");
                write(relative + "/hugetlb.2MB.events", "max 0\n");
            } else if (controller == "rdma") {
                write(relative + "/rdma.max", "");
            }
        }
    }

    // Writes the managers made since the last call, as (path relative to
    // the root, value).
    std::vector<std::pair<std::string, std::string>> take_writes() {
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& [file, value] : writes_) out.emplace_back(file.substr(root_.size() + 1), value);
        writes_.clear();
        return out;
    }

private:
    std::string root_;
    std::vector<std::pair<std::string, std::string>> writes_;
};

}  // namespace rt::cgroups::test
