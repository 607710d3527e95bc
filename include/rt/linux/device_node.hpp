// One device node of the container's /dev: what linux.devices[] (or a default
// device) asks for, as mknod(2) takes it, and how it is made in the rootfs.
#pragma once

#include <sys/types.h>

#include <string>

#include "rt/spec/config.hpp"

namespace rt::linux {

struct DeviceNode {
    std::string path;  // clean, absolute, under /dev
    mode_t mode = 0;   // file type (S_IFCHR, S_IFBLK, S_IFIFO) | permission bits
    dev_t rdev = 0;    // makedev(major, minor); 0 for a fifo
    uid_t uid = 0;     // in the container's user namespace
    gid_t gid = 0;
};

// The node a linux.devices entry describes, with the defaults runc gives
// (fileMode 0666, uid and gid 0). Types "c" and "u" (unbuffered) are both
// character devices. Throws rt::Error on a type it does not know.
DeviceNode device_node(const spec::Device& device);

// "c 1:3" (the type letter, then major:minor), for messages.
std::string describe_device(mode_t mode, dev_t rdev);

// Makes `node` at its path inside the root (root_fd: O_PATH of the rootfs),
// parents included. A node already there is accepted when it is the same
// device (type, major, minor), refused otherwise (config-linux.md); a
// symlink at the path is refused, never followed.
// With `bind_from_host` (a user namespace, where mknod is not allowed) a
// character or block device is a bind mount of the host's node at the same
// path, which must be that device.
void make_device_node(int root_fd, const DeviceNode& node, bool bind_from_host);

}  // namespace rt::linux
