#include "no_cgroups.hpp"

#include "cgroup_dir.hpp"
#include "controllers_common.hpp"

namespace rt::cgroups {

std::vector<std::string> limits_set(const spec::Resources& r) {
    std::vector<std::string> fields;
    if (r.memory) fields.push_back("memory");
    if (r.cpu && (sets_cpu(*r.cpu) || sets_cpuset(*r.cpu))) fields.push_back("cpu");
    if (r.pids) fields.push_back("pids");
    if (r.block_io && sets_block_io(*r.block_io)) fields.push_back("blockIO");
    if (!r.hugepage_limits.empty()) fields.push_back("hugepageLimits");
    if (r.network && (r.network->class_id || !r.network->priorities.empty())) fields.push_back("network");
    if (!r.rdma.empty()) fields.push_back("rdma");
    if (!r.unified.empty()) fields.push_back("unified");
    return fields;
}

void NoCgroups::check(const spec::Resources& resources) const {
    auto fields = limits_set(resources);
    if (fields.empty()) return;
    fail_field(fields.front(), "cannot set this limit rootless without a cgroup delegated to this user: " + why_);
}

void NoCgroups::update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) {
    check(resources);
    if (devices) fail_field("devices", "cannot change device rules rootless without a cgroup: " + why_);
}

void NoCgroups::freeze(FreezerState) {
    throw Error("cannot pause or resume: the container has no cgroup (rootless, none delegated: " + why_ + ")");
}

std::unique_ptr<OomWatch> NoCgroups::watch_oom() const {
    throw Error("the container has no cgroup (rootless, none delegated: " + why_ + ")");
}

}  // namespace rt::cgroups
