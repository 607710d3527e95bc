// cgroup v1 pids: pids.max.
#include "controllers.hpp"

namespace rt::cgroups::v1 {

void set_pids(const CgroupDir& dir, const spec::Pids& pids) {
    with_field("pids.limit", [&] { dir.write("pids.max", pids_max_value(pids.limit)); });
}

void pids_stats(const CgroupDir& dir, Stats& stats) {
    stats.pids.current = dir.read_uint("pids.current");
    uint64_t max = dir.read_uint("pids.max");
    stats.pids.limit = max == UINT64_MAX ? 0 : max;
}

}  // namespace rt::cgroups::v1
