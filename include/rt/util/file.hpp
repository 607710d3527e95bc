// Small file helpers used across modules. All throw rt::Error naming the path.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace rt {

// Whole file as a string.
std::string read_file(const std::string& path);
// Same, relative to a directory fd (openat).
std::string read_file_at(int dirfd, const std::string& path);
// Nullopt when the file does not exist; other errors throw.
std::optional<std::string> read_file_if_exists(const std::string& path);
// Reads an open file to its end (`path` names it in errors).
std::string read_fd(int fd, const std::string& path);

// Writes `data` to a temp file next to `path`, fsyncs nothing (state lives on
// tmpfs), renames it over `path`: readers see the old or the new file, whole.
void write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);

// The same for a file that is rewritten in place of itself (a container's
// state.json): an existing `path` is exchanged with the temp
// (renameat2 RENAME_EXCHANGE), whose old content is then unlinked. A plain
// rename over an existing file makes ext4 allocate the new file's blocks at
// once (auto_da_alloc), and on a `discard` mount each of those blocks costs a
// synchronous discard when the container is deleted; an exchange does not.
// Readers still see the old file or the new one, whole.
void replace_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);

// Opens (O_WRONLY|O_TRUNC, no O_CREAT) and writes: for /proc and cgroup files.
void write_existing_file(const std::string& path, std::string_view data);

// mkdir -p with `mode` for the directories it makes.
void make_directories(const std::string& path, mode_t mode);

// rm -rf of a directory this process made (does not cross mount points).
void remove_tree(const std::string& path);

std::string dirname_of(const std::string& path);
std::string basename_of(const std::string& path);

}  // namespace rt
