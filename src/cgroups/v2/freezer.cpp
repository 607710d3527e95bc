// cgroup v2 freezer: cgroup.freeze, and cgroup.events saying when the
// freeze is complete.
#include <ctime>

#include "controllers.hpp"

namespace rt::cgroups::v2 {

void set_freezer(const CgroupDir& dir, FreezerState state) {
    if (!dir.has("cgroup.freeze")) throw Error("cannot pause or resume: no cgroup.freeze in " + dir.path());
    dir.write("cgroup.freeze", state == FreezerState::frozen ? "1" : "0");
    if (state == FreezerState::thawed) return;
    // Writing 1 starts the freeze; "frozen 1" in cgroup.events ends it.
    for (int attempt = 0; attempt < 1000; ++attempt) {
        if (dir.key_value("cgroup.events", "frozen") == 1) return;
        timespec pause{0, 10 * 1000 * 1000};
        ::nanosleep(&pause, nullptr);
    }
    dir.try_write("cgroup.freeze", "0");
    throw Error("freezer: " + dir.path() + " did not freeze within 10 s; thawed it again");
}

FreezerState freezer_state(const CgroupDir& dir) {
    auto text = dir.read_if_exists("cgroup.freeze");
    if (!text || text->rfind("1", 0) != 0) return FreezerState::thawed;
    return FreezerState::frozen;
}

}  // namespace rt::cgroups::v2
