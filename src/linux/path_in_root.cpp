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

int openat2_in_root(int root_fd, const std::string& path, int flags, mode_t mode,
                    uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = resolve;
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

unique_fd open_in_root_no_symlinks(int root_fd, const std::string& path, int flags) {
    return unique_fd(openat2_in_root(root_fd, clean_path(path), flags, 0, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS));
}

namespace {

constexpr int max_symlinks = 40;  // as the kernel's own walk

std::string join(const std::vector<std::string>& parts, size_t from) {
    std::string joined;
    for (size_t i = from; i < parts.size(); ++i) joined += "/" + parts[i];
    return joined;
}

// Where `dir_fd` is, as a path inside the root.
std::string path_in_root_of(int root_fd, int dir_fd) {
    auto real = [](int fd) {
        char buf[4096];
        ssize_t n = ::readlink(fd_path(fd).c_str(), buf, sizeof buf - 1);
        if (n < 0) throw_errno("readlink " + fd_path(fd));
        return std::string(buf, static_cast<size_t>(n));
    };
    std::string root = real(root_fd), dir = real(dir_fd);
    if (root == "/") return dir;
    if (dir == root) return "/";
    if (dir.compare(0, root.size() + 1, root + "/") != 0) throw Error("path escaped the rootfs: " + dir);
    return dir.substr(root.size());
}

// If `name` in `dir_fd` is a symlink, the path (inside the root) it points
// at, else "".
std::string symlink_target(int root_fd, int dir_fd, const std::string& name) {
    char buf[4096];
    ssize_t n = ::readlinkat(dir_fd, name.c_str(), buf, sizeof buf - 1);
    if (n < 0) return {};
    std::string target(buf, static_cast<size_t>(n));
    if (target.empty()) return {};
    if (target[0] != '/') target = path_in_root_of(root_fd, dir_fd) + "/" + target;
    return clean_path(target);
}

}  // namespace

unique_fd mkdir_all_in_root(int root_fd, const std::string& path, mode_t mode) {
    std::string pending = clean_path(path);
    for (int links = 0; links <= max_symlinks; ++links) {
        auto parts = components(pending);
        unique_fd current(openat2_in_root(root_fd, "/", O_PATH | O_DIRECTORY, 0));
        if (!current) throw_errno("open rootfs");
        std::string walked;
        bool restarted = false;
        for (size_t i = 0; i < parts.size() && !restarted; ++i) {
            const std::string& part = parts[i];
            walked += "/" + part;
            unique_fd next(openat2_in_root(root_fd, walked, O_PATH | O_DIRECTORY, 0));
            if (!next && errno == ENOENT) {
                // A dangling symlink: make its target (inside the root) instead.
                std::string target = symlink_target(root_fd, current.get(), part);
                if (!target.empty()) {
                    pending = clean_path(target + join(parts, i + 1));
                    restarted = true;
                    continue;
                }
                if (::mkdirat(current.get(), part.c_str(), mode) < 0 && errno != EEXIST) {
                    throw_errno("mkdir " + walked + " in rootfs");
                }
                next.reset(openat2_in_root(root_fd, walked, O_PATH | O_DIRECTORY, 0));
            }
            if (!next) throw_errno("mkdir " + walked + " in rootfs");
            current = std::move(next);
        }
        if (!restarted) return current;
    }
    throw Error("mkdir " + clean_path(path) + " in rootfs: too many levels of symbolic links", ELOOP);
}

unique_fd touch_in_root(int root_fd, const std::string& path) {
    std::string pending = clean_path(path);
    for (int links = 0; links <= max_symlinks; ++links) {
        if (pending == "/") throw Error("cannot make / a file");
        size_t slash = pending.rfind('/');
        std::string name = pending.substr(slash + 1);
        unique_fd parent = mkdir_all_in_root(root_fd, pending.substr(0, slash));
        unique_fd existing(openat2_in_root(root_fd, pending, O_PATH, 0));
        if (existing) return existing;
        if (errno != ENOENT) throw_errno("open " + pending + " in rootfs");
        std::string target = symlink_target(root_fd, parent.get(), name);
        if (!target.empty()) {
            pending = target;
            continue;
        }
        // O_PATH parent: reopen it as a real directory for openat.
        unique_fd dir(::openat(parent.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir) throw_errno("open parent of " + pending);
        int fd = ::openat(dir.get(), name.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_RDONLY | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) throw_errno("create " + pending + " in rootfs");
        if (fd >= 0) ::close(fd);
        return open_in_root(root_fd, pending, O_PATH);
    }
    throw Error("create " + clean_path(path) + " in rootfs: too many levels of symbolic links", ELOOP);
}

std::string fd_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace rt::linux
