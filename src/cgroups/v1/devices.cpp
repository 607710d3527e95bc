// cgroup v1 devices: the rules, in order, to devices.deny / devices.allow.
#include "controllers.hpp"

namespace rt::cgroups::v1 {

void set_devices(const CgroupDir& dir, const std::vector<DeviceRule>& rules) {
    // In order; each run of rules for the same file through one open of it.
    std::vector<std::string> run;
    bool allow = false;
    auto flush = [&] {
        if (!run.empty()) with_field("devices", [&] { dir.write_each(allow ? "devices.allow" : "devices.deny", run); });
        run.clear();
    };
    for (const auto& rule : rules) {
        if (rule.allow != allow) flush();
        allow = rule.allow;
        for (auto& line : v1_rule_lines(rule)) run.push_back(std::move(line));
    }
    flush();
}

}  // namespace rt::cgroups::v1
