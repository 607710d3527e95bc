// rdma.max, the same on cgroup v1 and v2:
//   "mlx5_1 hca_handle=3 hca_object=10000"
#include "controllers_common.hpp"

namespace rt::cgroups {

void set_rdma(const CgroupDir& dir, const std::map<std::string, spec::Rdma>& rdma) {
    for (const auto& [device, limits] : rdma) {
        std::string line = device;
        if (limits.hca_handles) line += " hca_handle=" + number(uint64_t{*limits.hca_handles});
        if (limits.hca_objects) line += " hca_object=" + number(uint64_t{*limits.hca_objects});
        with_field("rdma." + device, [&] { dir.write("rdma.max", line); });
    }
}

}  // namespace rt::cgroups
