#include "rt/util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <random>

#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt {
namespace {

}  // namespace

std::string read_fd(int fd, const std::string& path) {
    std::string data;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read " + path);
        }
        if (n == 0) break;
        data.append(buf, static_cast<size_t>(n));
    }
    return data;
}

namespace {

void write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write " + path);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

std::string read_file(const std::string& path) {
    return read_file_at(AT_FDCWD, path);
}

std::string read_file_at(int dirfd, const std::string& path) {
    unique_fd fd(::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    return read_fd(fd.get(), path);
}

std::optional<std::string> read_file_if_exists(const std::string& path) {
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno("open " + path);
    }
    return read_fd(fd.get(), path);
}

namespace {

// A temp next to `path`, made, never reused: O_EXCL|O_NOFOLLOW, so a
// symbolic link planted at its name (in a pid file's directory, which the
// caller chose and others may write) is not followed and its target is never
// truncated. A leftover of ours (same pid, an earlier crash) or a planted entry
// is unlinked (which removes the link, not its target) and the create tried
// once more. `data` is written; on failure the temp is gone.
std::string write_temp_next_to(const std::string& path, std::string_view data, mode_t mode) {
    std::string temp = path + ".tmp." + std::to_string(::getpid());
    constexpr int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    unique_fd fd(::open(temp.c_str(), flags, mode));
    if (!fd && errno == EEXIST && ::unlink(temp.c_str()) == 0) fd.reset(::open(temp.c_str(), flags, mode));
    if (!fd) throw_errno("create " + temp);
    try {
        write_all(fd.get(), data, temp);
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    return temp;
}

void rename_temp(const std::string& temp, const std::string& path) {
    if (::rename(temp.c_str(), path.c_str()) == 0) return;
    int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    throw_errno("rename " + temp + " to " + path);
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
    rename_temp(write_temp_next_to(path, data, mode), path);
}

void replace_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
    std::string temp = write_temp_next_to(path, data, mode);
    // ENOENT: nothing to exchange with yet; EINVAL: a file system without
    // exchange. Both take the plain rename.
    if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) < 0) {
        if (errno != ENOENT && errno != EINVAL) {
            int saved = errno;
            ::unlink(temp.c_str());
            errno = saved;
            throw_errno("exchange " + temp + " with " + path);
        }
        rename_temp(temp, path);
        return;
    }
    ::unlink(temp.c_str());  // the old content, now under the temp's name
}

void write_existing_file(const std::string& path, std::string_view data) {
    unique_fd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    write_all(fd.get(), data, path);
}

void make_directories(const std::string& path, mode_t mode) {
    if (path.empty()) return;
    if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return;
    if (errno != ENOENT) throw_errno("mkdir " + path);
    make_directories(dirname_of(path), mode);
    if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST) throw_errno("mkdir " + path);
}

void remove_tree(const std::string& path) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) throw Error("remove " + path + ": " + ec.message(), ec.value());
}

std::string dirname_of(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string basename_of(const std::string& path) {
    std::string trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    auto slash = trimmed.find_last_of('/');
    return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

}  // namespace rt
