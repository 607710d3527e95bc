// A `type: cgroup` mount: the container's view of its cgroups.
//
// cgroup v2 only: a cgroup2 mount (with a cgroup namespace the kernel roots
// it at the container's cgroup), or a bind of the container's own cgroup
// directory without one.
// cgroup v1 and hybrid: a tmpfs holding one directory per hierarchy the host
// mounts under /sys/fs/cgroup, each a fresh mount of that hierarchy (with a
// cgroup namespace) or a bind of the container's cgroup in it (without),
// and the host's co-mount symlinks (cpuacct -> cpu,cpuacct).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <linux/magic.h>
#include <map>
#include <sstream>
#include <type_traits>

#include "rt/linux/mountinfo.hpp"
#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

constexpr const char* host_cgroup_root = "/sys/fs/cgroup";

// /proc/self/cgroup: hierarchy controllers ("cpu,cpuacct", "name=systemd",
// "" for v2) -> our cgroup path in it.
std::map<std::string, std::string> own_cgroups() {
    std::map<std::string, std::string> paths;
    std::istringstream lines(read_file("/proc/self/cgroup"));
    std::string line;
    while (std::getline(lines, line)) {
        auto first = line.find(':');
        auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        paths[line.substr(first + 1, second - first - 1)] = line.substr(second + 1);
    }
    return paths;
}

// The controllers of a v1 hierarchy, from its superblock options.
std::string hierarchy_controllers(const MountInfo& m) {
    std::string controllers;
    std::istringstream options(m.super_options);
    std::string option;
    while (std::getline(options, option, ',')) {
        if (option == "rw" || option == "ro" || option.rfind("release_agent=", 0) == 0 ||
            option == "clone_children" || option == "noprefix" || option == "xattr" ||
            option == "cpuset_v2_mode" || option == "favordynmods") {
            continue;
        }
        controllers += (controllers.empty() ? "" : ",") + option;
    }
    return controllers;
}

void mount_at(Syscalls& sys, const std::string& what, const char* source, int target_fd, const char* type,
              unsigned long flags, const char* data) {
    if (sys.mount(source, fd_path(target_fd).c_str(), type, flags, data) < 0) throw_errno(what);
}

// `target_fd`: the directory to mount on; `reopen` opens it again once
// mounted, for a remount of the mount itself; none (nullptr) when the
// caller makes the whole tree read-only after (v1: read_only_tree).
template <typename Reopen>
void mount_hierarchy(InitContext& ctx, const std::string& what, const MountInfo& host,
                     const std::map<std::string, std::string>& own, int target_fd, Reopen reopen,
                     unsigned long flags) {
    bool v2 = host.fs_type == "cgroup2";
    std::string controllers = v2 ? "" : hierarchy_controllers(host);
    if (ctx.new_cgroup_ns) {
        mount_at(ctx.sys, what, "cgroup", target_fd, v2 ? "cgroup2" : "cgroup", flags,
                 v2 ? nullptr : controllers.c_str());
        return;
    }
    auto path = own.find(controllers);
    std::string source = host.mount_point + (path == own.end() ? "" : path->second);
    mount_at(ctx.sys, what, source.c_str(), target_fd, nullptr, MS_BIND | MS_REC, nullptr);
    if constexpr (std::is_null_pointer_v<Reopen>) {
        return;
    } else if (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) {
        // On the bind mount itself, not on the directory under it.
        unique_fd mounted = reopen();
        unsigned long remount = MS_BIND | MS_REMOUNT |
                                (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
        mount_at(ctx.sys, what + ": remount", nullptr, mounted.get(), nullptr, remount, nullptr);
    }
}

// The v1 tree, tmpfs and hierarchies, given the mount's flags at once: one
// mount_setattr rather than a remount per hierarchy (9 or more, each with an
// open of its target), and stricter, as it reaches their submounts too.
void read_only_tree(Syscalls& sys, const std::string& what, int tmpfs, unsigned long flags) {
    mount_attr attr{};
    if (flags & MS_RDONLY) attr.attr_set |= MOUNT_ATTR_RDONLY;
    if (flags & MS_NOSUID) attr.attr_set |= MOUNT_ATTR_NOSUID;
    if (flags & MS_NODEV) attr.attr_set |= MOUNT_ATTR_NODEV;
    if (flags & MS_NOEXEC) attr.attr_set |= MOUNT_ATTR_NOEXEC;
    if (attr.attr_set == 0) return;
    if (sys.mount_setattr(tmpfs, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0) {
        throw_errno(what + ": make read-only (mount_setattr)");
    }
}

// A directory `name` in the tmpfs rt just mounted (nothing of the image's
// is in it: no link to follow), opened.
unique_fd directory_in_fresh_tmpfs(int tmpfs, const std::string& name, const std::string& what) {
    if (::mkdirat(tmpfs, name.c_str(), 0755) < 0 && errno != EEXIST) throw_errno(what + ": mkdir");
    unique_fd dir(::openat(tmpfs, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) throw_errno(what + ": open");
    return dir;
}

}  // namespace

void mount_cgroup(InitContext& ctx, const spec::Mount& m, int target_fd, unsigned long flags) {
    const std::string what = "mount " + m.destination;
    struct statfs fs {};
    if (::statfs(host_cgroup_root, &fs) < 0) throw_errno(what + ": statfs /sys/fs/cgroup");
    auto own = own_cgroups();

    if (fs.f_type == CGROUP2_SUPER_MAGIC) {
        MountInfo unified;
        unified.fs_type = "cgroup2";
        unified.mount_point = host_cgroup_root;
        auto reopen = [&] { return open_in_root(ctx.root.get(), m.destination, O_PATH); };
        mount_hierarchy(ctx, what, unified, own, target_fd, reopen, flags);
        return;
    }

    // v1 or hybrid: a tmpfs, filled, then made read-only if asked.
    mount_at(ctx.sys, what, "tmpfs", target_fd, "tmpfs", flags & ~MS_RDONLY, "mode=755");
    unique_fd tmpfs = open_in_root(ctx.root.get(), m.destination, O_PATH | O_DIRECTORY);
    std::string prefix = std::string(host_cgroup_root) + "/";
    for (const auto& host : ctx.host_mounts()) {
        if (host.fs_type != "cgroup" && host.fs_type != "cgroup2") continue;
        if (host.mount_point.rfind(prefix, 0) != 0) continue;
        std::string name = host.mount_point.substr(prefix.size());
        if (name.empty() || name.find('/') != std::string::npos) continue;
        std::string what_here = what + "/" + name;
        unique_fd dir = directory_in_fresh_tmpfs(tmpfs.get(), name, what_here);
        mount_hierarchy(ctx, what_here, host, own, dir.get(), nullptr, flags);
    }
    // Symlinks the host has next to its hierarchies (cpu -> cpu,cpuacct).
    unique_fd host_dir(::open(host_cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (host_dir) {
        int tmpfs_dir = tmpfs.get();
        // Co-mounted controllers appear on the host as symlinks to the
        // hierarchy's directory ("cpu" -> "cpu,cpuacct"); give the same.
        for (const char* candidate : {"cpu", "cpuacct", "net_cls", "net_prio"}) {
            char target[256];
            ssize_t n = ::readlinkat(host_dir.get(), candidate, target, sizeof target - 1);
            if (n <= 0) continue;
            target[n] = '\0';
            if (::symlinkat(target, tmpfs_dir, candidate) < 0 && errno != EEXIST) {
                throw_errno(what + ": symlink " + candidate);
            }
        }
    }
    read_only_tree(ctx.sys, what, tmpfs.get(), flags);
}

}  // namespace rt::linux
