// The device rules of a container: deny all, the config's, then the defaults.
#include <algorithm>

#include "rt/cgroups/devices.hpp"

namespace rt::cgroups {
namespace {

struct DefaultDevice {
    const char* path;  // "" for rules without a device node of their own
    DeviceRule rule;
};

// runc's libcontainer/specconv AllowedDevices, in its order.
const std::vector<DefaultDevice>& default_devices() {
    static const std::vector<DefaultDevice> devices = {
        {"", {true, 'c', -1, -1, "m"}},  // mknod of any char device
        {"", {true, 'b', -1, -1, "m"}},  // and of any block device
        {"/dev/null", {true, 'c', 1, 3, "rwm"}},
        {"/dev/random", {true, 'c', 1, 8, "rwm"}},
        {"/dev/full", {true, 'c', 1, 7, "rwm"}},
        {"/dev/tty", {true, 'c', 5, 0, "rwm"}},
        {"/dev/zero", {true, 'c', 1, 5, "rwm"}},
        {"/dev/urandom", {true, 'c', 1, 9, "rwm"}},
        {"", {true, 'c', 136, -1, "rwm"}},  // /dev/pts/*
        {"", {true, 'c', 5, 2, "rwm"}},     // /dev/ptmx
        {"", {true, 'c', 10, 200, "rwm"}},  // /dev/net/tun
    };
    return devices;
}

}  // namespace

const std::vector<DeviceRule>& default_device_rules() {
    static const std::vector<DeviceRule> rules = [] {
        std::vector<DeviceRule> all;
        for (const auto& device : default_devices()) all.push_back(device.rule);
        return all;
    }();
    return rules;
}

std::vector<DeviceRule> container_device_rules(const std::vector<spec::DeviceRule>& rules,
                                               const std::vector<spec::Device>& devices) {
    std::vector<DeviceRule> all;
    all.push_back({false, 'a', -1, -1, "rwm"});
    for (const auto& given : rules) {
        DeviceRule rule;
        rule.allow = given.allow;
        rule.type = given.type && !given.type->empty() ? (*given.type)[0] : 'a';
        rule.major = given.major.value_or(-1);
        rule.minor = given.minor.value_or(-1);
        rule.access = given.access.value_or("rwm");
        all.push_back(rule);
    }
    // A rule for every access to every device (allow or deny) wipes out the
    // rules before it, as it does on cgroup v1: start from the last one, so
    // that equal rule sets compare equal ([deny all, deny all] is [deny all]).
    for (size_t i = all.size(); i-- > 1;) {
        const DeviceRule& r = all[i];
        if (r.type == 'a' && r.major < 0 && r.minor < 0 && r.access == "rwm") {
            all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(i));
            break;
        }
    }
    // A default device whose path the config redefines (another device at
    // /dev/null, say) keeps no rule of its own, as in runc.
    for (const auto& device : default_devices()) {
        bool redefined = std::any_of(devices.begin(), devices.end(), [&](const spec::Device& d) {
            return *device.path != '\0' && d.path == device.path;
        });
        if (!redefined) all.push_back(device.rule);
    }
    return all;
}

std::vector<std::string> v1_rule_lines(const DeviceRule& rule) {
    if (rule.type == 'a' && rule.major < 0 && rule.minor < 0 && rule.access == "rwm") return {"a"};
    auto id = [](int64_t n) { return n < 0 ? std::string("*") : std::to_string(n); };
    auto line = [&](char type) {
        return std::string(1, type) + " " + id(rule.major) + ":" + id(rule.minor) + " " + rule.access;
    };
    // The kernel reads any "a" line as "everything", whatever follows it: a
    // narrower rule for all types is one for each.
    if (rule.type == 'a') return {line('c'), line('b')};
    return {line(rule.type)};
}

}  // namespace rt::cgroups
