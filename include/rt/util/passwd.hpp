// /etc/passwd and /etc/group read directly, without NSS: rt is linked
// statically, and the files that matter are often the container's, not the
// host's.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace rt {

struct PasswdEntry {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
    std::string shell;
};

// The first entry of passwd-format `text` with this uid / name.
std::optional<PasswdEntry> passwd_by_uid(const std::string& text, uid_t uid);
std::optional<PasswdEntry> passwd_by_name(const std::string& text, const std::string& name);

// Same for group-format text: the gid of a group name, the name of a gid.
std::optional<gid_t> group_gid(const std::string& text, const std::string& name);

// The host's /etc/passwd entry of `uid`, if any (empty file or none: nullopt).
std::optional<PasswdEntry> host_user(uid_t uid);

}  // namespace rt
