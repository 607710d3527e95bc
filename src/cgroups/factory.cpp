// Choosing the manager: v2 on a unified host, v1 on a legacy or hybrid one;
// for an existing container, the driver its state names (cgroupfs or systemd).
#include "no_cgroups.hpp"
#include "rt/cgroups/manager.hpp"
#include "rt/cgroups/systemd.hpp"
#include "rt/util/error.hpp"
#include "v1/manager_v1.hpp"
#include "v2/manager_v2.hpp"

namespace rt::cgroups {

std::unique_ptr<Manager> manager_for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                            const std::string& id, DeviceFilterLoader* loader) {
    if (layout.mode == Mode::unified) {
        return v2::ManagerV2::for_create(layout, cgroups_path, id, loader ? *loader : kernel_device_filter_loader());
    }
    return v1::ManagerV1::for_create(layout, cgroups_path, id);
}

std::unique_ptr<Manager> no_cgroups(std::string why) { return std::make_unique<NoCgroups>(std::move(why)); }

std::unique_ptr<Manager> manager_from_state(const Layout& layout, const std::string& driver,
                                            const std::map<std::string, std::string>& paths,
                                            DeviceFilterLoader* loader) {
    if (driver == "cgroupfs-v2") {
        return v2::ManagerV2::from_state(layout, paths, loader ? *loader : kernel_device_filter_loader());
    }
    if (driver == "cgroupfs-v1") return v1::ManagerV1::from_state(layout, paths);
    if (driver == "none") return no_cgroups("the container was made rootless, without a cgroup");
    if (driver.rfind("systemd-", 0) == 0) {
        return systemd::manager_from_state(layout, driver, paths, loader ? *loader : kernel_device_filter_loader());
    }
    throw Error("unknown cgroup driver \"" + driver + "\" in the container's state");
}

bool frozen_tasks_show_as_uninterruptible(const std::string& driver) { return driver == "cgroupfs-v1"; }

}  // namespace rt::cgroups
