// The cgroup v2 Manager (internal to src/cgroups).
#pragma once

#include <memory>
#include <optional>
#include <set>

#include "../cgroup_dir.hpp"
#include "rt/cgroups/manager.hpp"

namespace rt::cgroups::v2 {

class ManagerV2 final : public Manager {
public:
    static std::unique_ptr<ManagerV2> for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                                 const std::string& id, DeviceFilterLoader& loader);
    static std::unique_ptr<ManagerV2> from_state(const Layout& layout, const std::map<std::string, std::string>& paths,
                                                 DeviceFilterLoader& loader);

    std::string driver() const override;
    std::map<std::string, std::string> paths() const override;
    void check(const spec::Resources& resources) const override;
    void create(const spec::Resources& resources) override;
    unique_fd create_birthplace(const spec::Resources& resources) override;
    void apply(const spec::Resources& resources, const std::vector<DeviceRule>& devices) override;
    void add_process(pid_t pid) override;
    std::optional<ChildJoin> child_join() const override;
    void update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) override;
    void freeze(FreezerState state) override;
    FreezerState freezer_state() const override;
    bool has_freezer() const override;
    std::vector<pid_t> processes() const override;
    bool exists() const override;
    Stats stats() const override;
    std::unique_ptr<OomWatch> watch_oom() const override;
    void destroy() override;

    // The container's cgroup is systemd's scope, with the init already in
    // it (the systemd driver): create() makes only what is missing, without
    // refusing a populated cgroup.
    void adopt_populated() { adopt_populated_ = true; }

private:
    ManagerV2(const Layout& layout, std::string path, DeviceFilterLoader& loader);
    std::set<std::string> needed_controllers(const spec::Resources& resources) const;
    void set(const spec::Resources& resources, const std::vector<DeviceRule>* devices);
    void make(const spec::Resources& resources);  // create() without the cleanup
    void undo_create();

    Layout layout_;
    CgroupDir dir_;
    DeviceFilterLoader& loader_;
    std::vector<std::string> created_;  // directories create() made, parents first
    bool adopt_populated_ = false;
    bool made_ = false;  // by create_birthplace: create() has nothing left to make
};

}  // namespace rt::cgroups::v2
