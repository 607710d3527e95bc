// Device rules as systemd's DevicePolicy and DeviceAllow (runc's
// devices/systemd.go). systemd takes only an allow list: the rules are run
// through an emulation of the v1 devices cgroup (which starts from "allow
// all"; "a" resets it), and what remains is the list. A list of exceptions
// to "allow all" cannot be said: systemd then denies all, and the files
// (devices.allow/deny, the BPF program) hold the real rules, as with runc.
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "rt/cgroups/systemd.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::cgroups::systemd {
namespace {

constexpr int access_r = 1, access_w = 2, access_m = 4;

int access_bits(const std::string& access) {
    int bits = 0;
    for (char c : access) bits |= c == 'r' ? access_r : c == 'w' ? access_w : c == 'm' ? access_m : 0;
    return bits;
}

std::string access_text(int bits) {
    std::string text;
    if (bits & access_r) text += 'r';
    if (bits & access_w) text += 'w';
    if (bits & access_m) text += 'm';
    return text;
}

// (type, major, minor), -1 for a wildcard; ordered as runc orders its list:
// by major, minor, then type.
struct Key {
    char type;
    int64_t major, minor;
    bool operator<(const Key& o) const {
        return std::tie(major, minor, type) < std::tie(o.major, o.minor, o.type);
    }
};

std::string describe(const Key& k) {
    auto id = [](int64_t n) { return n < 0 ? std::string("*") : std::to_string(n); };
    return std::string(1, k.type) + " " + id(k.major) + ":" + id(k.minor);
}

// The v1 devices cgroup, emulated (runc's devices_emulator.go).
class Emulator {
public:
    bool allow_all_default = true;  // a new cgroup allows everything
    std::map<Key, int> exceptions;

    void apply(const DeviceRule& rule) {
        if (rule.type == 'a' && rule.major < 0 && rule.minor < 0 && access_bits(rule.access) == 7) {
            allow_all_default = rule.allow;
            exceptions.clear();
            return;
        }
        // A narrower rule for all types is one for each (as rt writes it to
        // devices.allow/deny).
        if (rule.type == 'a') {
            for (char type : {'c', 'b'}) {
                DeviceRule one = rule;
                one.type = type;
                apply(one);
            }
            return;
        }
        Key key{rule.type, rule.major, rule.minor};
        int bits = access_bits(rule.access);
        // An allow rule adds to an allow list and removes from a deny list,
        // and the other way round.
        if (rule.allow != allow_all_default) {
            exceptions[key] |= bits;
        } else {
            remove(key, bits);
        }
    }

private:
    void remove(const Key& key, int bits) {
        // The kernel cannot take part of a wildcard exception away.
        for (const Key& wider : {Key{key.type, -1, key.minor}, Key{key.type, key.major, -1}, Key{key.type, -1, -1}}) {
            if (wider.major == key.major && wider.minor == key.minor) continue;
            auto it = exceptions.find(wider);
            if (it != exceptions.end() && (it->second & bits)) {
                throw Error("the rule for " + describe(key) + " " + access_text(bits) +
                            " would punch a hole in the rule for " + describe(wider) + " " + access_text(it->second) +
                            ", which the devices cgroup (and systemd) cannot do");
            }
        }
        auto it = exceptions.find(key);
        if (it == exceptions.end()) return;
        it->second &= ~bits;
        if (it->second == 0) exceptions.erase(it);
    }
};

// The device group of a major number in /proc/devices ("char-pts"), for
// systemd before 240, which knows no "char-MAJOR".
std::string device_group(char type, int64_t major) {
    std::ifstream in("/proc/devices");
    std::string line;
    char section = 0;
    while (std::getline(in, line)) {
        if (line == "Character devices:") {
            section = 'c';
            continue;
        }
        if (line == "Block devices:") {
            section = 'b';
            continue;
        }
        if (section != type) continue;
        std::istringstream fields(line);
        int64_t number;
        std::string name;
        if (fields >> number >> name && number == major) return std::string(type == 'c' ? "char-" : "block-") + name;
    }
    return "";
}

dbus::Value allow_list(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::vector<dbus::Value> items;
    for (const auto& [path, access] : entries) {
        items.push_back(dbus::Value::structure({dbus::Value::string(path), dbus::Value::string(access)}));
    }
    return dbus::Value::array("(ss)", std::move(items));
}

}  // namespace

std::vector<Property> device_properties(const std::vector<DeviceRule>& rules, int version, bool warn) {
    Emulator emulator;
    for (const auto& rule : rules) emulator.apply(rule);

    // An empty DeviceAllow first: it clears what a live unit has.
    std::vector<Property> props = {{"DeviceAllow", allow_list({})}};
    if (emulator.allow_all_default) {
        if (emulator.exceptions.empty()) {
            props.push_back({"DevicePolicy", dbus::Value::string("auto")});
            return props;
        }
        if (warn) log::warn("systemd takes no device deny list: it denies all devices, and the cgroup files hold the rules");
        props.push_back({"DevicePolicy", dbus::Value::string("strict")});
        return props;
    }
    props.push_back({"DevicePolicy", dbus::Value::string("strict")});

    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& [key, bits] : emulator.exceptions) {
        std::string group = key.type == 'c' ? "char-" : "block-";
        std::string path;
        if (key.major < 0) {
            if (key.minor >= 0) {
                if (warn) log::warn("systemd takes no device rule for every major number (" + describe(key) +
                          "): the cgroup files hold it");
                continue;
            }
            path = group + "*";
        } else if (key.minor < 0) {
            if (version >= 240) {
                path = group + std::to_string(key.major);
            } else {
                path = device_group(key.type, key.major);
                if (path.empty()) {
                    if (warn) log::warn("no device group for " + describe(key) + " in /proc/devices: the cgroup files hold it");
                    continue;
                }
            }
        } else {
            path = std::string(key.type == 'c' ? "/dev/char/" : "/dev/block/") + std::to_string(key.major) + ":" +
                   std::to_string(key.minor);
            // Before 240, systemd stat()s the path: a device the host lacks
            // cannot be listed.
            struct stat st {};
            if (version < 240 && ::stat(path.c_str(), &st) != 0) continue;
        }
        entries.emplace_back(path, access_text(bits));
    }
    props.push_back({"DeviceAllow", allow_list(entries)});
    return props;
}

}  // namespace rt::cgroups::systemd
