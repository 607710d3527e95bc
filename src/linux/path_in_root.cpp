#include "rt/linux/path_in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string part = path.substr(start, end - start);
        if (part.empty() || part == ".") {
            // skip
        } else if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else {
            parts.push_back(part);
        }
        start = end + 1;
    }
    return parts;
}

int openat2_in_root(int root_fd, const std::string& path, int flags, mode_t mode) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    // Relative to root_fd: "/" would be fine for RESOLVE_IN_ROOT, but "." is
    // what an empty cleaned path means.
    std::string relative = path == "/" ? "." : path.substr(1);
    for (int attempt = 0; attempt < 16; ++attempt) {
        int fd = static_cast<int>(::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how));
        if (fd >= 0 || errno != EAGAIN) return fd;  // EAGAIN: a rename raced the walk
    }
    return -1;
}

}  // namespace

std::string clean_path(const std::string& path) {
    std::string cleaned;
    for (const auto& part : components(path)) cleaned += "/" + part;
    return cleaned.empty() ? "/" : cleaned;
}

unique_fd open_in_root(int root_fd, const std::string& path, int flags, mode_t mode,
                       bool missing_ok) {
    std::string cleaned = clean_path(path);
    unique_fd fd(openat2_in_root(root_fd, cleaned, flags, mode));
    if (!fd) {
        if (missing_ok && errno == ENOENT) return fd;
        throw_errno("open " + cleaned + " in rootfs");
    }
    return fd;
}

unique_fd mkdir_all_in_root(int root_fd, const std::string& path, mode_t mode) {
    auto parts = components(path);
    unique_fd current(openat2_in_root(root_fd, "/", O_PATH | O_DIRECTORY, 0));
    if (!current) throw_errno("open rootfs");
    std::string walked;
    for (const auto& part : parts) {
        walked += "/" + part;
        unique_fd next(openat2_in_root(root_fd, walked, O_PATH | O_DIRECTORY, 0));
        if (!next && errno == ENOENT) {
            // Make it in the directory we resolved so far (inside the root),
            // then resolve the new path again from the root.
            if (::mkdirat(current.get(), part.c_str(), mode) < 0 && errno != EEXIST) {
                throw_errno("mkdir " + walked + " in rootfs");
            }
            next.reset(openat2_in_root(root_fd, walked, O_PATH | O_DIRECTORY, 0));
        }
        if (!next) throw_errno("mkdir " + walked + " in rootfs");
        current = std::move(next);
    }
    return current;
}

unique_fd touch_in_root(int root_fd, const std::string& path) {
    std::string cleaned = clean_path(path);
    if (cleaned == "/") throw Error("cannot make / a file");
    mkdir_all_in_root(root_fd, cleaned.substr(0, cleaned.rfind('/')));
    unique_fd fd(openat2_in_root(root_fd, cleaned, O_PATH, 0));
    if (!fd && errno == ENOENT) {
        unique_fd created(openat2_in_root(root_fd, cleaned, O_CREAT | O_RDONLY, 0644));
        if (!created) throw_errno("create " + cleaned + " in rootfs");
        fd.reset(openat2_in_root(root_fd, cleaned, O_PATH, 0));
    }
    if (!fd) throw_errno("open " + cleaned + " in rootfs");
    return fd;
}

std::string fd_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace rt::linux
