// rt.lxcfs: the files lxcfs serves (cpuinfo, meminfo, stat, uptime, loadavg,
// diskstats, swaps, slabinfo, and /sys/devices/system/cpu/online), bound
// read-only over the container's own, so that they show the container's
// cgroup limits. lxcfs answers each read from the cgroups of the reader's
// PID 1 (of the reader itself when it shares the host's pid namespace).
//
// The security rules for mounts under /proc (SECURITY.md) hold:
//   parent  finds lxcfs's mount in its own mountinfo (type fuse.lxcfs),
//           opens each file beneath it (no symlink, no other mount: checked
//           to be on that fuse.lxcfs mount) and takes a detached read-only
//           copy of it (open_tree OPEN_TREE_CLONE + mount_setattr) — all
//           before rt's first side effect, so that lxcfs missing is a clear
//           error of create that leaves nothing behind;
//   init    after the config's mounts, resolves each target inside the
//           container's root (it must be a regular file of the container's
//           procfs, or sysfs for /sys) and attaches the copy there with
//           move_mount, fd to fd: no path is looked up again.
// Only the targets of kLxcfsFiles are ever mounted on.
#pragma once

#include <string>
#include <vector>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

// One file lxcfs may serve: where it is under lxcfs's mount, and the file of
// the container it goes over.
struct LxcfsFile {
    const char* source;  // relative to lxcfs's mount point: "proc/meminfo"
    const char* target;  // in the container: "/proc/meminfo"
};

// The only files rt binds from lxcfs, and the only mounts rt makes below
// /proc (besides procfs on /proc itself).
const std::vector<LxcfsFile>& lxcfs_files();
// True if `container_path` (cleaned) is one of the targets above.
bool is_lxcfs_target(const std::string& container_path);

// A detached read-only copy of one lxcfs file, to be attached in the init.
struct LxcfsBind {
    std::string target;      // "/proc/meminfo"
    unique_fd tree;          // from open_tree(OPEN_TREE_CLONE)
    unsigned long fs_magic;  // what the target must live on: procfs or sysfs
};

struct LxcfsPlan {
    bool enabled = false;     // the config says rt.lxcfs: "true"
    std::string mount_point;  // of the lxcfs mount the files come from
    std::vector<LxcfsBind> binds;
};

// The lxcfs mount an lxcfs-enabled container would use: the first mount of
// type fuse.lxcfs (whole filesystem, not a bind of one of its files) in
// /proc/self/mountinfo that answers. Throws rt::Error naming lxcfs when
// there is none, or none that answers (lxcfs died: ENOTCONN).
std::string find_lxcfs_mount();

// Everything create needs for rt.lxcfs, before its first side effect: the
// config must mount procfs on /proc; /sys/devices/system/cpu/online is bound
// when it mounts sysfs on /sys; its seccomp profile must leave sysinfo to
// rt (check_sysinfo_filter_fits). Throws rt::Error naming the annotation or
// lxcfs.
LxcfsPlan plan_lxcfs(const spec::Spec& spec);

}  // namespace rt::linux
