// Detecting the host's cgroup layout and resolving linux.cgroupsPath.
#include "rt/cgroups/layout.hpp"

#include <dirent.h>
#include <sys/vfs.h>

#include <algorithm>
#include <cstdlib>
#include <linux/magic.h>
#include <sstream>

#include "rt/linux/mountinfo.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"

namespace rt::cgroups {
namespace {

// Superblock options of a v1 mount that are not controllers.
bool is_v1_controller_option(const std::string& option) {
    static const char* const not_controllers[] = {"rw", "ro", "clone_children", "noprefix", "xattr",
                                                  "cpuset_v2_mode", "favordynmods", "nosuid", "nodev",
                                                  "noexec", "relatime"};
    for (const char* word : not_controllers) {
        if (option == word) return false;
    }
    return option.rfind("release_agent=", 0) != 0;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::istringstream in(text);
    std::string part;
    while (std::getline(in, part, separator)) parts.push_back(part);
    return parts;
}

std::vector<std::string> detect_hugepage_sizes() {
    std::vector<std::string> sizes;
    DIR* dir = ::opendir("/sys/kernel/mm/hugepages");
    if (!dir) return sizes;  // a kernel without huge pages
    while (dirent* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name.rfind("hugepages-", 0) == 0) sizes.push_back(hugepage_size_name(name));
    }
    ::closedir(dir);
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

}  // namespace

const char* to_string(Mode mode) {
    switch (mode) {
    case Mode::unified: return "unified (cgroup v2)";
    case Mode::legacy: return "legacy (cgroup v1)";
    case Mode::hybrid: return "hybrid (cgroup v1 with cgroup2 at unified)";
    }
    return "unknown";
}

std::string Hierarchy::key() const {
    std::string key;
    for (const auto& controller : controllers) key += (key.empty() ? "" : ",") + controller;
    return key;
}

const Hierarchy* Layout::find_v1(const std::string& controller) const {
    for (const auto& hierarchy : v1) {
        if (std::find(hierarchy.controllers.begin(), hierarchy.controllers.end(), controller) !=
            hierarchy.controllers.end()) {
            return &hierarchy;
        }
    }
    return nullptr;
}

std::map<std::string, std::string> parse_proc_cgroup(const std::string& text) {
    std::map<std::string, std::string> paths;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        auto first = line.find(':');
        auto second = first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos) continue;
        paths[line.substr(first + 1, second - first - 1)] = line.substr(second + 1);
    }
    return paths;
}

std::string hugepage_size_name(const std::string& sysfs_dir_name) {
    // "hugepages-2048kB": the size in kB; runc prints it in the largest
    // binary unit that divides it ("2MB", "1GB", "64KB").
    std::string digits = sysfs_dir_name.substr(sysfs_dir_name.find('-') + 1);
    uint64_t size = std::strtoull(digits.c_str(), nullptr, 10);
    const char* units[] = {"KB", "MB", "GB", "TB", "PB"};
    size_t unit = 0;
    while (size >= 1024 && size % 1024 == 0 && unit + 1 < std::size(units)) {
        size /= 1024;
        ++unit;
    }
    return std::to_string(size) + units[unit];
}

Layout detect_layout(const std::string& root) {
    return detect_layout(linux::read_mountinfo(), root);
}

Layout detect_layout(const std::vector<linux::MountInfo>& mounts, const std::string& root) {
    Layout layout;
    layout.root = root;
    layout.own = parse_proc_cgroup(read_file("/proc/self/cgroup"));
    layout.hugepage_sizes = detect_hugepage_sizes();

    struct statfs fs {};
    if (::statfs(root.c_str(), &fs) < 0) throw_errno("cgroups: statfs " + root);
    if (fs.f_type == CGROUP2_SUPER_MAGIC) {
        layout.mode = Mode::unified;
        layout.unified = root;
        return layout;
    }

    // A tmpfs holding one mount per hierarchy (v1), maybe a cgroup2 one too.
    const std::string prefix = root + "/";
    for (const auto& mount : mounts) {
        if (mount.mount_point.rfind(prefix, 0) != 0) continue;
        std::string name = mount.mount_point.substr(prefix.size());
        if (name.empty() || name.find('/') != std::string::npos) continue;
        if (mount.fs_type == "cgroup2") {
            layout.unified = mount.mount_point;
        } else if (mount.fs_type == "cgroup") {
            Hierarchy hierarchy;
            hierarchy.mount = mount.mount_point;
            for (const auto& option : split(mount.super_options, ',')) {
                if (is_v1_controller_option(option)) hierarchy.controllers.push_back(option);
            }
            // The same hierarchy mounted twice counts once.
            bool seen = false;
            for (const auto& other : layout.v1) seen = seen || other.key() == hierarchy.key();
            if (!seen && !hierarchy.controllers.empty()) layout.v1.push_back(std::move(hierarchy));
        }
    }
    if (layout.v1.empty()) {
        if (!layout.unified.empty()) {
            throw Error("cgroups: " + root + " holds only a cgroup2 mount at " + layout.unified +
                        " and no cgroup v1 hierarchy: unsupported layout");
        }
        throw Error("cgroups: no cgroup hierarchy is mounted at " + root);
    }
    layout.mode = layout.unified.empty() ? Mode::legacy : Mode::hybrid;
    return layout;
}

std::string container_cgroup_path(const std::optional<std::string>& cgroups_path, const std::string& id,
                                  const std::string& own, bool v2) {
    if (!cgroups_path || cgroups_path->empty()) return "/rt/" + id;
    const std::string& given = *cgroups_path;
    for (char c : given) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            throw Error(".linux.cgroupsPath: must not hold control characters");
        }
    }
    std::string clean;
    for (const auto& part : split(given, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") throw Error(".linux.cgroupsPath: must not contain \"..\": " + given);
        clean += "/" + part;
    }
    if (clean.empty()) throw Error(".linux.cgroupsPath: names the root cgroup: " + given);
    if (given[0] == '/') return clean;

    // Relative: below rt's own cgroup (v1), or its parent (v2), as runc.
    std::string base = own.empty() ? "/" : own;
    if (v2) base = dirname_of(base);
    if (base == "/") return clean;
    return base + clean;
}

}  // namespace rt::cgroups
