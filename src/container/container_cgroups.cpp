#include "container_cgroups.hpp"

#include <unistd.h>

#include <map>
#include <optional>

#include "rt/cgroups/systemd.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::container {

const std::vector<linux::MountInfo>& host_mounts() {
    static const std::vector<linux::MountInfo> mounts = linux::read_mountinfo();
    return mounts;
}

namespace {

// The host's layout does not change while rt runs: read it once.
const cgroups::Layout& host_layout() {
    static const cgroups::Layout layout = cgroups::detect_layout(host_mounts());
    return layout;
}

const spec::Resources& resources_of(const spec::Spec& spec) {
    static const spec::Resources none;
    return spec.linux && spec.linux->resources ? *spec.linux->resources : none;
}

// Why this user could not make the cgroup directories `paths` (the nearest
// existing directory above each one is not writable); nullopt when it can.
std::optional<std::string> why_not_delegated(const std::map<std::string, std::string>& paths) {
    for (const auto& [controller, path] : paths) {
        std::string dir = path;
        while (!dir.empty() && ::access(dir.c_str(), F_OK) != 0) dir = dir.substr(0, dir.rfind('/'));
        if (dir.empty()) dir = "/";
        if (::access(dir.c_str(), W_OK) != 0) return dir + " is not writable by this user";
    }
    return std::nullopt;
}

}  // namespace

std::vector<cgroups::DeviceRule> device_rules_of(const spec::Spec& spec) {
    static const std::vector<spec::Device> no_devices;
    return cgroups::container_device_rules(resources_of(spec).devices,
                                           spec.linux ? spec.linux->devices : no_devices);
}

std::unique_ptr<cgroups::Manager> plan_cgroups(const spec::Spec& spec, const std::string& id, bool systemd,
                                               bool rootless) {
    std::optional<std::string> path = spec.linux ? spec.linux->cgroups_path : std::nullopt;
    std::unique_ptr<cgroups::Manager> manager;
    try {
        if (systemd) {
            cgroups::systemd::unit_path(path, id, rootless);  // a bad path is the config's fault, systemd or not
        } else {
            manager = cgroups::manager_for_create(host_layout(), path, id);
        }
    } catch (const Error& e) {
        throw e.with_context("config.json");
    }
    if (systemd) {
        // Rootless, the user's own systemd instance (as runc's).
        manager = cgroups::systemd::manager_for_create(host_layout(), path, id,
                                                       cgroups::kernel_device_filter_loader(), rootless);
    }
    if (rootless && !systemd) {
        if (auto why = why_not_delegated(manager->paths())) {
            log::debug("rootless: no cgroup for ", id, ": ", *why);
            manager = cgroups::no_cgroups(*why);
        }
    }
    try {
        manager->check(resources_of(spec));
    } catch (const Error& e) {
        throw e.with_context("config.json: .linux.resources");
    }
    return manager;
}

unique_fd make_birthplace(cgroups::Manager& manager, const spec::Spec& spec, state::ContainerState& state) {
    try {
        unique_fd birthplace = manager.create_birthplace(resources_of(spec));  // undoes itself when it fails
        state.cgroup_driver = manager.driver();
        state.cgroup_paths = manager.paths();
        return birthplace;
    } catch (const Error& e) {
        throw e.with_context("cgroups");
    }
}

void make_cgroups(cgroups::Manager& manager, const spec::Spec& spec, state::ContainerState& state) {
    try {
        const spec::Resources& resources = resources_of(spec);
        manager.create(resources);  // undoes itself when it fails
        state.cgroup_driver = manager.driver();
        state.cgroup_paths = manager.paths();
        // Limits before the process: it never runs unconstrained.
        manager.apply(resources, device_rules_of(spec));
    } catch (const Error& e) {
        throw e.with_context("cgroups");
    }
}

void add_to_cgroups(cgroups::Manager& manager, pid_t pid) {
    try {
        manager.add_process(pid);
    } catch (const Error& e) {
        throw e.with_context("cgroups");
    }
}

void join_cgroups(cgroups::Manager& manager, const spec::Spec& spec, pid_t init, state::ContainerState& state) {
    make_cgroups(manager, spec, state);
    add_to_cgroups(manager, init);
}

linux::CgroupJoin borrow(const cgroups::ChildJoin& join) {
    linux::CgroupJoin view;
    view.v2_dir = join.v2_dir.get();
    for (const auto& tasks : join.v1_tasks) view.v1_tasks.push_back({tasks.fd.get(), tasks.path});
    return view;
}

void abandon_cgroups(cgroups::Manager& manager, const state::ContainerState& state) {
    if (state.cgroup_paths.empty()) return;  // make_cgroups made nothing
    try {
        manager.destroy();
    } catch (const Error& e) {
        log::warn(std::string("cleaning up after a failed create: ") + e.what());
    }
}

std::unique_ptr<cgroups::Manager> cgroups_of(const state::ContainerState& state) {
    if (state.cgroup_paths.empty()) return nullptr;
    return cgroups::manager_from_state(host_layout(), state.cgroup_driver, state.cgroup_paths);
}

std::unique_ptr<cgroups::Manager> require_cgroups(const state::ContainerState& state) {
    auto manager = cgroups_of(state);
    if (!manager) throw Error("container " + state.id + " has no cgroups");
    return manager;
}

bool is_frozen(const state::ContainerState& state) {
    auto manager = cgroups_of(state);
    return manager && manager->freezer_state() == cgroups::FreezerState::frozen;
}

void remove_cgroups(const state::ContainerState& state) {
    if (auto manager = cgroups_of(state)) manager->destroy();
}

}  // namespace rt::container
