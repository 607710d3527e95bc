#include "rt/linux/copy_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {
namespace {

// Deeper than any real image; a bound on the recursion.
constexpr int max_depth = 256;

std::vector<std::string> entries_of(int dir, const std::string& where) {
    int fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_errno(where + ": open");
    DIR* stream = ::fdopendir(fd);
    if (!stream) {
        ::close(fd);
        throw_errno(where + ": read");
    }
    std::vector<std::string> names;
    errno = 0;
    while (dirent* entry = ::readdir(stream)) {
        std::string_view name = entry->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
    }
    int err = errno;
    ::closedir(stream);
    if (err) throw_errno(err, where + ": read");
    return names;
}

void copy_data(int from, int to, const std::string& where) {
    for (;;) {
        ssize_t n = ::copy_file_range(from, nullptr, to, nullptr, 1 << 30, 0);
        if (n == 0) return;
        if (n > 0) continue;
        if (errno == EINTR) continue;
        if (errno != EXDEV && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS) throw_errno(where);
        break;  // across filesystems on older kernels: by hand
    }
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(from, buffer, sizeof buffer);
        if (n == 0) return;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(where);
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(to, buffer + done, static_cast<size_t>(n - done));
            if (w < 0) {
                if (errno == EINTR) continue;
                throw_errno(where);
            }
            done += w;
        }
    }
}

// Owner first (chown clears the set-id bits), then mode, then times.
void set_attributes(int to, const std::string& name, const struct stat& st, const std::string& where) {
    if (::fchownat(to, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0) throw_errno(where + ": chown");
    if (!S_ISLNK(st.st_mode) && ::fchmodat(to, name.c_str(), st.st_mode & 07777, 0) < 0) {
        throw_errno(where + ": chmod");
    }
    const timespec times[2] = {st.st_atim, st.st_mtim};
    if (::utimensat(to, name.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0) throw_errno(where + ": set times");
}

void copy_entries(int from, int to, const std::string& what, const std::string& relative, int depth);

// `relative`: the entry's path below the copied directory, for messages.
void copy_entry(int from, int to, const std::string& name, const std::string& what, const std::string& relative,
                int depth) {
    const std::string where = what + ": " + relative;
    struct stat st {};
    if (::fstatat(from, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) throw_errno(where + ": stat");
    if (S_ISDIR(st.st_mode)) {
        if (::mkdirat(to, name.c_str(), 0700) < 0) throw_errno(where + ": mkdir");
        unique_fd source(::openat(from, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!source) throw_errno(where + ": open");
        unique_fd target(::openat(to, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!target) throw_errno(where + ": open the copy");
        copy_entries(source.get(), target.get(), what, relative, depth + 1);
    } else if (S_ISREG(st.st_mode)) {
        unique_fd source(::openat(from, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC));
        if (!source) throw_errno(where + ": open");
        unique_fd target(::openat(to, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!target) throw_errno(where + ": create");
        copy_data(source.get(), target.get(), where);
    } else if (S_ISLNK(st.st_mode)) {
        std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
        ssize_t n = ::readlinkat(from, name.c_str(), target.data(), target.size());
        if (n < 0) throw_errno(where + ": readlink");
        if (static_cast<size_t>(n) == target.size()) throw Error(where + ": the link changed while it was copied");
        target.resize(static_cast<size_t>(n));
        if (::symlinkat(target.c_str(), to, name.c_str()) < 0) throw_errno(where + ": symlink");
    } else {
        // fifos, sockets, device nodes (the container's device cgroup rules
        // still decide what a device node opens).
        if (::mknodat(to, name.c_str(), st.st_mode, st.st_rdev) < 0) throw_errno(where + ": mknod");
    }
    set_attributes(to, name, st, where);
}

void copy_entries(int from, int to, const std::string& what, const std::string& relative, int depth) {
    const std::string where = what + ": " + (relative.empty() ? "." : relative);
    if (depth > max_depth) throw Error(where + ": nested deeper than " + std::to_string(max_depth) + " directories");
    for (const std::string& name : entries_of(from, where)) {
        copy_entry(from, to, name, what, relative.empty() ? name : relative + "/" + name, depth);
    }
}

}  // namespace

void copy_tree(int from, int to, const std::string& what) {
    copy_entries(from, to, what, "", 0);
}

}  // namespace rt::linux
