#include "rt/linux/mount_options.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <string_view>

namespace rt::linux {
namespace {

struct FlagOption {
    std::string_view name;
    bool clear;  // the option removes the flag ("rw" clears MS_RDONLY)
    unsigned long flag;
};

// mount(2) flags, as runc and the spec's table name them.
constexpr FlagOption flag_options[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},
    {"suid", true, MS_NOSUID},         {"nosuid", false, MS_NOSUID},
    {"dev", true, MS_NODEV},           {"nodev", false, MS_NODEV},
    {"exec", true, MS_NOEXEC},         {"noexec", false, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},   {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},      {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},       {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME}, {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},  {"nolazytime", true, MS_LAZYTIME},
    {"iversion", false, MS_I_VERSION}, {"noiversion", true, MS_I_VERSION},
    {"silent", false, MS_SILENT},      {"loud", true, MS_SILENT},
    {"nosymfollow", false, MS_NOSYMFOLLOW}, {"symfollow", true, MS_NOSYMFOLLOW},
};

struct PropagationOption {
    std::string_view name;
    unsigned long flags;
};

constexpr PropagationOption propagation_options[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

// The recursive atime options set one field of mount attributes: the kernel
// wants the whole field cleared whenever one of them is applied.
struct AtimeOption {
    std::string_view name;
    uint64_t attr;
};

constexpr AtimeOption recursive_atime_options[] = {
    {"rrelatime", MOUNT_ATTR_RELATIME},       {"rnoatime", MOUNT_ATTR_NOATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME},
    // The negations fall back to the kernel's default, relatime, except
    // "rnorelatime", which asks for atime updates on every access.
    {"ratime", MOUNT_ATTR_RELATIME},          {"rnostrictatime", MOUNT_ATTR_RELATIME},
    {"rnorelatime", MOUNT_ATTR_STRICTATIME},
};

struct RecursiveOption {
    std::string_view name;
    bool clear;
    uint64_t attr;
};

// mount_setattr(2) attributes applied to a whole mount tree.
constexpr RecursiveOption recursive_options[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},           {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},       {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},         {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},       {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

}  // namespace

std::optional<unsigned long> propagation_flags(std::string_view name) {
    for (const auto& p : propagation_options) {
        if (name == p.name) return p.flags;
    }
    return std::nullopt;
}

MountOptions parse_mount_options(const std::vector<std::string>& options) {
    MountOptions result;
    for (const auto& option : options) {
        bool known = false;
        for (const auto& f : flag_options) {
            if (option == f.name) {
                if (f.clear) {
                    result.flags &= ~f.flag;
                } else {
                    result.flags |= f.flag;
                }
                known = true;
                break;
            }
        }
        if (known) continue;
        if (auto flags = propagation_flags(option)) {
            result.propagation.push_back(*flags);
            continue;
        }
        for (const auto& r : recursive_options) {
            if (option == r.name) {
                if (r.clear) {
                    result.attr_clr |= r.attr;
                    result.attr_set &= ~r.attr;
                } else {
                    result.attr_set |= r.attr;
                    result.attr_clr &= ~r.attr;
                }
                known = true;
                break;
            }
        }
        if (known) continue;
        for (const auto& a : recursive_atime_options) {
            if (option == a.name) {
                result.attr_clr |= MOUNT_ATTR__ATIME;
                result.attr_set = (result.attr_set & ~static_cast<uint64_t>(MOUNT_ATTR__ATIME)) | a.attr;
                known = true;
                break;
            }
        }
        if (known) continue;
        if (option == "bind") {
            result.bind = true;
        } else if (option == "rbind") {
            result.bind = true;
            result.recursive_bind = true;
        } else if (option == "idmap") {
            result.idmap = true;
        } else if (option == "ridmap") {
            result.idmap = true;
            result.recursive_idmap = true;
        } else if (option == "tmpcopyup") {
            result.tmpcopyup = true;
        } else {
            if (!result.data.empty()) result.data += ',';
            result.data += option;
        }
    }
    return result;
}

std::vector<std::string> recognized_mount_options() {
    // idmap and ridmap: the parent makes an idmapped tree of the source
    // (rt/linux/mount_trees.hpp); tmpcopyup: mounts.cpp copies the
    // covered directory into the tmpfs (rt/linux/copy_tree.hpp).
    std::vector<std::string> names = {"bind", "rbind", "idmap", "ridmap", "tmpcopyup"};
    for (const auto& o : flag_options) names.emplace_back(o.name);
    for (const auto& o : propagation_options) names.emplace_back(o.name);
    for (const auto& o : recursive_options) names.emplace_back(o.name);
    for (const auto& o : recursive_atime_options) names.emplace_back(o.name);
    std::sort(names.begin(), names.end());
    return names;
}

unsigned long remount_flags(unsigned long flags) {
    return flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME |
                    MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW);
}

}  // namespace rt::linux
