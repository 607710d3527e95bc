// cgroup v1 hugetlb: hugetlb.<size>.limit_in_bytes, and the reservation
// limit hugetlb.<size>.rsvd.limit_in_bytes where the kernel has it.
#include "controllers.hpp"

namespace rt::cgroups::v1 {

void set_hugetlb(const CgroupDir& dir, const std::vector<spec::HugepageLimit>& limits) {
    for (size_t i = 0; i < limits.size(); ++i) {
        const auto& limit = limits[i];
        with_field("hugepageLimits[" + std::to_string(i) + "]", [&] {
            std::string prefix = "hugetlb." + limit.page_size;
            if (!dir.has(prefix + ".limit_in_bytes")) {
                throw Error("this kernel has no " + limit.page_size + " huge pages (no " + prefix +
                            ".limit_in_bytes)");
            }
            dir.write(prefix + ".limit_in_bytes", number(limit.limit));
            if (dir.has(prefix + ".rsvd.limit_in_bytes")) dir.write(prefix + ".rsvd.limit_in_bytes", number(limit.limit));
        });
    }
}

void hugetlb_stats(const CgroupDir& dir, const std::vector<std::string>& page_sizes, Stats& stats) {
    for (const auto& size : page_sizes) {
        std::string prefix = "hugetlb." + size;
        if (!dir.has(prefix + ".usage_in_bytes")) continue;
        HugetlbEntry e;
        e.usage = dir.read_uint(prefix + ".usage_in_bytes");
        e.max = dir.read_uint(prefix + ".max_usage_in_bytes");
        e.failcnt = dir.read_uint(prefix + ".failcnt");
        stats.hugetlb[size] = e;
    }
}

}  // namespace rt::cgroups::v1
