// The seccomp cache under --root (see rt/linux/seccomp_cache.hpp).
#include "rt/linux/seccomp_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"

namespace rt::linux {
namespace {

constexpr char kMagic[8] = {'R', 'T', 'S', 'C', 'B', 'P', 'F', '\0'};
constexpr uint32_t kFormat = 1;

// The file: this header, then `count` struct sock_filter. Native byte order:
// the cache never leaves the machine that wrote it.
struct Header {
    char magic[8];
    uint32_t format;
    uint32_t count;
    uint64_t flags;
    uint8_t key[32];
    uint8_t checksum[32];  // SHA-256 of the header (this field zero) and the instructions
};
static_assert(sizeof(Header) == 88);

constexpr size_t kMaxFileSize = sizeof(Header) + BPF_MAXINSNS * sizeof(sock_filter);

Sha256Digest checksum_of(Header header, std::string_view instructions) {
    std::memset(header.checksum, 0, sizeof header.checksum);
    return Sha256().update(&header, sizeof header).update(instructions).finish();
}

// Length-prefixed fields: no two profiles serialize alike.
class KeyWriter {
public:
    explicit KeyWriter(Sha256& hash) : hash_(hash) {}
    void text(std::string_view s) {
        uint64_t size = s.size();
        hash_.update(&size, sizeof size).update(s);
    }
    void number(uint64_t n) { hash_.update(&n, sizeof n); }
    void optional(const std::optional<uint64_t>& n) {
        number(n.has_value());
        number(n.value_or(0));
    }
    void list(const std::vector<std::string>& items) {
        number(items.size());
        for (const auto& item : items) text(item);
    }

private:
    Sha256& hash_;
};

std::string describe(const struct stat& st) {
    return "owner " + std::to_string(st.st_uid) + ", mode " + std::to_string((st.st_mode >> 6) & 7) +
           std::to_string((st.st_mode >> 3) & 7) + std::to_string(st.st_mode & 7);
}

// Owned by `owner` and writable by nobody else.
bool trusted(const struct stat& st, uid_t owner) { return st.st_uid == owner && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0; }

void write_all_fd(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_errno("write");
        data.remove_prefix(static_cast<size_t>(n));
    }
}

// Up to `limit` + 1 bytes (one more shows that the file grew): sized by its
// fstat, so that no more memory is touched than the file needs.
std::optional<std::string> read_limited(int fd, size_t limit) {
    std::string out(limit + 1, '\0');
    size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    out.resize(got);
    return out;
}

}  // namespace

std::string seccomp_cache_versions() {
    const scmp_version* v = seccomp_version();
    char native[16];
    std::snprintf(native, sizeof native, "%08x", seccomp_arch_native());
    return std::string("rt ") + RT_VERSION + "; libseccomp " + std::to_string(v->major) + "." +
           std::to_string(v->minor) + "." + std::to_string(v->micro) + "; native " + native + "; format " +
           std::to_string(kFormat);
}

Sha256Digest seccomp_cache_key(const spec::Seccomp& p, std::string_view versions) {
    Sha256 hash;
    KeyWriter w(hash);
    w.text("rt seccomp cache key");
    w.text(versions);
    w.text(p.default_action);
    w.optional(p.default_errno_ret);
    w.list(p.architectures);
    w.list(p.flags);
    // The listener's path and metadata do not shape the filter, only whether
    // there is one (SCMP_ACT_NOTIFY needs it): per-container metadata does
    // not fill the cache with copies of one filter.
    w.number(p.listener_path && !p.listener_path->empty());
    w.number(p.syscalls.size());
    for (const spec::SeccompSyscall& s : p.syscalls) {
        w.list(s.names);
        w.text(s.action);
        w.optional(s.errno_ret);
        w.number(s.args.size());
        for (const spec::SeccompArg& a : s.args) {
            w.number(a.index);
            w.number(a.value);
            w.optional(a.value_two);
            w.text(a.op);
        }
    }
    return hash.finish();
}

std::string encode_cached_seccomp(const Sha256Digest& key, const CachedSeccomp& filter) {
    Header header{};
    std::memcpy(header.magic, kMagic, sizeof kMagic);
    header.format = kFormat;
    header.count = static_cast<uint32_t>(filter.instructions.size());
    header.flags = filter.flags;
    std::memcpy(header.key, key.data(), key.size());
    std::string_view code(reinterpret_cast<const char*>(filter.instructions.data()),
                          filter.instructions.size() * sizeof(sock_filter));
    Sha256Digest sum = checksum_of(header, code);
    std::memcpy(header.checksum, sum.data(), sum.size());
    std::string out(reinterpret_cast<const char*>(&header), sizeof header);
    out.append(code);
    return out;
}

std::optional<CachedSeccomp> decode_cached_seccomp(std::string_view bytes, const Sha256Digest& key,
                                                   std::string& why) {
    Header header;
    if (bytes.size() < sizeof header) {
        why = "shorter than its header";
        return std::nullopt;
    }
    std::memcpy(&header, bytes.data(), sizeof header);
    std::string_view code = bytes.substr(sizeof header);
    if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 || header.format != kFormat) {
        why = "not a filter of this format";
        return std::nullopt;
    }
    if (std::memcmp(header.key, key.data(), key.size()) != 0) {
        why = "written for another profile";
        return std::nullopt;
    }
    if (header.count == 0 || header.count > BPF_MAXINSNS || code.size() != header.count * sizeof(sock_filter)) {
        why = "its size does not match its instruction count";
        return std::nullopt;
    }
    Sha256Digest sum = checksum_of(header, code);
    if (std::memcmp(sum.data(), header.checksum, sum.size()) != 0) {
        why = "bad checksum";
        return std::nullopt;
    }
    CachedSeccomp out;
    out.flags = header.flags;
    out.instructions.resize(header.count);
    std::memcpy(out.instructions.data(), code.data(), code.size());
    return out;
}

SeccompCache::SeccompCache(std::string root, uid_t owner)
    : root_(std::move(root)), dir_(root_ + "/" + kDirName), owner_(owner) {}

SeccompCache::SeccompCache(std::string root) : SeccompCache(std::move(root), ::geteuid()) {}

std::string SeccompCache::path(const Sha256Digest& key) const { return dir_ + "/" + to_hex(key) + ".bpf"; }

unique_fd SeccompCache::open_dir(bool create) const {
    if (create) make_directories(root_, 0700);
    unique_fd root(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) {
        if (errno != ENOENT) log::debug("seccomp cache: open " + root_ + ": " + std::strerror(errno));
        return {};
    }
    if (create && ::mkdirat(root.get(), kDirName, 0700) < 0 && errno != EEXIST) {
        log::debug("seccomp cache: mkdir " + dir_ + ": " + std::strerror(errno));
        return {};
    }
    unique_fd dir(::openat(root.get(), kDirName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) {
        if (errno != ENOENT) log::warn("seccomp cache " + dir_ + ": " + std::strerror(errno) + ": not used");
        return {};
    }
    struct stat st {};
    if (::fstat(dir.get(), &st) < 0) return {};
    if (!trusted(st, owner_)) {
        log::warn("seccomp cache " + dir_ + " (" + describe(st) + ") may be written by others than uid " +
                  std::to_string(owner_) + ": not used");
        return {};
    }
    return dir;
}

std::optional<CachedSeccomp> SeccompCache::load(const Sha256Digest& key) const {
    unique_fd dir = open_dir(false);
    if (!dir) return std::nullopt;
    const std::string name = to_hex(key) + ".bpf";
    // O_NONBLOCK: a fifo in its place must not hang rt (it is refused below).
    unique_fd file(::openat(dir.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!file) {
        if (errno != ENOENT) log::warn("seccomp cache " + dir_ + "/" + name + ": " + std::strerror(errno));
        return std::nullopt;
    }
    struct stat st {};
    std::string why;
    std::optional<std::string> bytes;
    if (::fstat(file.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        why = "not a regular file of one link";
    } else if (!trusted(st, owner_)) {
        why = describe(st) + ": may be written by others than uid " + std::to_string(owner_);
    } else if (static_cast<size_t>(st.st_size) > kMaxFileSize) {
        why = "too large";
    } else if (!(bytes = read_limited(file.get(), static_cast<size_t>(st.st_size)))) {
        why = std::string("read: ") + std::strerror(errno);
    }
    std::optional<CachedSeccomp> filter;
    if (why.empty()) filter = decode_cached_seccomp(*bytes, key, why);
    if (!filter) {
        log::warn("seccomp cache " + dir_ + "/" + name + ": " + why + ": compiling the profile again");
        return std::nullopt;
    }
    log::debug("seccomp: filter of " + std::to_string(filter->instructions.size()) + " instructions from " + dir_ +
               "/" + name);
    return filter;
}

void SeccompCache::store(const Sha256Digest& key, const CachedSeccomp& filter) const {
    unique_fd dir;
    try {
        dir = open_dir(true);
    } catch (const Error& e) {
        log::debug(std::string("seccomp cache: ") + e.what());
    }
    if (!dir) return;
    const std::string name = to_hex(key) + ".bpf";
    const std::string temp = "." + name + "." + std::to_string(::getpid());
    try {
        // Make room first: the oldest files go beyond kMaxEntries.
        std::vector<std::pair<time_t, std::string>> entries;
        if (DIR* d = ::fdopendir(::dup(dir.get()))) {
            while (dirent* e = ::readdir(d)) {
                std::string entry = e->d_name;
                struct stat st {};
                if (entry.size() > 4 && entry.compare(entry.size() - 4, 4, ".bpf") == 0 && entry[0] != '.' &&
                    ::fstatat(dir.get(), entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
                    entries.emplace_back(st.st_mtime, entry);
                }
            }
            ::closedir(d);
        }
        if (entries.size() >= kMaxEntries) {
            std::sort(entries.begin(), entries.end());
            for (size_t i = 0; i + kMaxEntries <= entries.size(); ++i) {
                ::unlinkat(dir.get(), entries[i].second.c_str(), 0);
            }
        }
        unique_fd out(::openat(dir.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!out) throw_errno("create " + temp);
        write_all_fd(out.get(), encode_cached_seccomp(key, filter));
        out.reset();
        if (::renameat(dir.get(), temp.c_str(), dir.get(), name.c_str()) < 0) throw_errno("rename " + temp);
        log::debug("seccomp: filter written to " + dir_ + "/" + name);
    } catch (const Error& e) {
        ::unlinkat(dir.get(), temp.c_str(), 0);
        log::warn("seccomp cache " + dir_ + ": " + e.what() + ": not written");
    }
}

}  // namespace rt::linux
