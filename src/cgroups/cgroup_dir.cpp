#include "cgroup_dir.hpp"

#include "rt/util/file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <sstream>

#include "rt/util/fd.hpp"
#include "rt/util/file.hpp"

namespace rt::cgroups {
namespace {

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// How long destroy waits for the processes of a cgroup to be gone.
constexpr int remove_attempts = 100;
constexpr long remove_pause_ns = 20 * 1000 * 1000;

void collect_processes(const std::string& dir, std::vector<pid_t>& pids) {
    std::optional<std::string> text;
    try {
        text = read_file_if_exists(dir + "/cgroup.procs");
    } catch (const Error& e) {
        // Removed between the open and the read (ENODEV): a systemd scope
        // goes as soon as its last process has.
        if (e.err() != ENODEV) throw;
    }
    if (!text) return;  // removed meanwhile
    std::istringstream in(*text);
    long pid;
    while (in >> pid) pids.push_back(static_cast<pid_t>(pid));
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    std::vector<std::string> children;
    while (dirent* entry = ::readdir(d)) {
        std::string name = entry->d_name;
        if (entry->d_type == DT_DIR && name != "." && name != "..") children.push_back(name);
    }
    ::closedir(d);
    for (const auto& child : children) collect_processes(dir + "/" + child, pids);
}

}  // namespace

std::vector<std::pair<std::string, std::string>>* write_log = nullptr;

unique_fd CgroupDir::open_dir() const {
    unique_fd fd(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path_);
    return fd;
}

bool CgroupDir::has(const std::string& name) const {
    return ::access(file(name).c_str(), F_OK) == 0;
}

namespace {

// O_TRUNC means nothing to cgroupfs; it keeps a fake tree's files whole.
unique_fd open_control_file(const std::string& path) {
    return unique_fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
}

// One write: the kernel takes a control file's value whole or not at all.
int write_value(int fd, const std::string& path, const std::string& value) {
    ssize_t n = ::write(fd, value.data(), value.size());
    if (n < 0) return errno;
    if (static_cast<size_t>(n) != value.size()) return EIO;
    if (write_log) write_log->emplace_back(path, value);
    return 0;
}

[[noreturn]] void fail_write(int err, const std::string& path, const std::string& value) {
    std::string shown = value;
    for (char& c : shown) {
        if (c == '\n') c = ' ';
    }
    throw_errno(err, "write " + path + " \"" + trim(shown) + "\"");
}

}  // namespace

int CgroupDir::try_write(const std::string& name, const std::string& value) const {
    unique_fd fd = open_control_file(file(name));
    if (!fd) return errno;
    return write_value(fd.get(), file(name), value);
}

void CgroupDir::write(const std::string& name, const std::string& value) const {
    if (int err = try_write(name, value)) fail_write(err, file(name), value);
}

void CgroupDir::write_each(const std::string& name, const std::vector<std::string>& values) const {
    if (values.empty()) return;
    unique_fd fd = open_control_file(file(name));
    if (!fd) fail_write(errno, file(name), values.front());
    for (const std::string& value : values) {
        if (int err = write_value(fd.get(), file(name), value)) fail_write(err, file(name), value);
    }
}

std::string CgroupDir::read(const std::string& name) const {
    return read_file(file(name));
}

std::optional<std::string> CgroupDir::read_if_exists(const std::string& name) const {
    return read_file_if_exists(file(name));
}

uint64_t CgroupDir::read_uint(const std::string& name) const {
    std::string text = trim(read(name));
    if (text == "max") return UINT64_MAX;
    char* end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0) {
        throw Error(file(name) + ": expected a number, read \"" + text + "\"");
    }
    return value;
}

int64_t CgroupDir::read_int(const std::string& name) const {
    std::string text = trim(read(name));
    char* end = nullptr;
    errno = 0;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0) {
        throw Error(file(name) + ": expected a number, read \"" + text + "\"");
    }
    return value;
}

std::map<std::string, uint64_t> CgroupDir::read_key_values(const std::string& name) const {
    std::map<std::string, uint64_t> values;
    std::istringstream lines(read(name));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string key, value;
        if (!(fields >> key >> value)) continue;
        values[key] = value == "max" ? UINT64_MAX : std::strtoull(value.c_str(), nullptr, 10);
    }
    return values;
}

uint64_t CgroupDir::key_value(const std::string& name, const std::string& key) const {
    auto values = read_key_values(name);
    auto it = values.find(key);
    return it == values.end() ? 0 : it->second;
}

std::vector<pid_t> CgroupDir::all_processes() const {
    std::vector<pid_t> pids;
    collect_processes(path_, pids);
    return pids;
}

void fail_field(const std::string& field, const std::string& message, int err) {
    throw Error(field + ": " + message, err);
}

bool make_cgroup_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) == 0) return true;
    if (errno == EEXIST) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
        errno = EEXIST;
    }
    throw_errno("mkdir " + path);
}

bool make_cgroup_path(const std::string& mount, const std::string& path, std::vector<std::string>& made) {
    if (path.size() <= mount.size() || path.compare(0, mount.size(), mount) != 0) {
        throw Error("cgroup " + path + " is not below " + mount);
    }
    if (::mkdir(path.c_str(), 0755) == 0) {
        made.push_back(path);
        return true;
    }
    if (errno == ENOENT) {
        std::string parent = dirname_of(path);
        if (parent.size() > mount.size()) make_cgroup_path(mount, parent, made);
        if (make_cgroup_dir(path)) {
            made.push_back(path);
            return true;
        }
        return false;
    }
    if (errno == EEXIST) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
        errno = EEXIST;
    }
    throw_errno("mkdir " + path);
}

void remove_cgroup_tree(const std::string& path) {
    // Most often it has no cgroup below it and no process left: one rmdir.
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return;
    DIR* d = ::opendir(path.c_str());
    if (!d) {
        if (errno == ENOENT) return;
        throw_errno("open " + path);
    }
    std::vector<std::string> children;
    while (dirent* entry = ::readdir(d)) {
        std::string name = entry->d_name;
        if (entry->d_type == DT_DIR && name != "." && name != "..") children.push_back(name);
    }
    ::closedir(d);
    for (const auto& child : children) remove_cgroup_tree(path + "/" + child);

    for (int attempt = 0;; ++attempt) {
        if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return;
        // EBUSY while the last processes are being reaped.
        if (errno != EBUSY || attempt == remove_attempts) throw_errno("remove cgroup " + path);
        timespec pause{0, remove_pause_ns};
        ::nanosleep(&pause, nullptr);
    }
}

std::string number(uint64_t value) {
    return std::to_string(value);
}

std::string number(int64_t value) {
    return std::to_string(value);
}

}  // namespace rt::cgroups
