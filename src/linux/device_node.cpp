#include "rt/linux/device_node.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "rt/linux/path_in_root.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {

DeviceNode device_node(const spec::Device& device) {
    DeviceNode node;
    node.path = clean_path(device.path);
    mode_t type = 0;
    if (device.type == "c" || device.type == "u") {
        type = S_IFCHR;
    } else if (device.type == "b") {
        type = S_IFBLK;
    } else if (device.type == "p") {
        type = S_IFIFO;
    } else {
        throw Error("device " + device.path + ": unknown type \"" + device.type + "\"");
    }
    node.mode = type | (device.file_mode.value_or(0666) & 07777);
    if (type != S_IFIFO) {
        node.rdev = makedev(static_cast<unsigned>(device.major.value_or(0)),
                            static_cast<unsigned>(device.minor.value_or(0)));
    }
    node.uid = device.uid.value_or(0);
    node.gid = device.gid.value_or(0);
    return node;
}

std::string describe_device(mode_t mode, dev_t rdev) {
    switch (mode & S_IFMT) {
    case S_IFIFO: return "p";
    case S_IFCHR: return "c " + std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev));
    case S_IFBLK: return "b " + std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev));
    case S_IFDIR: return "a directory";
    case S_IFLNK: return "a symlink";
    case S_IFREG: return "a regular file";
    case S_IFSOCK: return "a socket";
    }
    return "an unknown file type";
}

namespace {

bool same_device(const struct stat& st, const DeviceNode& node) {
    if ((st.st_mode & S_IFMT) != (node.mode & S_IFMT)) return false;
    return (node.mode & S_IFMT) == S_IFIFO || st.st_rdev == node.rdev;
}

std::string wanted(const DeviceNode& node) {
    return describe_device(node.mode, node.rdev);
}

void bind_host_node(int dir_fd, const std::string& name, const DeviceNode& node) {
    const std::string what = "device " + node.path;
    struct stat host {};
    if (::stat(node.path.c_str(), &host) < 0) throw_errno(what + ": bind from the host");
    if (!same_device(host, node)) {
        throw Error(what + ": the host's " + node.path + " is " + describe_device(host.st_mode, host.st_rdev) +
                    ", not " + wanted(node) + " (in a user namespace devices are bind-mounted from the host)");
    }
    int fd = ::openat(dir_fd, name.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) throw_errno(what + ": create mount point");
    ::close(fd);
    unique_fd target(::openat(dir_fd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!target) throw_errno(what + ": open mount point");
    if (::mount(node.path.c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) < 0) {
        throw_errno(what + ": bind mount from the host");
    }
}

// mknod, then check what is there and give it its mode and owner.
void mknod_node(int dir_fd, const std::string& name, const DeviceNode& node) {
    const std::string what = "device " + node.path;
    unique_fd made(::openat(dir_fd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!made) throw_errno(what + ": open after mknod");
    struct stat st {};
    if (::fstat(made.get(), &st) < 0) throw_errno(what + ": stat after mknod");
    if (!same_device(st, node)) {
        throw Error(what + ": is " + describe_device(st.st_mode, st.st_rdev) + " after mknod, not " + wanted(node));
    }
    // Through the fd, not the name: chmod cannot be sent elsewhere by a
    // symlink swapped in meanwhile.
    if (::chmod(fd_path(made.get()).c_str(), node.mode & 07777) < 0) throw_errno(what + ": chmod");
    if (::fchownat(made.get(), "", node.uid, node.gid, AT_EMPTY_PATH) < 0) throw_errno(what + ": chown");
}

std::string real_path(int fd) {
    char buf[4096];
    ssize_t n = ::readlink(fd_path(fd).c_str(), buf, sizeof buf - 1);
    if (n < 0) throw_errno("readlink " + fd_path(fd));
    return std::string(buf, static_cast<size_t>(n));
}

// The parent directory must be where its path says: a symlink on the way
// (even one that stays inside the rootfs) would put the device elsewhere.
void check_no_symlink_on_the_way(int root_fd, int parent_fd, const std::string& parent, const std::string& what) {
    std::string root = real_path(root_fd);
    std::string expected = root == "/" ? parent : root + parent;
    if (real_path(parent_fd) != expected) throw Error(what + ": a symlink is in the way");
}

}  // namespace

void make_device_node(int root_fd, const DeviceNode& node, bool bind_from_host) {
    const std::string what = "device " + node.path;
    size_t slash = node.path.rfind('/');
    std::string name = node.path.substr(slash + 1);
    std::string parent_path = node.path.substr(0, slash);
    unique_fd parent = mkdir_all_in_root(root_fd, parent_path);
    check_no_symlink_on_the_way(root_fd, parent.get(), parent_path, what);
    unique_fd dir(::openat(parent.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno(what + ": open parent directory");

    struct stat st {};
    if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode)) throw Error(what + ": a symlink is in the way");
        if (same_device(st, node)) return;
        throw Error(what + ": " + describe_device(st.st_mode, st.st_rdev) + " is already there, not " + wanted(node));
    }
    if (errno != ENOENT) throw_errno(what + ": stat");

    bool is_fifo = (node.mode & S_IFMT) == S_IFIFO;  // mkfifo needs no privilege
    if (bind_from_host && !is_fifo) {
        bind_host_node(dir.get(), name, node);
        return;
    }
    if (::mknodat(dir.get(), name.c_str(), node.mode, node.rdev) < 0) {
        // As runc: where mknod is not allowed, the host's node will do.
        if (errno == EPERM && !is_fifo) {
            bind_host_node(dir.get(), name, node);
            return;
        }
        throw_errno(what + ": mknod");
    }
    mknod_node(dir.get(), name, node);
}

}  // namespace rt::linux
