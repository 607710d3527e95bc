// One cgroup directory and the reads and writes of its control files, with
// errors that name the file, the value and the kernel's reason (internal to
// src/cgroups).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rt/util/fd.hpp"

namespace rt::cgroups {

class CgroupDir {
public:
    CgroupDir() = default;
    explicit CgroupDir(std::string path) : path_(std::move(path)) {}

    const std::string& path() const { return path_; }
    bool empty() const { return path_.empty(); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    bool has(const std::string& name) const;
    // The directory itself (O_DIRECTORY|O_CLOEXEC), for clone3's
    // CLONE_INTO_CGROUP. Throws `open <path>: <reason>`.
    unique_fd open_dir() const;

    // Writes `value` in one write(2). Throws
    // `write /sys/fs/cgroup/.../memory.max "100": Device or resource busy`.
    void write(const std::string& name, const std::string& value) const;
    // Each value in its own write(2), in order, through one open of the file
    // (devices.allow takes one rule per write). Throws as write().
    void write_each(const std::string& name, const std::vector<std::string>& values) const;
    // Same, returning the errno instead of throwing (0 on success).
    int try_write(const std::string& name, const std::string& value) const;

    std::string read(const std::string& name) const;
    std::optional<std::string> read_if_exists(const std::string& name) const;
    // The file's one number; "max" reads as UINT64_MAX.
    uint64_t read_uint(const std::string& name) const;
    int64_t read_int(const std::string& name) const;
    // "key value" lines (memory.stat, cpu.stat, memory.events, ...).
    std::map<std::string, uint64_t> read_key_values(const std::string& name) const;
    // One key of such a file; 0 when the key is not there.
    uint64_t key_value(const std::string& name, const std::string& key) const;

    // PIDs in cgroup.procs of this directory and of every one below it.
    std::vector<pid_t> all_processes() const;
    // True when no process is in it or below it.
    bool unpopulated() const { return all_processes().empty(); }

private:
    std::string path_;
};

// Unit tests over a fake tree see only the last value of a file written
// several times (devices.allow, io.max): while this points to a vector,
// every successful write is also appended to it as (file, value).
extern std::vector<std::pair<std::string, std::string>>* write_log;

// A field's error: "memory.limit: <what went wrong>".
[[noreturn]] void fail_field(const std::string& field, const std::string& message, int err = 0);

// Runs `body`, prefixing any rt::Error it throws with "field: ".
template <typename Body>
void with_field(const std::string& field, Body&& body);

// mkdir, one level; true if made, false if it was there. Throws otherwise.
bool make_cgroup_dir(const std::string& path);
// mkdir of `path` and of the levels between `mount` and it that are not
// there, `path` tried first: one mkdir where its parent exists (the common
// case). `made` gets each directory made, top-down. True when `path` itself
// was made, false when it was there. Throws otherwise.
bool make_cgroup_path(const std::string& mount, const std::string& path, std::vector<std::string>& made);
// rmdir of `path` and every cgroup below it, deepest first, retrying for a
// little while when the kernel says EBUSY (processes still exiting).
// Nothing to do when it is not there.
void remove_cgroup_tree(const std::string& path);

// Decimal text of a number, for writing into control files.
std::string number(uint64_t value);
std::string number(int64_t value);

}  // namespace rt::cgroups

#include "rt/util/error.hpp"

namespace rt::cgroups {

template <typename Body>
void with_field(const std::string& field, Body&& body) {
    try {
        body();
    } catch (const Error& e) {
        throw e.with_context(field);
    }
}

}  // namespace rt::cgroups
