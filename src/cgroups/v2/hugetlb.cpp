// cgroup v2 hugetlb: hugetlb.<size>.max, and hugetlb.<size>.rsvd.max where
// the kernel has reservation accounting.
#include "controllers.hpp"

namespace rt::cgroups::v2 {

void set_hugetlb(const CgroupDir& dir, const std::vector<spec::HugepageLimit>& limits) {
    for (size_t i = 0; i < limits.size(); ++i) {
        const auto& limit = limits[i];
        with_field("hugepageLimits[" + std::to_string(i) + "]", [&] {
            std::string prefix = "hugetlb." + limit.page_size;
            if (!dir.has(prefix + ".max")) {
                throw Error("this kernel has no " + limit.page_size + " huge pages (no " + prefix + ".max)");
            }
            dir.write(prefix + ".max", number(limit.limit));
            if (dir.has(prefix + ".rsvd.max")) dir.write(prefix + ".rsvd.max", number(limit.limit));
        });
    }
}

void hugetlb_stats(const CgroupDir& dir, const std::vector<std::string>& page_sizes, Stats& stats) {
    for (const auto& size : page_sizes) {
        std::string prefix = "hugetlb." + size;
        if (!dir.has(prefix + ".current")) continue;  // controller not enabled
        HugetlbEntry e;
        e.usage = dir.read_uint(dir.has(prefix + ".rsvd.current") ? prefix + ".rsvd.current" : prefix + ".current");
        e.failcnt = dir.key_value(prefix + ".events", "max");
        stats.hugetlb[size] = e;
    }
}

}  // namespace rt::cgroups::v2
