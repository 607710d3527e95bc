// Paths inside a container's root, resolved so that nothing leads out of it:
// openat2(RESOLVE_IN_ROOT) treats the root fd as "/" for every component,
// symlinks and ".." included. rt acts on the fds these return (through
// fd_path), never on a string path that could be swapped under it.
#pragma once

#include <sys/types.h>

#include <string>

#include "rt/util/fd.hpp"

namespace rt::linux {

// Lexically cleaned absolute form of a container path: "a//b/./c/" -> "/a/b/c",
// ".." resolved against the components before it, never above "/".
std::string clean_path(const std::string& path);

// openat2(root_fd, path, flags | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS).
// Throws rt::Error "open <path> in rootfs: ..."; with `missing_ok` returns an
// empty fd on ENOENT instead.
unique_fd open_in_root(int root_fd, const std::string& path, int flags, mode_t mode = 0,
                       bool missing_ok = false);

// Same, but no component may be a symbolic link (RESOLVE_NO_SYMLINKS): for
// the places that must be ordinary ones of the image (proc and sysfs mount
// points, /dev/console). Returns an empty fd with errno set (ELOOP for a
// symbolic link) instead of throwing.
unique_fd open_in_root_no_symlinks(int root_fd, const std::string& path, int flags);

// mkdir -p of `path` inside the root; returns an O_PATH fd of the directory.
unique_fd mkdir_all_in_root(int root_fd, const std::string& path, mode_t mode = 0755);

// Makes sure `path` exists as an empty regular file (making parents as
// directories); returns an O_PATH fd of it. Used as the mount point of file
// bind mounts.
unique_fd touch_in_root(int root_fd, const std::string& path);

// "/proc/self/fd/N": the path through which mount(2) and friends act on an fd.
std::string fd_path(int fd);

}  // namespace rt::linux
