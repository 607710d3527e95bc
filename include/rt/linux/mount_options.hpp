// The mount options of config.json ("ro", "nosuid", "rbind", "rprivate",
// "rro", "mode=755", ...) turned into what the mount system calls take.
// Pure function, unit tested without root.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt::linux {

struct MountOptions {
    unsigned long flags = 0;            // MS_* for mount(2), propagation excluded
    std::vector<unsigned long> propagation;  // MS_PRIVATE|MS_REC, ... in config order
    // Recursive attributes ("rro", "rnosuid", ...) applied with mount_setattr(2)
    // and AT_RECURSIVE after the mount.
    uint64_t attr_set = 0;
    uint64_t attr_clr = 0;
    std::string data;                   // what mount(2) passes to the filesystem
    bool bind = false;                  // "bind" or "rbind"
    bool recursive_bind = false;        // "rbind"
    bool idmap = false;                 // "idmap" / "ridmap"
    bool recursive_idmap = false;       // "ridmap"
    bool tmpcopyup = false;             // runc's extension for tmpfs mounts
};

MountOptions parse_mount_options(const std::vector<std::string>& options);

// The one table of propagation names ("private", "rslave", ...): the flags
// mount(2) takes for it, nullopt for a name that is not one. Mount options
// and linux.rootfsPropagation both use it.
std::optional<unsigned long> propagation_flags(std::string_view name);

// The option names that parse_mount_options gives a meaning and the mount
// code acts on (anything else goes to the filesystem as data): the
// mountOptions of `rt features`.
std::vector<std::string> recognized_mount_options();

// Flags a bind mount needs a second, MS_REMOUNT call to apply (a bind mount
// ignores them on the first call).
unsigned long remount_flags(unsigned long flags);

}  // namespace rt::linux
