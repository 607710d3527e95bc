// The manager of a container cgroup that holds the processes but no
// controller (internal to src/cgroups). Rootless on cgroup v1, the user's
// systemd scope is such a cgroup: the user's manager makes it in the
// name=systemd hierarchy, the user may read and write its cgroup.procs, but
// v1 delegates no controller to a user. So `ps`, `kill --all`, `exec` (which
// joins it) and `delete` work through its cgroup.procs, while limits, device
// rules, pause/resume (no freezer) and OOM events are refused naming why,
// and its statistics are empty. The directory is someone else's to make and
// to remove (systemd's): create() makes nothing, destroy() removes only
// what is left of it.
#pragma once

#include "rt/cgroups/manager.hpp"

namespace rt::cgroups {

class ProcessesOnly final : public Manager {
public:
    // `key`: the hierarchy's name in paths() ("name=systemd"); `dir`: the
    // cgroup; `why`: why it has no controller (ends every refusal).
    ProcessesOnly(std::string key, std::string dir, std::string why)
        : key_(std::move(key)), dir_(std::move(dir)), why_(std::move(why)) {}

    // Never saved: the manager wrapping this one (systemd's) names the driver.
    std::string driver() const override { return "processes-only"; }
    std::map<std::string, std::string> paths() const override { return {{key_, dir_}}; }
    void check(const spec::Resources& resources) const override;
    void create(const spec::Resources&) override {}
    void apply(const spec::Resources&, const std::vector<DeviceRule>&) override {}
    void add_process(pid_t pid) override;
    void update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) override;
    void freeze(FreezerState state) override;
    FreezerState freezer_state() const override { return FreezerState::thawed; }
    bool has_freezer() const override { return false; }
    std::vector<pid_t> processes() const override;
    bool exists() const override;
    Stats stats() const override { return {}; }
    std::unique_ptr<OomWatch> watch_oom() const override;
    void destroy() override;

private:
    std::string key_;
    std::string dir_;
    std::string why_;
};

}  // namespace rt::cgroups
