#include "rt/state/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "rt/spec/container_id.hpp"
#include "rt/util/file.hpp"

namespace rt::state {
namespace {

// A container's directory, opened without following a symbolic link: one
// planted under --root (pointing at a crafted state with hooks, or at a
// directory that delete would empty) is refused, never followed.
unique_fd open_container_dir(const std::string& path) {
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd && errno == ELOOP) throw Error("state directory " + path + " is a symbolic link: refused", ELOOP);
    return fd;
}

unique_fd lock_dir(const std::string& path) {
    unique_fd fd = open_container_dir(path);
    if (!fd) return fd;
    while (::flock(fd.get(), LOCK_EX) < 0) {
        if (errno != EINTR) throw_errno("lock " + path);
    }
    return fd;
}

}  // namespace

std::string Store::dir(const std::string& id) const {
    spec::check_container_id(id);
    return root_ + "/" + id;
}

ContainerLock Store::create(const std::string& id) const {
    make_directories(root_, 0700);
    std::string path = dir(id);
    if (::mkdir(path.c_str(), 0711) < 0) {
        if (errno == EEXIST) throw Error("container \"" + id + "\" already exists", EEXIST);
        throw_errno("mkdir " + path);
    }
    unique_fd fd = lock_dir(path);
    if (!fd) throw_errno("open " + path);
    return ContainerLock(std::move(fd));
}

ContainerLock Store::lock(const std::string& id) const {
    std::string path = dir(id);
    unique_fd fd = lock_dir(path);
    if (!fd) {
        if (errno == ENOENT || errno == ENOTDIR) throw NotFound(id);
        throw_errno("open " + path);
    }
    // A delete that held the lock before us may have removed the directory.
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0 || st.st_nlink == 0) throw NotFound(id);
    return ContainerLock(std::move(fd));
}

bool Store::exists(const std::string& id) const {
    struct stat st {};
    return ::lstat(dir(id).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

ContainerState Store::load(const std::string& id) const {
    unique_fd container_dir = open_container_dir(dir(id));
    if (!container_dir) {
        if (errno == ENOENT || errno == ENOTDIR) throw NotFound(id);
        throw_errno("open " + dir(id));
    }
    unique_fd file(::openat(container_dir.get(), "state.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!file) {
        if (errno == ENOENT) throw NotFound(id);
        throw_errno("open " + dir(id) + "/state.json");
    }
    auto text = std::optional<std::string>(read_fd(file.get(), dir(id) + "/state.json"));
    try {
        return container_state_from_json(*text);
    } catch (const Error& e) {
        throw e.with_context(dir(id) + "/state.json");
    }
}

void Store::save(const ContainerState& state) const {
    replace_file_atomic(dir(state.id) + "/state.json", to_json(state), 0600);
}

void Store::remove(const std::string& id) const {
    remove_tree(dir(id));
}

unique_fd Store::open_root() const {
    unique_fd root(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root && errno != ENOENT) throw_errno("open " + root_);
    return root;
}

bool Store::read_listed(int root, const std::string& id, bool cgroup_paths, Listed& out) const {
    spec::check_container_id(id);
    out.dir.reset(::openat(root, id.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!out.dir) return false;  // gone since the directory was read, or not a directory
    struct stat st {};
    if (::fstat(out.dir.get(), &st) < 0) return false;
    out.owner = st.st_uid;
    unique_fd file(::openat(out.dir.get(), "state.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!file) {
        if (errno == ENOENT) return false;  // still being created
        throw_errno("open " + dir(id) + "/state.json");
    }
    // One read for the whole file when it fits (state.json is under 4 KiB
    // but with many annotations), the usual loop when it does not.
    char buffer[8192];
    ssize_t n = ::read(file.get(), buffer, sizeof buffer);
    if (n < 0) throw_errno("read " + dir(id) + "/state.json");
    std::string text(buffer, static_cast<size_t>(n));
    if (static_cast<size_t>(n) == sizeof buffer) text += read_fd(file.get(), dir(id) + "/state.json");
    try {
        out.state = container_state_from_json(text, cgroup_paths);
    } catch (const Error& e) {
        throw e.with_context(dir(id) + "/state.json");
    }
    return true;
}

std::vector<std::string> Store::list() const {
    std::vector<std::string> ids;
    DIR* d = ::opendir(root_.c_str());
    if (!d) {
        if (errno == ENOENT) return ids;
        throw_errno("open " + root_);
    }
    while (dirent* entry = ::readdir(d)) {
        std::string name = entry->d_name;
        // Not a container: ".", "..", rt's own (the seccomp cache, "@seccomp").
        if (!spec::is_valid_container_id(name)) continue;
        if (entry->d_type == DT_DIR || entry->d_type == DT_UNKNOWN) ids.push_back(name);
    }
    ::closedir(d);
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace rt::state
