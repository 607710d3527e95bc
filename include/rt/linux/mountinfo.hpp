// /proc/<pid>/mountinfo, parsed (proc(5)).
#pragma once

#include <string>
#include <vector>

namespace rt::linux {

struct MountInfo {
    int id = 0;
    int parent_id = 0;
    std::string root;           // root of the mount within its filesystem
    std::string mount_point;
    std::string options;        // per-mount options: "rw,nosuid,..."
    std::string optional_fields;  // "shared:1 master:2"
    std::string fs_type;
    std::string source;
    std::string super_options;  // per-superblock options: "rw,memory"
};

std::vector<MountInfo> parse_mountinfo(const std::string& text);
std::vector<MountInfo> read_mountinfo(const std::string& path = "/proc/self/mountinfo");

// The mount whose mount point is the longest prefix of `path` (the mount
// `path` lives on). Nullptr if none (only when the list is empty).
const MountInfo* mount_containing(const std::vector<MountInfo>& mounts, const std::string& path);
// The result points into `mounts`: a temporary list would leave it dangling
// (ASan caught one), so none is accepted.
const MountInfo* mount_containing(std::vector<MountInfo>&& mounts, const std::string& path) = delete;

}  // namespace rt::linux
