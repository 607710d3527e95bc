// The manager of a rootless container that gets no cgroup at all: none was
// delegated to the user (internal to src/cgroups). It makes nothing and
// refuses every limit, naming it and why; the state records no cgroup path,
// so later commands see a container without cgroups.
#pragma once

#include "rt/cgroups/manager.hpp"

namespace rt::cgroups {

class NoCgroups final : public Manager {
public:
    explicit NoCgroups(std::string why) : why_(std::move(why)) {}

    std::string driver() const override { return "none"; }
    std::map<std::string, std::string> paths() const override { return {}; }
    void check(const spec::Resources& resources) const override;
    void create(const spec::Resources&) override {}
    void apply(const spec::Resources&, const std::vector<DeviceRule>&) override {}
    void add_process(pid_t) override {}
    void update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) override;
    void freeze(FreezerState state) override;
    FreezerState freezer_state() const override { return FreezerState::thawed; }
    bool has_freezer() const override { return false; }
    std::vector<pid_t> processes() const override { return {}; }
    bool exists() const override { return false; }
    Stats stats() const override { return {}; }
    std::unique_ptr<OomWatch> watch_oom() const override;
    void destroy() override {}

private:
    std::string why_;
};

// The fields of linux.resources that set a limit (what needs a controller):
// "memory", "cpu", "pids", "blockIO", "hugepageLimits", "network", "rdma",
// "unified". The device rules are not among them.
std::vector<std::string> limits_set(const spec::Resources& resources);

}  // namespace rt::cgroups
