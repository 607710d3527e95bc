// cgroup v1 devices: the rules, in order, to devices.deny / devices.allow.
#include "controllers.hpp"

namespace rt::cgroups::v1 {

void set_devices(const CgroupDir& dir, const std::vector<DeviceRule>& rules) {
    for (const auto& rule : rules) {
        for (const auto& line : v1_rule_lines(rule)) {
            with_field("devices", [&] { dir.write(rule.allow ? "devices.allow" : "devices.deny", line); });
        }
    }
}

}  // namespace rt::cgroups::v1
