// A Syscalls (rt/linux/syscalls.hpp) that records each call instead of
// making it, for unit tests of the init's mount and namespace steps without
// root. Paths and fds are recorded as the path they lead to, relative to the
// test's rootfs ("/dev/pts"), or "HOST:<path>" when they lead outside it:
// a test asserts where a mount would land. open_tree and fsmount hand out
// real fds (the source opened O_PATH, a /dev/null) so that the steps can go
// on; move_mount records the tree by what made it.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rt/linux/syscalls.hpp"

namespace rt::test {

struct SyscallRecord {
    std::string op;      // "mount", "umount2", "open_tree", "move_mount", "mount_setattr", "fsopen",
                         // "fsconfig", "fsmount", "pivot_root", "chroot", "setns", "unshare"
    std::string source;  // mount's source, open_tree's path, move_mount's tree, fsconfig's key=value
    std::string target;  // where it acts
    std::string type;    // filesystem type
    unsigned long flags = 0;  // mount flags, open_tree/fsmount/setns/unshare flags, attr_set
    unsigned long more = 0;   // mount_setattr: AT_RECURSIVE or not; fsmount: attributes
    std::string data;
};

class RecordingSyscalls final : public linux::Syscalls {
public:
    explicit RecordingSyscalls(std::string root) : root_(std::move(root)) {}

    std::vector<SyscallRecord> calls;
    // An op named here fails with this errno instead of being recorded.
    std::map<std::string, int> fail;

    // Every call, one per line, for failure messages.
    std::string dump() const {
        std::string out;
        for (const auto& c : calls) {
            out += c.op + " source=" + c.source + " target=" + c.target + " type=" + c.type +
                   " flags=" + std::to_string(c.flags) + " more=" + std::to_string(c.more) + " data=" + c.data + "\n";
        }
        return out;
    }
    std::vector<SyscallRecord> of(const std::string& op) const {
        std::vector<SyscallRecord> out;
        for (const auto& c : calls) {
            if (c.op == op) out.push_back(c);
        }
        return out;
    }

    int mount(const char* source, const char* target, const char* type, unsigned long flags,
              const void* data) override {
        if (failing("mount")) return -1;
        calls.push_back({"mount", source ? where(source) : "", where(target), type ? type : "", flags, 0,
                         data ? static_cast<const char*>(data) : ""});
        return 0;
    }
    int umount2(const char* target, int flags) override {
        if (failing("umount2")) return -1;
        calls.push_back({"umount2", "", where(target), "", static_cast<unsigned long>(flags), 0, ""});
        return 0;
    }
    int open_tree(int dirfd, const char* path, unsigned flags) override {
        if (failing("open_tree")) return -1;
        int fd = ::openat(dirfd, path, O_PATH | O_CLOEXEC | ((flags & AT_EMPTY_PATH) ? AT_EMPTY_PATH : 0));
        if (*path == '\0') fd = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) return -1;
        std::string from = where(fd);
        calls.push_back({"open_tree", from, "", "", flags, 0, ""});
        label(fd, "tree:" + from);
        return fd;
    }
    int move_mount(int from_dirfd, const char*, int to_dirfd, const char*, unsigned flags) override {
        if (failing("move_mount")) return -1;
        calls.push_back({"move_mount", tree_name(from_dirfd), where(to_dirfd), "", flags, 0, ""});
        return 0;
    }
    int mount_setattr(int dirfd, const char*, unsigned flags, mount_attr* attr) override {
        if (failing("mount_setattr")) return -1;
        calls.push_back({"mount_setattr", "", tree_name(dirfd), "", static_cast<unsigned long>(attr->attr_set),
                         (flags & AT_RECURSIVE) ? 1UL : 0UL, ""});
        return 0;
    }
    int fsopen(const char* fs_name, unsigned flags) override {
        if (failing("fsopen")) return -1;
        int fd = ::memfd_create("fs-context", MFD_CLOEXEC);
        calls.push_back({"fsopen", "", "", fs_name, flags, 0, ""});
        label(fd, std::string("context:") + fs_name);
        return fd;
    }
    int fsconfig(int fs_fd, unsigned cmd, const char* key, const void* value, int) override {
        if (failing("fsconfig")) return -1;
        std::string setting = key ? key : "";
        if (value) setting += "=" + std::string(static_cast<const char*>(value));
        calls.push_back({"fsconfig", setting, tree_name(fs_fd), "", cmd, 0, ""});
        return 0;
    }
    int fsmount(int fs_fd, unsigned flags, unsigned attr_flags) override {
        if (failing("fsmount")) return -1;
        int fd = ::memfd_create("fs-mount", MFD_CLOEXEC);
        std::string type = tree_name(fs_fd).substr(8);  // after "context:"
        calls.push_back({"fsmount", "", "", type, flags, attr_flags, ""});
        label(fd, "new:" + type);
        return fd;
    }
    int pivot_root(const char* new_root, const char* put_old) override {
        if (failing("pivot_root")) return -1;
        calls.push_back({"pivot_root", put_old, where(new_root), "", 0, 0, ""});
        return 0;
    }
    int chroot(const char* path) override {
        if (failing("chroot")) return -1;
        calls.push_back({"chroot", "", where(path), "", 0, 0, ""});
        return 0;
    }
    int setns(int fd, int nstype) override {
        if (failing("setns")) return -1;
        calls.push_back({"setns", "", std::to_string(fd), "", static_cast<unsigned long>(nstype), 0, ""});
        return 0;
    }
    int unshare(int flags) override {
        if (failing("unshare")) return -1;
        calls.push_back({"unshare", "", "", "", static_cast<unsigned long>(flags), 0, ""});
        return 0;
    }

private:
    bool failing(const std::string& op) {
        auto it = fail.find(op);
        if (it == fail.end()) return false;
        errno = it->second;
        return true;
    }
    // The fds the fake handed out, by file identity (a number is reused
    // once the step closed it).
    static std::pair<dev_t, ino_t> identity(int fd) {
        struct stat st {};
        if (::fstat(fd, &st) < 0) return {0, 0};
        return {st.st_dev, st.st_ino};
    }
    void label(int fd, std::string name) { trees_[fd] = {identity(fd), std::move(name)}; }
    // What an fd is: a tree or filesystem the fake handed out, else its path.
    std::string tree_name(int fd) const {
        auto it = trees_.find(fd);
        if (it != trees_.end() && it->second.first == identity(fd)) return it->second.second;
        return where(fd);
    }
    std::string where(int fd) const { return relative(resolve("/proc/self/fd/" + std::to_string(fd))); }
    // A path argument: through /proc/self/fd/N to the file, else as given.
    std::string where(const char* path) const {
        std::string p = path;
        if (p.rfind("/proc/self/fd/", 0) == 0) return relative(resolve(p));
        return p[0] == '/' ? relative(p) : p;
    }
    static std::string resolve(const std::string& link) {
        char buf[4096];
        ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
        return n < 0 ? "?" : std::string(buf, static_cast<size_t>(n));
    }
    std::string relative(const std::string& path) const {
        if (path == root_) return "/";
        if (path.rfind(root_ + "/", 0) == 0) return path.substr(root_.size());
        return "HOST:" + path;
    }

    std::string root_;
    std::map<int, std::pair<std::pair<dev_t, ino_t>, std::string>> trees_;
};

}  // namespace rt::test
