// cgroup v2 cpuset: cpuset.cpus and cpuset.mems (empty means the parent's).
#include "controllers.hpp"

namespace rt::cgroups::v2 {

void set_cpuset(const CgroupDir& dir, const spec::Cpu& cpu) {
    if (cpu.cpus) with_field("cpu.cpus", [&] { dir.write("cpuset.cpus", *cpu.cpus); });
    if (cpu.mems) with_field("cpu.mems", [&] { dir.write("cpuset.mems", *cpu.mems); });
}

}  // namespace rt::cgroups::v2
