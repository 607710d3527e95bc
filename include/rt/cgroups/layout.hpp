// Where the host's cgroups are: which hierarchies are mounted under
// /sys/fs/cgroup (cgroup v2 alone, v1 alone, or the hybrid of v1 controllers
// plus a cgroup2 mount at /sys/fs/cgroup/unified), where rt itself sits in
// them, and where a container's `linux.cgroupsPath` puts its cgroups.
//
// Everything here only reads. A Layout can also be built by hand over a fake
// tree in a temp dir: the managers take every path from it, so unit tests run
// them without root and without touching the host.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rt/linux/mountinfo.hpp"

namespace rt::cgroups {

enum class Mode {
    unified,  // cgroup v2 only: /sys/fs/cgroup is a cgroup2 mount
    legacy,   // cgroup v1 only: a tmpfs with one mount per hierarchy
    hybrid,   // v1 hierarchies plus cgroup2 at <root>/unified (no controllers of its own, usually)
};

const char* to_string(Mode mode);

// One cgroup v1 hierarchy.
struct Hierarchy {
    std::string mount;                     // "/sys/fs/cgroup/cpu,cpuacct"
    std::vector<std::string> controllers;  // {"cpu", "cpuacct"}, or {"name=systemd"}
    // Its name in /proc/PID/cgroup: the controllers joined by ','
    // ("cpu,cpuacct", "name=systemd").
    std::string key() const;
};

struct Layout {
    Mode mode = Mode::unified;
    std::string root = "/sys/fs/cgroup";
    std::vector<Hierarchy> v1;  // legacy and hybrid
    std::string unified;        // cgroup2 mount point; "" on legacy
    // rt's own cgroups (/proc/self/cgroup): hierarchy key -> path in it; ""
    // is the v2 hierarchy.
    std::map<std::string, std::string> own;
    // Huge page sizes of the kernel as the hugetlb files name them ("2MB").
    std::vector<std::string> hugepage_sizes;

    // The v1 hierarchy holding `controller`, or nullptr.
    const Hierarchy* find_v1(const std::string& controller) const;
};

// Reads the host: statfs(root), /proc/self/mountinfo, /proc/self/cgroup and
// /sys/kernel/mm/hugepages. Throws rt::Error when no cgroup hierarchy is
// mounted at `root`.
Layout detect_layout(const std::string& root = "/sys/fs/cgroup");
// The same from the mount table `mounts` (/proc/self/mountinfo, parsed).
Layout detect_layout(const std::vector<linux::MountInfo>& mounts, const std::string& root = "/sys/fs/cgroup");

// Parses /proc/PID/cgroup text ("4:memory:/a/b" lines) into key -> path.
std::map<std::string, std::string> parse_proc_cgroup(const std::string& text);

// "hugepages-2048kB" -> "2MB", as runc names them.
std::string hugepage_size_name(const std::string& sysfs_dir_name);

// The cgroup path (inside a hierarchy, starting with '/') the container gets
// from `linux.cgroupsPath`:
//   absolute "/a/b"  -> "/a/b" in every hierarchy (the spec: relative to the
//                       cgroup mount point);
//   relative "a/b"   -> under rt's own cgroup, as runc does: on v1 under rt's
//                       cgroup in each hierarchy, on v2 under its parent (rt's
//                       own cgroup has processes, so it cannot have children
//                       with controllers);
//   absent           -> "/rt/<id>".
// `own` is rt's path in the hierarchy concerned. Throws rt::Error for ".."
// components, for a path naming the root cgroup, and for control characters.
std::string container_cgroup_path(const std::optional<std::string>& cgroups_path, const std::string& id,
                                  const std::string& own, bool v2);

}  // namespace rt::cgroups
