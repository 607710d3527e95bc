#include "rt/linux/syscalls.hpp"

#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace rt::linux {
namespace {

class KernelSyscalls final : public Syscalls {
public:
    int mount(const char* source, const char* target, const char* type, unsigned long flags,
              const void* data) override {
        return ::mount(source, target, type, flags, data);
    }
    int umount2(const char* target, int flags) override { return ::umount2(target, flags); }
    int open_tree(int dirfd, const char* path, unsigned flags) override {
        return static_cast<int>(::syscall(SYS_open_tree, dirfd, path, flags));
    }
    int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                   unsigned flags) override {
        return static_cast<int>(::syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags));
    }
    int mount_setattr(int dirfd, const char* path, unsigned flags, mount_attr* attr) override {
        return static_cast<int>(::syscall(SYS_mount_setattr, dirfd, path, flags, attr, sizeof *attr));
    }
    int fsopen(const char* fs_name, unsigned flags) override {
        return static_cast<int>(::syscall(SYS_fsopen, fs_name, flags));
    }
    int fsconfig(int fs_fd, unsigned cmd, const char* key, const void* value, int aux) override {
        return static_cast<int>(::syscall(SYS_fsconfig, fs_fd, cmd, key, value, aux));
    }
    int fsmount(int fs_fd, unsigned flags, unsigned attr_flags) override {
        return static_cast<int>(::syscall(SYS_fsmount, fs_fd, flags, attr_flags));
    }
    int pivot_root(const char* new_root, const char* put_old) override {
        return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
    }
    int chroot(const char* path) override { return ::chroot(path); }
    int setns(int fd, int nstype) override { return ::setns(fd, nstype); }
    int unshare(int flags) override { return ::unshare(flags); }
};

}  // namespace

Syscalls& kernel_syscalls() {
    static KernelSyscalls kernel;
    return kernel;
}

}  // namespace rt::linux
