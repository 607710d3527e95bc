// cgroup v1 net_cls (net_cls.classid) and net_prio (net_prio.ifpriomap).
#include "controllers.hpp"

namespace rt::cgroups::v1 {

void set_net_cls(const CgroupDir& dir, uint32_t class_id) {
    with_field("network.classID", [&] { dir.write("net_cls.classid", number(uint64_t{class_id})); });
}

void set_net_prio(const CgroupDir& dir, const std::vector<spec::NetworkPriority>& priorities) {
    for (size_t i = 0; i < priorities.size(); ++i) {
        const auto& p = priorities[i];
        with_field("network.priorities[" + std::to_string(i) + "]",
                   [&] { dir.write("net_prio.ifpriomap", p.name + " " + number(uint64_t{p.priority})); });
    }
}

}  // namespace rt::cgroups::v1
