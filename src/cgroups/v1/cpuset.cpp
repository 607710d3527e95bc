// cgroup v1 cpuset: cpuset.cpus and cpuset.mems.
#include "controllers.hpp"

namespace rt::cgroups::v1 {
namespace {

bool blank(const std::string& text) {
    return text.find_first_not_of(" \n") == std::string::npos;
}

}  // namespace

void set_cpuset(const CgroupDir& dir, const spec::Cpu& cpu) {
    if (cpu.cpus) with_field("cpu.cpus", [&] { dir.write("cpuset.cpus", *cpu.cpus); });
    if (cpu.mems) with_field("cpu.mems", [&] { dir.write("cpuset.mems", *cpu.mems); });
}

void inherit_cpuset(const CgroupDir& dir, const CgroupDir& parent) {
    // Written only where empty. Below a parent with cgroup.clone_children
    // set, the kernel has copied them at the mkdir, and a write would cost
    // what grows with the number of containers: the kernel checks a new
    // cpuset.cpus against every sibling's, then rebuilds the scheduler's
    // domains over every cpuset on the host.
    for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        if (auto own = dir.read_if_exists(file); own && !blank(*own)) continue;
        std::string value = parent.read(file);
        if (blank(value)) {
            throw Error("cpuset: " + parent.file(file) + " is empty: no process can run below it");
        }
        dir.write(file, value);
    }
}

void clone_cpuset_into_children(const CgroupDir& dir) {
    dir.write("cgroup.clone_children", "1");
}

void cpuset_stats(const CgroupDir& dir, Stats& stats) {
    auto& s = stats.cpuset;
    s.cpus = parse_cpu_list(dir.read("cpuset.cpus"));
    s.mems = parse_cpu_list(dir.read("cpuset.mems"));
    auto flag = [&](const char* file) { return dir.has(file) ? dir.read_uint(file) : 0; };
    s.cpu_exclusive = flag("cpuset.cpu_exclusive");
    s.mem_hardwall = flag("cpuset.mem_hardwall");
    s.mem_exclusive = flag("cpuset.mem_exclusive");
    s.memory_migrate = flag("cpuset.memory_migrate");
    s.memory_spread_page = flag("cpuset.memory_spread_page");
    s.memory_spread_slab = flag("cpuset.memory_spread_slab");
    s.memory_pressure = flag("cpuset.memory_pressure");
    s.sched_load_balance = flag("cpuset.sched_load_balance");
    if (dir.has("cpuset.sched_relax_domain_level")) {
        s.sched_relax_domain_level = dir.read_int("cpuset.sched_relax_domain_level");
    }
}

}  // namespace rt::cgroups::v1
