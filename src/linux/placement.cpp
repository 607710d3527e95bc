#include "rt/linux/placement.hpp"

#include "rt/util/error.hpp"

namespace rt::linux {

std::optional<CpuMask> spreadable_affinity() {
    CpuMask mask{};
    if (::sched_getaffinity(0, sizeof mask.set, &mask.set) < 0) return std::nullopt;
    if (CPU_COUNT(&mask.set) < 2) return std::nullopt;
    return mask;
}

void move_off_my_cpu(pid_t child, const CpuMask& mask) {
    int mine = ::sched_getcpu();
    if (mine < 0 || mine >= CPU_SETSIZE || !CPU_ISSET(mine, &mask.set)) return;
    cpu_set_t others = mask.set;
    CPU_CLR(mine, &others);
    (void)::sched_setaffinity(child, sizeof others, &others);
}

void take_back_affinity(const CpuMask& mask) {
    if (::sched_setaffinity(0, sizeof mask.set, &mask.set) < 0) throw_errno("restore the CPU mask rt runs with");
}

}  // namespace rt::linux
