// The cgroup v2 manager: one directory in the unified hierarchy.
#include "manager_v2.hpp"

#include <unistd.h>

#include "controllers.hpp"

namespace rt::cgroups::v2 {
namespace {

constexpr const char* driver_name = "cgroupfs-v2";

bool sets_memory(const spec::Memory& m) {
    return (m.limit && *m.limit != 0) || (m.reservation && *m.reservation != 0) || (m.swap && *m.swap != 0);
}

}  // namespace

ManagerV2::ManagerV2(const Layout& layout, std::string path, DeviceFilterLoader& loader)
    : layout_(layout), dir_(std::move(path)), loader_(loader) {}

std::unique_ptr<ManagerV2> ManagerV2::for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                                 const std::string& id, DeviceFilterLoader& loader) {
    auto own = layout.own.find("");
    std::string path =
        layout.unified + container_cgroup_path(cgroups_path, id, own == layout.own.end() ? "/" : own->second, true);
    return std::unique_ptr<ManagerV2>(new ManagerV2(layout, path, loader));
}

std::unique_ptr<ManagerV2> ManagerV2::from_state(const Layout& layout, const std::map<std::string, std::string>& paths,
                                                 DeviceFilterLoader& loader) {
    auto it = paths.find("");
    if (it == paths.end()) throw Error("corrupt state: no cgroup v2 path");
    return std::unique_ptr<ManagerV2>(new ManagerV2(layout, it->second, loader));
}

std::string ManagerV2::driver() const {
    return driver_name;
}

std::map<std::string, std::string> ManagerV2::paths() const {
    return {{"", dir_.path()}};
}

std::set<std::string> ManagerV2::needed_controllers(const spec::Resources& r) const {
    std::set<std::string> needed;
    if (r.memory && sets_memory(*r.memory)) needed.insert("memory");
    if (r.cpu && sets_cpu(*r.cpu)) needed.insert("cpu");
    if (r.cpu && sets_cpuset(*r.cpu)) needed.insert("cpuset");
    if (r.pids) needed.insert("pids");
    if (r.block_io && sets_block_io(*r.block_io)) needed.insert("io");
    if (!r.hugepage_limits.empty()) needed.insert("hugetlb");
    if (!r.rdma.empty()) needed.insert("rdma");
    for (const auto& [key, value] : r.unified) {
        std::string controller = unified_controller(key);
        if (!controller.empty()) needed.insert(controller);
    }
    return needed;
}

void ManagerV2::check(const spec::Resources& r) const {
    if (r.memory) check_memory(*r.memory);
    if (r.cpu) check_cpu(*r.cpu);
    if (r.block_io) check_io(*r.block_io);
    if (r.network && (r.network->class_id || !r.network->priorities.empty())) {
        fail_field("network", "cgroup v2 has no net_cls or net_prio controller");
    }
    for (const auto& entry : r.unified) with_field("unified", [&] { unified_controller(entry.first); });
    std::set<std::string> available = controller_set(CgroupDir(layout_.unified).read("cgroup.controllers"));
    for (const auto& controller : needed_controllers(r)) {
        if (!available.count(controller)) {
            throw Error("the cgroup v2 controller \"" + controller + "\" is not available on this host (" +
                        layout_.unified + "/cgroup.controllers)");
        }
    }
}

// All of it: the container's one directory is where the init is born.
unique_fd ManagerV2::create_birthplace(const spec::Resources& resources) {
    try {
        make(resources);
        made_ = true;
        return dir_.open_dir();
    } catch (...) {
        undo_create();
        throw;
    }
}

void ManagerV2::create(const spec::Resources& resources) {
    if (made_) return;
    try {
        make(resources);
    } catch (...) {
        undo_create();
        throw;
    }
}

void ManagerV2::undo_create() {
    // Leave nothing of a failed create behind.
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) ::rmdir(it->c_str());
    created_.clear();
}

void ManagerV2::make(const spec::Resources& resources) {
    if (!adopt_populated_ && dir_.has("cgroup.procs")) {
        if (!dir_.unpopulated()) {
            throw Error("cgroup " + dir_.path() + " already has processes: a new container needs a cgroup of its own");
        }
        if (v2::freezer_state(dir_) == FreezerState::frozen) throw Error("cgroup " + dir_.path() + " is frozen");
    }
    // Every controller the parents offer, so that `update` can set any
    // limit later (as runc); those the config uses must succeed.
    make_v2_cgroup(layout_.unified, dir_.path(), needed_controllers(resources), true, created_);
}

void ManagerV2::set(const spec::Resources& r, const std::vector<DeviceRule>* devices) {
    if (r.cpu && sets_cpuset(*r.cpu)) set_cpuset(dir_, *r.cpu);
    if (r.memory) set_memory(dir_, *r.memory);
    if (r.cpu) set_cpu(dir_, *r.cpu);
    if (r.pids) set_pids(dir_, *r.pids);
    if (r.block_io) set_io(dir_, *r.block_io);
    if (!r.hugepage_limits.empty()) set_hugetlb(dir_, r.hugepage_limits);
    if (!r.rdma.empty()) set_rdma(dir_, r.rdma);
    if (devices) set_devices(dir_, *devices, loader_);
    // Last: the raw v2 values win over the converted ones (runc's order).
    if (!r.unified.empty()) write_unified(dir_, r.unified);
}

void ManagerV2::apply(const spec::Resources& resources, const std::vector<DeviceRule>& devices) {
    set(resources, &devices);
}

void ManagerV2::update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) {
    check(resources);
    set(resources, devices);
}

void ManagerV2::add_process(pid_t pid) {
    dir_.write("cgroup.procs", std::to_string(pid));
}

std::optional<ChildJoin> ManagerV2::child_join() const {
    return open_child_join(paths());
}

bool ManagerV2::has_freezer() const {
    return dir_.has("cgroup.freeze");
}

void ManagerV2::freeze(FreezerState state) {
    set_freezer(dir_, state);
}

FreezerState ManagerV2::freezer_state() const {
    return v2::freezer_state(dir_);
}

std::vector<pid_t> ManagerV2::processes() const {
    return dir_.all_processes();
}

bool ManagerV2::exists() const {
    return dir_.has("cgroup.procs");
}

Stats ManagerV2::stats() const {
    Stats stats;
    if (!exists()) return stats;
    cpu_stats(dir_, stats);  // cpu.stat is there even without the controller
    if (dir_.has("memory.stat")) memory_stats(dir_, stats);
    pids_stats(dir_, stats);
    if (dir_.has("io.stat")) io_stats(dir_, stats);
    hugetlb_stats(dir_, layout_.hugepage_sizes, stats);
    return stats;
}

std::unique_ptr<OomWatch> ManagerV2::watch_oom() const {
    if (!dir_.has("memory.events")) {
        throw Error("cannot watch for OOM kills: the memory controller is not enabled in " + dir_.path());
    }
    return v2::watch_oom(dir_);
}

void ManagerV2::destroy() {
    remove_cgroup_tree(dir_.path());
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) ::rmdir(it->c_str());
    created_.clear();
}

}  // namespace rt::cgroups::v2
