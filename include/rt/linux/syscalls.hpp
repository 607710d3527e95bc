// The seam between the init's mount and namespace decisions and the kernel
// (as youki's Syscall trait): the steps that build the container's mounts
// and enter its namespaces make these calls through a Syscalls they are
// given, never directly. The init gets kernel_syscalls(); the unit tests get
// a recording fake (tests/unit/recording_syscalls.hpp) and check, without
// root, which mounts a config leads to, on what, in which order: that a
// symbolic link of the image cannot send one out of the rootfs, that
// read-only comes last, that protected paths are mounted fd to fd.
//
// Each call has the kernel's signature and convention: the result, or -1
// with errno set. Path lookups (openat2 in the root, mkdir, fstat) are not
// part of the seam: the fake runs them on a real directory.
#pragma once

#include <sys/mount.h>

namespace rt::linux {

class Syscalls {
public:
    virtual ~Syscalls() = default;

    virtual int mount(const char* source, const char* target, const char* type, unsigned long flags,
                      const void* data) = 0;
    virtual int umount2(const char* target, int flags) = 0;
    virtual int open_tree(int dirfd, const char* path, unsigned flags) = 0;
    virtual int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                           unsigned flags) = 0;
    virtual int mount_setattr(int dirfd, const char* path, unsigned flags, mount_attr* attr) = 0;
    virtual int fsopen(const char* fs_name, unsigned flags) = 0;
    virtual int fsconfig(int fs_fd, unsigned cmd, const char* key, const void* value, int aux) = 0;
    virtual int fsmount(int fs_fd, unsigned flags, unsigned attr_flags) = 0;
    virtual int pivot_root(const char* new_root, const char* put_old) = 0;
    virtual int chroot(const char* path) = 0;
    virtual int setns(int fd, int nstype) = 0;
    virtual int unshare(int flags) = 0;
};

// The kernel's.
Syscalls& kernel_syscalls();

}  // namespace rt::linux
