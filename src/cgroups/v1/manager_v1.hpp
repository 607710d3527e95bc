// The cgroup v1 (and hybrid) Manager (internal to src/cgroups).
#pragma once

#include <memory>
#include <optional>

#include "../cgroup_dir.hpp"
#include "rt/cgroups/manager.hpp"

namespace rt::cgroups::v1 {

class ManagerV1 final : public Manager {
public:
    static std::unique_ptr<ManagerV1> for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                                 const std::string& id);
    static std::unique_ptr<ManagerV1> from_state(const Layout& layout, const std::map<std::string, std::string>& paths);

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
    ManagerV1(const Layout& layout, std::map<std::string, std::string> paths);
    std::vector<std::string> directories() const;  // paths_, each once
    std::string mount_of(const std::string& controller) const;
    CgroupDir dir(const std::string& controller, const std::string& field) const;
    std::string process_dir() const;
    void set(const spec::Resources& resources, const std::vector<DeviceRule>* devices);
    void make(const spec::Resources& resources);  // create() without the cleanup
    void make_unified(const spec::Resources& resources);
    void undo_create(size_t keep);

    Layout layout_;
    std::map<std::string, std::string> paths_;  // controller ("" = unified) -> directory
    std::vector<std::string> created_;          // directories create() made, parents first
    bool adopt_populated_ = false;
    bool unified_made_ = false;  // by create_birthplace
};

}  // namespace rt::cgroups::v1
