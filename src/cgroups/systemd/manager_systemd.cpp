// The systemd driver's Manager: a transient scope from systemd, and the v1
// or v2 file writer for everything in its cgroups (see rt/cgroups/systemd.hpp).
#include <unistd.h>

#include "../cgroup_dir.hpp"
#include "../v1/manager_v1.hpp"
#include "../no_cgroups.hpp"
#include "../v2/manager_v2.hpp"
#include "rt/cgroups/systemd.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/log.hpp"

namespace rt::cgroups::systemd {
namespace {

constexpr const char* driver_v1 = "systemd-v1";
constexpr const char* driver_v2 = "systemd-v2";
constexpr const char* user_driver_v1 = "systemd-user-v1";
constexpr const char* user_driver_v2 = "systemd-user-v2";

// On cgroup v1 a user's systemd manages only its own (name=systemd)
// hierarchy: the scope holds the processes, no controller is the user's.
const char* const user_v1_why =
    "cgroup v1: the user's systemd instance is delegated no controller (only cgroup v2 delegates them)";

// The unit's cgroup in the name=systemd hierarchy (v1, rootless): where the
// user's systemd keeps the scope, recorded in the state.
std::map<std::string, std::string> user_v1_cgroups(const Layout& layout, const std::string& cgroup) {
    const Hierarchy* named = layout.find_v1("name=systemd");
    if (!named) throw Error("--systemd-cgroup rootless on cgroup v1: no name=systemd hierarchy is mounted");
    return {{named->key(), named->mount + cgroup}};
}

// Where the unit's cgroups are, with the hierarchies of this host: every v1
// hierarchy (systemd makes the directories in those it manages, rt the
// others) and, on a hybrid host, the cgroup2 one; on v2 the one directory.
std::map<std::string, std::string> unit_cgroups(const Layout& layout, const std::string& cgroup) {
    std::map<std::string, std::string> paths;
    if (layout.mode == Mode::unified) {
        paths[""] = layout.unified + cgroup;
        return paths;
    }
    for (const auto& hierarchy : layout.v1) {
        for (const auto& controller : hierarchy.controllers) paths[controller] = hierarchy.mount + cgroup;
    }
    if (layout.mode == Mode::hybrid) paths[""] = layout.unified + cgroup;
    return paths;
}

class SystemdManager final : public Manager {
public:
    SystemdManager(const Layout& layout, std::string id, UnitPath unit, std::map<std::string, std::string> paths,
                   DeviceFilterLoader& loader, Connector connect, bool user,
                   std::unique_ptr<UnitControl> control = nullptr)
        : v2_(layout.mode == Mode::unified),
          user_(user),
          id_(std::move(id)),
          unit_(std::move(unit)),
          connect_(std::move(connect)),
          control_(std::move(control)) {
        if (user_ && !v2_) {
            files_ = std::make_unique<NoCgroups>(user_v1_why);
            user_v1_paths_ = std::move(paths);
        } else if (v2_) {
            auto files = v2::ManagerV2::from_state(layout, paths, loader);
            files->adopt_populated();
            files_ = std::move(files);
        } else {
            auto files = v1::ManagerV1::from_state(layout, paths);
            files->adopt_populated();
            files_ = std::move(files);
        }
    }

    // For an existing container: the unit is its own, started by an earlier rt.
    void adopt_unit() {
        owns_unit_ = true;
        started_ = true;
    }

    std::string driver() const override {
        if (user_) return v2_ ? user_driver_v2 : user_driver_v1;
        return v2_ ? driver_v2 : driver_v1;
    }
    std::map<std::string, std::string> paths() const override {
        return user_v1_paths_.empty() ? files_->paths() : user_v1_paths_;
    }

    void check(const spec::Resources& resources) const override {
        files_->check(resources);
        // What cannot be said to systemd, refused now (before the init is
        // made): values it cannot take, device rules it cannot express.
        spec::Resources copy = resources;
        std::vector<DeviceRule> rules = container_device_rules(resources.devices, {});
        resource_properties(copy, user_ ? nullptr : &rules, v2_, 1000, false);
    }

    // systemd makes a scope only with a process in it: the unit is started
    // in add_process, with the init (which runs nothing of the container
    // before rt lets it). create and apply keep what they are given.
    void create(const spec::Resources& resources) override { resources_ = resources; }

    void apply(const spec::Resources& resources, const std::vector<DeviceRule>& devices) override {
        resources_ = resources;
        // A user cannot load a device filter (bpf needs privilege): rootless,
        // the devices are those bound in from the host, as runc's.
        if (!user_) devices_ = devices;
    }

    void add_process(pid_t pid) override {
        if (started_) {
            files_->add_process(pid);
            return;
        }
        spec::Resources resources = resources_;
        std::vector<Property> props = scope_properties(id_, unit_, pid, v2_);
        for (auto& p : resource_properties(resources, user_ ? nullptr : &devices_, v2_, systemd().version())) {
            props.push_back(std::move(p));
        }
        add_oom_policy(props, resources);
        systemd().start_unit(unit_.unit, props);
        started_ = true;
        owns_unit_ = true;
        // What systemd did not make (v1 hierarchies it does not manage), the
        // controllers the scope delegates, and every limit in the files.
        files_->create(resources);
        if (user_) {
            files_->update(resources, nullptr);
        } else {
            files_->apply(resources, devices_);
        }
        files_->add_process(pid);
    }

    void update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) override {
        files_->check(resources);
        spec::Resources adjusted = resources;
        if (v2_) check_memory_usage(adjusted);
        if (user_ && devices) {
            throw Error("devices: cannot change device rules rootless: a user cannot load a device filter");
        }
        systemd().set_properties(unit_.unit, resource_properties(adjusted, devices, v2_, systemd().version()));
        files_->update(adjusted, devices);
    }

    void freeze(FreezerState state) override { files_->freeze(state); }
    FreezerState freezer_state() const override { return files_->freezer_state(); }
    bool has_freezer() const override { return files_->has_freezer(); }
    std::vector<pid_t> processes() const override { return files_->processes(); }
    bool exists() const override { return files_->exists(); }
    Stats stats() const override { return files_->stats(); }
    std::unique_ptr<OomWatch> watch_oom() const override { return files_->watch_oom(); }

    void destroy() override {
        // A create that failed before its unit started has nothing to undo:
        // a unit of that name, if any, is someone else's.
        if (!owns_unit_) return;
        // systemd removes the directories it made; the others (and any a
        // process of the container made below the scope) go after.
        try {
            systemd().stop_unit(unit_.unit);
        } catch (const Error& e) {
            log::warn("removing the container's cgroups without systemd: stopping " + unit_.unit + ": " + e.what());
        }
        files_->destroy();
    }

private:
    UnitControl& systemd() {
        if (!control_) control_ = connect_();
        return *control_;
    }

    // OOMPolicy can only be given when the unit starts (systemd 253+).
    void add_oom_policy(std::vector<Property>& props, const spec::Resources& resources) {
        auto it = resources.unified.find("memory.oom.group");
        if (!v2_ || it == resources.unified.end() || systemd().version() < 253) return;
        if (it->second == "0" || it->second == "1") {
            props.push_back({"OOMPolicy", dbus::Value::string(it->second == "1" ? "kill" : "continue")});
        }
    }

    // runc's CheckMemoryUsage: on v2, systemd would OOM-kill the container
    // at once for a limit below what it uses; refuse it first.
    void check_memory_usage(const spec::Resources& r) const {
        if (!r.memory || !r.memory->check_before_update || !*r.memory->check_before_update) return;
        CgroupDir dir(files_->paths().at(""));
        if (!dir.has("memory.current")) return;
        uint64_t usage = dir.read_uint("memory.current");
        int64_t limit = r.memory->limit.value_or(0);
        if (limit > 0 && static_cast<uint64_t>(limit) <= usage) {
            throw Error("memory.limit: rejecting memory limit " + std::to_string(limit) + " <= usage " +
                        std::to_string(usage));
        }
    }

    bool v2_;
    bool user_;  // the user's systemd instance (rootless)
    std::string id_;
    UnitPath unit_;
    Connector connect_;
    std::unique_ptr<UnitControl> control_;
    std::unique_ptr<Manager> files_;
    std::map<std::string, std::string> user_v1_paths_;  // rootless on v1: the name=systemd cgroup only
    spec::Resources resources_;
    std::vector<DeviceRule> devices_;
    bool started_ = false;
    bool owns_unit_ = false;  // started by this manager, or the container's (from its state)
};

}  // namespace

std::unique_ptr<Manager> manager_for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                            const std::string& id, DeviceFilterLoader& loader, bool rootless,
                                            const Connector& connect) {
    UnitPath unit = unit_path(cgroups_path, id, rootless);
    Connector connector = connect ? connect : rootless ? Connector(connect_user_systemd) : Connector(connect_systemd);
    // Talks to systemd now: an unreachable one is an error before anything
    // is made. A user's manager puts its units below its own cgroup.
    std::unique_ptr<UnitControl> control = connector();
    std::string cgroup = control->control_group();
    if (cgroup == "/") cgroup.clear();
    cgroup += unit.cgroup();
    auto paths = rootless && layout.mode != Mode::unified ? user_v1_cgroups(layout, cgroup)
                                                          : unit_cgroups(layout, cgroup);
    return std::make_unique<SystemdManager>(layout, id, unit, std::move(paths), loader, connector, rootless,
                                            std::move(control));
}

std::unique_ptr<Manager> manager_from_state(const Layout& layout, const std::string& driver,
                                            const std::map<std::string, std::string>& paths,
                                            DeviceFilterLoader& loader, const Connector& connect) {
    bool user = driver == user_driver_v1 || driver == user_driver_v2;
    if (driver != driver_v1 && driver != driver_v2 && !user) {
        throw Error("not a systemd cgroup driver: \"" + driver + "\"");
    }
    if ((driver == driver_v2 || driver == user_driver_v2) != (layout.mode == Mode::unified)) {
        throw Error("the container's cgroups were made by the " + driver + " driver, but this host's cgroups are " +
                    to_string(layout.mode));
    }
    if (paths.empty()) throw Error("corrupt state: no cgroup path");
    // The unit is the last part of the container's cgroup; its slice the
    // part before (only the unit name is needed from here on).
    UnitPath unit;
    unit.unit = basename_of(paths.begin()->second);
    if (unit.unit.size() <= 6 || unit.unit.compare(unit.unit.size() - 6, 6, ".scope") != 0) {
        throw Error("corrupt state: the cgroup " + paths.begin()->second + " is not a systemd scope");
    }
    Connector connector = connect ? connect : user ? Connector(connect_user_systemd) : Connector(connect_systemd);
    auto manager = std::make_unique<SystemdManager>(layout, "", unit, paths, loader, connector, user);
    manager->adopt_unit();
    return manager;
}

}  // namespace rt::cgroups::systemd
