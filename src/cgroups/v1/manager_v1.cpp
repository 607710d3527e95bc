// The cgroup v1 manager: a directory in every mounted v1 hierarchy, and on a
// hybrid host one in the cgroup2 hierarchy too (runc joins it there, so
// that tools reading the unified hierarchy find the container).
#include <unistd.h>

#include <algorithm>

#include "controllers.hpp"
#include "manager_v1.hpp"
#include "rt/util/file.hpp"

namespace rt::cgroups::v1 {
namespace {

constexpr const char* driver_name = "cgroupfs-v1";

// The directory of a resource's controller, or an error naming the field
// when this host does not mount that controller.
const std::string& require(const std::map<std::string, std::string>& paths, const std::string& controller,
                           const std::string& field) {
    auto it = paths.find(controller);
    if (it == paths.end()) {
        fail_field(field, "this host has no cgroup v1 \"" + controller + "\" hierarchy (none is mounted under " +
                              "/sys/fs/cgroup)");
    }
    return it->second;
}

}  // namespace

ManagerV1::ManagerV1(const Layout& layout, std::map<std::string, std::string> paths)
    : layout_(layout), paths_(std::move(paths)) {}

std::unique_ptr<ManagerV1> ManagerV1::for_create(const Layout& layout, const std::optional<std::string>& cgroups_path,
                                                 const std::string& id) {
    std::map<std::string, std::string> paths;
    for (const auto& hierarchy : layout.v1) {
        auto own = layout.own.find(hierarchy.key());
        std::string inner =
            container_cgroup_path(cgroups_path, id, own == layout.own.end() ? "/" : own->second, false);
        for (const auto& controller : hierarchy.controllers) paths[controller] = hierarchy.mount + inner;
    }
    if (layout.mode == Mode::hybrid) {
        auto own = layout.own.find("");
        paths[""] = layout.unified +
                    container_cgroup_path(cgroups_path, id, own == layout.own.end() ? "/" : own->second, false);
    }
    return std::unique_ptr<ManagerV1>(new ManagerV1(layout, std::move(paths)));
}

std::unique_ptr<ManagerV1> ManagerV1::from_state(const Layout& layout, const std::map<std::string, std::string>& paths) {
    return std::unique_ptr<ManagerV1>(new ManagerV1(layout, paths));
}

std::string ManagerV1::driver() const {
    return driver_name;
}

std::map<std::string, std::string> ManagerV1::paths() const {
    return paths_;
}

std::vector<std::string> ManagerV1::directories() const {
    std::vector<std::string> dirs;
    for (const auto& [controller, path] : paths_) {
        if (std::find(dirs.begin(), dirs.end(), path) == dirs.end()) dirs.push_back(path);
    }
    return dirs;
}

std::string ManagerV1::mount_of(const std::string& controller) const {
    if (controller.empty()) return layout_.unified;
    const Hierarchy* hierarchy = layout_.find_v1(controller);
    return hierarchy ? hierarchy->mount : "";
}

CgroupDir ManagerV1::dir(const std::string& controller, const std::string& field) const {
    return CgroupDir(require(paths_, controller, field));
}

void ManagerV1::check(const spec::Resources& r) const {
    // runc: a container without device control is a security hole.
    require(paths_, "devices", "devices");
    if (r.memory) require(paths_, "memory", "memory");
    if (r.cpu && sets_cpu(*r.cpu)) require(paths_, "cpu", "cpu");
    if (r.cpu && sets_cpuset(*r.cpu)) require(paths_, "cpuset", "cpu.cpus");
    if (r.pids) require(paths_, "pids", "pids");
    if (r.block_io && sets_block_io(*r.block_io)) require(paths_, "blkio", "blockIO");
    if (!r.hugepage_limits.empty() && !paths_.count("hugetlb")) {
        fail_field("hugepageLimits",
                   layout_.mode == Mode::hybrid
                       ? "this host has no cgroup v1 \"hugetlb\" hierarchy (on this hybrid host hugetlb belongs "
                         "to the cgroup2 hierarchy, where rt, like runc, sets no v1 limits: use "
                         "\"unified\": {\"hugetlb.<size>.max\": ...})"
                       : "this host has no cgroup v1 \"hugetlb\" hierarchy");
    }
    if (r.network && r.network->class_id) require(paths_, "net_cls", "network.classID");
    if (r.network && !r.network->priorities.empty()) require(paths_, "net_prio", "network.priorities");
    if (!r.rdma.empty()) require(paths_, "rdma", "rdma");
    if (!r.unified.empty()) {
        if (layout_.mode != Mode::hybrid) {
            fail_field("unified", "cgroup v2 settings, but this host has cgroup v1 only");
        }
        // Hybrid: only what the cgroup2 hierarchy has (controllers that are
        // not bound to a v1 hierarchy).
        CgroupDir unified_root(layout_.unified);
        std::set<std::string> available = controller_set(unified_root.read("cgroup.controllers"));
        for (const auto& entry : r.unified) {  // no structured binding: the lambda captures it (clang 14)
            const std::string& key = entry.first;
            with_field("unified", [&] {
                std::string controller = unified_controller(key);
                if (!controller.empty() && !available.count(controller)) {
                    throw Error("\"" + key + "\": controller \"" + controller +
                                "\" is not on this hybrid host's cgroup2 hierarchy (" + layout_.unified + ")");
                }
            });
        }
    }
}

void ManagerV1::undo_create(size_t keep) {
    // Leave nothing of a failed create behind: what it made past `keep`
    // (create_birthplace's part has the init in it; destroy removes that).
    while (created_.size() > keep) {
        ::rmdir(created_.back().c_str());
        created_.pop_back();
    }
}

void ManagerV1::create(const spec::Resources& resources) {
    size_t birthplace = created_.size();
    try {
        make(resources);
    } catch (...) {
        undo_create(birthplace);
        throw;
    }
}

// The hybrid host's cgroup2 directory, where the init is born; the v1
// hierarchies have no such thing (the init joins them by itself later).
unique_fd ManagerV1::create_birthplace(const spec::Resources& resources) {
    auto unified = paths_.find("");
    if (unified == paths_.end()) return {};
    try {
        make_unified(resources);
        unified_made_ = true;
        return CgroupDir(unified->second).open_dir();
    } catch (...) {
        undo_create(0);
        throw;
    }
}

void ManagerV1::make_unified(const spec::Resources& resources) {
    const std::string& path = paths_.at("");
    std::set<std::string> needed;
    for (const auto& [key, value] : resources.unified) {
        std::string controller = unified_controller(key);
        if (!controller.empty()) needed.insert(controller);
    }
    size_t before = created_.size();
    make_v2_cgroup(layout_.unified, path, needed, false, created_);
    bool made = created_.size() > before && created_.back() == path;
    if (!made && !adopt_populated_ && !CgroupDir(path).unpopulated()) {
        throw Error("cgroup " + path + " already has processes: a new container needs a cgroup of its own");
    }
}

void ManagerV1::make(const spec::Resources& resources) {
    for (const auto& [controller, path] : paths_) {
        if (controller.empty()) continue;  // the unified one: below
        size_t before = created_.size();
        bool leaf_made = make_cgroup_path(mount_of(controller), path, created_);
        // A new cpuset is empty: give it its parent's CPUs and nodes (only
        // in those rt makes, and the container's own). A parent rt makes
        // (the default /rt, a shim's /default) has the kernel do that for
        // every container made in it later: see inherit_cpuset for why.
        // rt does not mark the container's own cgroup; the kernel copies a
        // parent's mark into each new child, as it would under runc.
        if (controller == "cpuset") {
            for (size_t i = before; i < created_.size(); ++i) {
                CgroupDir made(created_[i]);
                inherit_cpuset(made, CgroupDir(dirname_of(created_[i])));
                if (created_[i] != path) clone_cpuset_into_children(made);
            }
            if (!leaf_made) inherit_cpuset(CgroupDir(path), CgroupDir(dirname_of(path)));
        }
    }
    if (paths_.count("") && !unified_made_) make_unified(resources);

    // A cgroup that was already there must be fit for a new container
    // (unless it is systemd's scope for this one); one rt made is empty and
    // thawed. A misfit throws, and create() removes what was made. The
    // unified one was checked by make_unified: the init may be in it now.
    if (adopt_populated_) return;
    auto unified = paths_.find("");
    for (const auto& path : directories()) {
        if (std::find(created_.begin(), created_.end(), path) != created_.end()) continue;
        if (unified != paths_.end() && path == unified->second) continue;
        if (!CgroupDir(path).unpopulated()) {
            throw Error("cgroup " + path + " already has processes: a new container needs a cgroup of its own");
        }
    }
    if (auto freezer = paths_.find("freezer");
        freezer != paths_.end() &&
        std::find(created_.begin(), created_.end(), freezer->second) == created_.end() &&
        v1::freezer_state(CgroupDir(freezer->second)) == FreezerState::frozen) {
        throw Error("cgroup " + freezer->second + " is frozen");
    }
}

void ManagerV1::set(const spec::Resources& r, const std::vector<DeviceRule>* devices) {
    if (r.cpu && sets_cpuset(*r.cpu)) set_cpuset(dir("cpuset", "cpu.cpus"), *r.cpu);
    if (devices) set_devices(dir("devices", "devices"), *devices);
    if (r.memory) set_memory(dir("memory", "memory"), *r.memory);
    if (r.cpu && sets_cpu(*r.cpu)) set_cpu(dir("cpu", "cpu"), *r.cpu);
    if (r.pids) set_pids(dir("pids", "pids"), *r.pids);
    if (r.block_io) set_blkio(dir("blkio", "blockIO"), *r.block_io);
    if (!r.hugepage_limits.empty()) set_hugetlb(dir("hugetlb", "hugepageLimits"), r.hugepage_limits);
    if (r.network && r.network->class_id) set_net_cls(dir("net_cls", "network.classID"), *r.network->class_id);
    if (r.network && !r.network->priorities.empty()) {
        set_net_prio(dir("net_prio", "network.priorities"), r.network->priorities);
    }
    if (!r.rdma.empty()) set_rdma(dir("rdma", "rdma"), r.rdma);
    if (!r.unified.empty()) {
        if (!paths_.count("")) fail_field("unified", "cgroup v2 settings, but this host has cgroup v1 only");
        write_unified(dir("", "unified"), r.unified);
    }
}

void ManagerV1::apply(const spec::Resources& resources, const std::vector<DeviceRule>& devices) {
    set(resources, &devices);
}

void ManagerV1::update(const spec::Resources& resources, const std::vector<DeviceRule>* devices) {
    if (devices) {
        // Rewriting devices.deny/allow on a live v1 cgroup would leave a
        // moment where the container may open nothing (the rules start by
        // denying all); runc does not change them either.
        fail_field("devices", "cgroup v1 cannot change the device rules of a created container");
    }
    check(resources);
    set(resources, nullptr);
}

void ManagerV1::add_process(pid_t pid) {
    for (const auto& path : directories()) CgroupDir(path).write("cgroup.procs", std::to_string(pid));
}

std::optional<ChildJoin> ManagerV1::child_join() const {
    return open_child_join(paths_);
}

bool ManagerV1::has_freezer() const {
    return paths_.count("freezer") != 0;
}

void ManagerV1::freeze(FreezerState state) {
    if (!has_freezer()) throw Error("cannot pause or resume: this host has no cgroup v1 freezer hierarchy");
    set_freezer(CgroupDir(paths_.at("freezer")), state);
}

FreezerState ManagerV1::freezer_state() const {
    if (!has_freezer()) return FreezerState::thawed;
    CgroupDir freezer(paths_.at("freezer"));
    if (!freezer.has("freezer.state")) return FreezerState::thawed;  // removed
    return v1::freezer_state(freezer);
}

std::string ManagerV1::process_dir() const {
    for (const char* controller : {"pids", "memory", "devices", "freezer", "cpu"}) {
        if (auto it = paths_.find(controller); it != paths_.end()) return it->second;
    }
    return paths_.empty() ? "" : paths_.begin()->second;
}

std::vector<pid_t> ManagerV1::processes() const {
    return CgroupDir(process_dir()).all_processes();
}

bool ManagerV1::exists() const {
    return CgroupDir(process_dir()).has("cgroup.procs");
}

Stats ManagerV1::stats() const {
    Stats stats;
    auto with = [&](const char* controller, auto read) {
        auto it = paths_.find(controller);
        if (it != paths_.end() && CgroupDir(it->second).has("cgroup.procs")) read(CgroupDir(it->second));
    };
    with("cpu", [&](const CgroupDir& d) { cpu_stats(d, stats); });
    with("cpuacct", [&](const CgroupDir& d) { cpuacct_stats(d, stats); });
    with("cpuset", [&](const CgroupDir& d) { cpuset_stats(d, stats); });
    with("memory", [&](const CgroupDir& d) { memory_stats(d, stats); });
    with("pids", [&](const CgroupDir& d) { pids_stats(d, stats); });
    with("blkio", [&](const CgroupDir& d) { blkio_stats(d, stats); });
    with("hugetlb", [&](const CgroupDir& d) { hugetlb_stats(d, layout_.hugepage_sizes, stats); });
    return stats;
}

std::unique_ptr<OomWatch> ManagerV1::watch_oom() const {
    return v1::watch_oom(dir("memory", "memory"));
}

void ManagerV1::destroy() {
    for (const auto& path : directories()) remove_cgroup_tree(path);
    // Parents this manager made (a failed create): gone too if nothing else
    // lives there now; another container may have made them its parent.
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) ::rmdir(it->c_str());
    created_.clear();
}

}  // namespace rt::cgroups::v1
