#include "rt/util/caller.hpp"

#include <unistd.h>

#include <sstream>

#include "rt/util/file.hpp"

namespace rt {

bool is_nested_user_namespace(const std::string& uid_map_text) {
    std::istringstream in(uid_map_text);
    unsigned long long inside = 0, outside = 0, count = 0;
    if (!(in >> inside >> outside >> count)) return true;  // no map at all: not the initial namespace
    std::string more;
    if (in >> more) return true;
    return !(inside == 0 && outside == 0 && count == 4294967295ULL);
}

bool rootless_mode(const std::string& setting, const Caller& self) {
    if (setting == "true") return true;
    if (setting == "false") return false;
    return self.rootless_euid() || self.in_user_namespace;
}

std::string default_state_root(bool rootless, const char* xdg_runtime_dir) {
    if (rootless && xdg_runtime_dir && *xdg_runtime_dir) return std::string(xdg_runtime_dir) + "/rt";
    return "/run/rt";
}

const Caller& caller() {
    static const Caller self = [] {
        Caller c;
        c.euid = ::geteuid();
        c.egid = ::getegid();
        auto map = read_file_if_exists("/proc/self/uid_map");
        c.in_user_namespace = map && is_nested_user_namespace(*map);
        return c;
    }();
    return self;
}

}  // namespace rt
