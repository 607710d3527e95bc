#include "rt/spec/sysctl.hpp"

#include <set>

namespace rt::spec {

std::string sysctl_dotted(const std::string& key) {
    size_t first = key.find_first_of("./");
    if (first == std::string::npos || key[first] == '.') return key;
    std::string dotted = key;
    for (char& c : dotted) {
        if (c == '.') {
            c = '/';
        } else if (c == '/') {
            c = '.';
        }
    }
    return dotted;
}

std::string sysctl_proc_path(const std::string& key) {
    std::string dotted = sysctl_dotted(key);
    std::string path = dotted;
    for (char& c : path) {
        if (c == '.') {
            c = '/';
        } else if (c == '/') {
            c = '.';
        }
    }
    return path;
}

bool sysctl_key_is_plain(const std::string& key) {
    std::string path = sysctl_proc_path(key);
    size_t start = 0;
    for (;;) {
        size_t end = path.find('/', start);
        std::string part = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (part.empty() || part == "." || part == "..") return false;
        if (end == std::string::npos) return true;
        start = end + 1;
    }
}

std::optional<NamespaceType> sysctl_namespace(const std::string& key) {
    static const std::set<std::string> ipc_keys = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    };
    std::string dotted = sysctl_dotted(key);
    if (ipc_keys.contains(dotted) || dotted.starts_with("fs.mqueue.")) return NamespaceType::ipc;
    if (dotted.starts_with("net.")) return NamespaceType::network;
    if (dotted == "kernel.hostname" || dotted == "kernel.domainname") return NamespaceType::uts;
    if (dotted.starts_with("user.")) return NamespaceType::user;
    return std::nullopt;
}

}  // namespace rt::spec
