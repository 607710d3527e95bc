#include "processes_only.hpp"

#include "cgroup_dir.hpp"
#include "no_cgroups.hpp"
#include "rt/util/error.hpp"

namespace rt::cgroups {

void ProcessesOnly::check(const spec::Resources& resources) const {
    refuse_limits(resources, "cannot set this limit rootless: " + why_);
}

void ProcessesOnly::add_process(pid_t pid) { CgroupDir(dir_).write("cgroup.procs", std::to_string(pid)); }

void ProcessesOnly::update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) {
    check(resources);
    if (devices) fail_field("devices", "cannot change device rules rootless: " + why_);
}

// runc refuses a rootless systemd cgroup on v1 altogether, and systemd can
// freeze a unit only with the cgroup v2 freezer (FreezeUnit): there is no
// freezer to pause with.
void ProcessesOnly::freeze(FreezerState) {
    throw Error("cannot pause or resume: the container's cgroup has no freezer (" + why_ + ")");
}

std::vector<pid_t> ProcessesOnly::processes() const { return CgroupDir(dir_).all_processes(); }

bool ProcessesOnly::exists() const { return CgroupDir(dir_).has("cgroup.procs"); }

std::unique_ptr<OomWatch> ProcessesOnly::watch_oom() const {
    throw Error("no OOM events: the container's cgroup has no memory controller (" + why_ + ")");
}

void ProcessesOnly::destroy() { remove_cgroup_tree(dir_); }

}  // namespace rt::cgroups
