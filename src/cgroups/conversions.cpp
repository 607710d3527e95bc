// cgroup v1 values the spec speaks in, as cgroup v2 takes them (the same
// formulas as runc's libcontainer/cgroups/utils.go).
#include <cmath>

#include "rt/cgroups/manager.hpp"
#include "rt/util/error.hpp"

namespace rt::cgroups {

uint64_t cpu_shares_to_weight(uint64_t shares) {
    if (shares == 0) return 0;
    if (shares <= 2) return 1;
    if (shares >= 262144) return 10000;
    // A quadratic in log2(shares) through (2, 1), (1024, 100) and
    // (262144, 10000): the default share maps to the default weight.
    double l = std::log2(static_cast<double>(shares));
    double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
    return static_cast<uint64_t>(std::ceil(std::pow(10.0, exponent)));
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
    if (weight == 0) return 0;
    if (weight < 10) return 1;  // below blkio's range
    return 1 + (weight - 10) * 9999 / 990;
}

int64_t memory_swap_to_v2(int64_t swap, int64_t limit) {
    if (limit == -1 && swap == 0) return -1;  // unlimited memory: swap too
    if (swap == -1 || swap == 0 || limit == -1) return swap;
    if (limit == 0) throw Error("unable to set swap limit without memory limit");
    if (limit < 0) throw Error("invalid memory limit " + std::to_string(limit));
    if (swap < limit) {
        throw Error("memory+swap limit (" + std::to_string(swap) + ") must not be below the memory limit (" +
                    std::to_string(limit) + ")");
    }
    return swap - limit;
}

}  // namespace rt::cgroups
