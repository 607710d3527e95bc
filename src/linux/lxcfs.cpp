// rt.lxcfs, the host's side: lxcfs's mount found from mountinfo, its files
// opened beneath it and copied as detached read-only mounts (see
// rt/linux/lxcfs.hpp). The init attaches them (lxcfs_binds.cpp).
#include "rt/linux/lxcfs.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "rt/linux/mountinfo.hpp"
#include "rt/linux/path_in_root.hpp"
#include "rt/linux/sysinfo_agent.hpp"
#include "rt/spec/rt_annotations.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

const std::string kWhat = "annotation " + std::string(spec::kLxcfsAnnotation);

// statx of `fd` for its type and mount id, from what the kernel has cached
// (AT_STATX_DONT_SYNC: no round trip to lxcfs). False with errno set when
// it fails or the kernel gives no mount id.
bool statx_of(int fd, struct statx& st) {
    st = {};
    if (::statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_TYPE | STATX_MNT_ID, &st) < 0) return false;
    if (!(st.stx_mask & STATX_MNT_ID)) {
        errno = ENOSYS;
        return false;
    }
    return true;
}

// f_type of the filesystem `fd` is on; 0 with errno set when it does not answer.
long fs_type_of(int fd) {
    struct statfs st {};
    return ::fstatfs(fd, &st) == 0 ? static_cast<long>(st.f_type) : 0;
}

// The mount named by mountinfo entry `m`, opened, if it is what the entry
// says (a fuse filesystem with that mount id, not covered by another mount)
// and lxcfs answers on it (statfs is a round trip to lxcfs: a mount whose
// daemon died answers ENOTCONN). Empty fd and `why` set otherwise.
unique_fd open_lxcfs_mount(const MountInfo& m, std::string& why) {
    const std::string where = "lxcfs's mount " + m.mount_point;
    unique_fd dir(::open(m.mount_point.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) {
        why = errno_message(errno, where);
        return {};
    }
    struct statx st {};
    long type = statx_of(dir.get(), st) ? fs_type_of(dir.get()) : 0;
    if (!type) {
        why = errno_message(errno, where + " does not answer");
        return {};
    }
    if (st.stx_mnt_id != static_cast<uint64_t>(m.id) || type != FUSE_SUPER_MAGIC) {
        why = where + " is covered by another mount";
        return {};
    }
    return dir;
}

struct LxcfsMount {
    std::string mount_point;
    uint64_t id = 0;
    unique_fd dir;
};

LxcfsMount open_first_lxcfs_mount() {
    std::string why;
    for (const MountInfo& m : read_mountinfo()) {
        // A bind of one lxcfs file (another container's /proc/meminfo) has
        // the type too, but not the root "/".
        if (m.fs_type != "fuse.lxcfs" || m.root != "/") continue;
        if (unique_fd dir = open_lxcfs_mount(m, why)) {
            return {m.mount_point, static_cast<uint64_t>(m.id), std::move(dir)};
        }
    }
    if (!why.empty()) throw Error(kWhat + ": lxcfs is not running: " + why, ENOTCONN);
    throw Error(kWhat + ": lxcfs is not running (no mount of type fuse.lxcfs in /proc/self/mountinfo)", ENOENT);
}

// `source` beneath lxcfs's mount, on that very mount (no symlink, no mount
// crossed); an empty fd when this lxcfs does not serve it.
unique_fd open_source(const LxcfsMount& lxcfs, const std::string& source) {
    const std::string what = kWhat + ": " + lxcfs.mount_point + "/" + source;
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    unique_fd fd(static_cast<int>(::syscall(SYS_openat2, lxcfs.dir.get(), source.c_str(), &how, sizeof how)));
    if (!fd) {
        if (errno == ENOENT) return {};
        throw_errno(what);
    }
    // NO_XDEV kept the walk on lxcfs's mount; the mount id says so again.
    struct statx st {};
    if (!statx_of(fd.get(), st)) throw_errno(what);
    if (!S_ISREG(st.stx_mode)) throw Error(what + ": not a regular file");
    if (st.stx_mnt_id != lxcfs.id) throw Error(what + ": not on lxcfs's fuse.lxcfs mount");
    return fd;
}

// A detached copy of the mount of `source`, read-only, nosuid, nodev,
// noexec: what the init attaches.
unique_fd read_only_copy(int source, const std::string& what) {
    unique_fd tree(static_cast<int>(
        ::syscall(SYS_open_tree, source, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)));
    if (!tree) throw_errno(what + ": open_tree");
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    if (::syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
        throw_errno(what + ": mount_setattr read-only");
    }
    return tree;
}

// Whether the config mounts a filesystem of `type` at `destination` (the
// last mount there is the one that shows).
bool mounts_type_at(const spec::Spec& spec, const std::string& destination, const std::string& type) {
    bool found = false;
    for (const spec::Mount& m : spec.mounts) {
        if (clean_path(m.destination) == destination) found = m.type.value_or("") == type;
    }
    return found;
}

}  // namespace

const std::vector<LxcfsFile>& lxcfs_files() {
    static const std::vector<LxcfsFile> files = {
        {"proc/cpuinfo", "/proc/cpuinfo"},     {"proc/meminfo", "/proc/meminfo"},
        {"proc/stat", "/proc/stat"},           {"proc/uptime", "/proc/uptime"},
        {"proc/loadavg", "/proc/loadavg"},     {"proc/diskstats", "/proc/diskstats"},
        {"proc/swaps", "/proc/swaps"},         {"proc/slabinfo", "/proc/slabinfo"},
        {"sys/devices/system/cpu/online", "/sys/devices/system/cpu/online"},
    };
    return files;
}

bool is_lxcfs_target(const std::string& container_path) {
    for (const LxcfsFile& file : lxcfs_files()) {
        if (container_path == file.target) return true;
    }
    return false;
}

std::string find_lxcfs_mount() {
    return open_first_lxcfs_mount().mount_point;
}

LxcfsPlan plan_lxcfs(const spec::Spec& spec) {
    LxcfsPlan plan;
    if (!spec::annotation_enabled(spec.annotations, spec::kLxcfsAnnotation)) return plan;
    // lxcfs's files go over those of the container's procfs (and sysfs):
    // without them there is nothing to cover, and a file of the image must
    // not get a mount.
    plan.enabled = true;
    if (!mounts_type_at(spec, "/proc", "proc")) throw Error(kWhat + ": needs a mount of type \"proc\" on /proc");
    check_sysinfo_filter_fits(spec);
    bool sysfs = mounts_type_at(spec, "/sys", "sysfs");

    LxcfsMount lxcfs = open_first_lxcfs_mount();
    plan.mount_point = lxcfs.mount_point;
    for (const LxcfsFile& file : lxcfs_files()) {
        bool on_sys = std::string(file.target).rfind("/sys/", 0) == 0;
        if (on_sys && !sysfs) continue;
        unique_fd source = open_source(lxcfs, file.source);
        if (!source) continue;  // an older lxcfs
        unsigned long magic = on_sys ? SYSFS_MAGIC : PROC_SUPER_MAGIC;
        plan.binds.push_back({file.target, read_only_copy(source.get(), kWhat + ": " + file.target), magic});
    }
    if (plan.binds.empty()) throw Error(kWhat + ": lxcfs's mount " + lxcfs.mount_point + " serves none of its files");
    return plan;
}

}  // namespace rt::linux
