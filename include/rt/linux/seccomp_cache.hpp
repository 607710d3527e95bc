// The seccomp cache: each distinct profile is compiled once and its BPF (the
// ENOSYS stub included) kept under --root, because libseccomp is most of the
// time of a run with a Docker-style profile (about 9 ms of 12 for ~350
// names and 3 architectures on the machine this was measured on):
//
//   <root>/@seccomp/<key>.bpf     ("@" cannot start a container ID, so no
//                                  container is ever named like the dir)
//
// key: SHA-256 of the profile as rt read it (everything that shapes the
// filter: actions, errnos, names, arguments, architectures, flags, whether
// there is a listener), of the libseccomp and rt versions, the native
// architecture and the file format. A cryptographic hash, so that no config
// can be made to collide with another one's filter.
//
// A file is loaded only when all of this holds, else it is a miss (the
// profile is compiled and the file replaced):
//   - the directory and the file belong to the caller (euid) and nobody
//     else may write them; the file is a regular file with one link,
//     opened without following symlinks;
//   - its header: magic, format, its own key (a file renamed to another key
//     is refused), an instruction count within BPF_MAXINSNS that matches
//     the file's size, and a SHA-256 of header and instructions.
// A directory that fails the owner/mode check is not used at all (a warning
// says so). Writing is best effort, to a temporary file renamed into place:
// a cache that cannot be written costs the compile, never the container.
// At most kMaxEntries files are kept; beyond that the oldest goes.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"
#include "rt/util/sha256.hpp"

namespace rt::linux {

struct CachedSeccomp {
    std::vector<sock_filter> instructions;
    unsigned long flags = 0;  // for seccomp(2)
};

// What the key depends on besides the profile: "rt 0.1.0; libseccomp 2.5.4;
// native c000003e; format 1".
std::string seccomp_cache_versions();
Sha256Digest seccomp_cache_key(const spec::Seccomp& profile, std::string_view versions = seccomp_cache_versions());

class SeccompCache {
public:
    static constexpr const char* kDirName = "@seccomp";
    static constexpr size_t kMaxEntries = 64;

    // `root`: rt's --root; `owner`: who the cache must belong to.
    explicit SeccompCache(std::string root, uid_t owner);
    explicit SeccompCache(std::string root);  // owner: the effective uid

    const std::string& dir() const { return dir_; }
    std::string path(const Sha256Digest& key) const;

    // Nullopt for a miss; a file that fails a check is a miss too (logged).
    std::optional<CachedSeccomp> load(const Sha256Digest& key) const;
    // Best effort: failures are logged, never thrown.
    void store(const Sha256Digest& key, const CachedSeccomp& filter) const;

private:
    unique_fd open_dir(bool create) const;

    std::string root_;
    std::string dir_;
    uid_t owner_;
};

// The file's bytes for `filter` under `key`, and back (nullopt and a reason
// when anything is off): the format, apart from the file system.
std::string encode_cached_seccomp(const Sha256Digest& key, const CachedSeccomp& filter);
std::optional<CachedSeccomp> decode_cached_seccomp(std::string_view bytes, const Sha256Digest& key,
                                                   std::string& why);

}  // namespace rt::linux
