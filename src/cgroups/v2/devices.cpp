// cgroup v2 devices: the rules as a BPF program attached to the cgroup.
#include "controllers.hpp"

namespace rt::cgroups::v2 {

void set_devices(const CgroupDir& dir, const std::vector<DeviceRule>& rules, DeviceFilterLoader& loader) {
    with_field("devices", [&] { loader.replace(dir.path(), device_filter_program(rules)); });
}

}  // namespace rt::cgroups::v2
