// cgroup v1 freezer: freezer.state.
#include <ctime>

#include "controllers.hpp"

namespace rt::cgroups::v1 {
namespace {

std::string state_of(const CgroupDir& dir) {
    std::string state = dir.read("freezer.state");
    while (!state.empty() && state.back() == '\n') state.pop_back();
    return state;
}

void pause_ms(long ms) {
    timespec t{0, ms * 1000000L};
    ::nanosleep(&t, nullptr);
}

}  // namespace

void set_freezer(const CgroupDir& dir, FreezerState state) {
    if (state == FreezerState::thawed) {
        dir.write("freezer.state", "THAWED");
        return;
    }
    // v1 can stay in FREEZING while new processes keep appearing (forks
    // racing with the freeze): write again until FROZEN, thawing now and
    // then to let stragglers settle, as runc does. Give up after ~2 s, and
    // then thaw: a half-frozen container is worse than a running one.
    for (int attempt = 0; attempt < 200; ++attempt) {
        if (attempt % 50 == 49) {
            dir.write("freezer.state", "THAWED");
            pause_ms(10);
        }
        dir.write("freezer.state", "FROZEN");
        std::string now = state_of(dir);
        if (now == "FROZEN") return;
        if (now != "FREEZING") throw Error("freezer: unexpected state " + now + " while freezing");
        pause_ms(1);
    }
    dir.try_write("freezer.state", "THAWED");
    throw Error("freezer: " + dir.path() + " stayed FREEZING; thawed it again");
}

FreezerState freezer_state(const CgroupDir& dir) {
    for (int attempt = 0;; ++attempt) {
        std::string state = state_of(dir);
        if (state == "THAWED") return FreezerState::thawed;
        if (state == "FROZEN") {
            // Frozen by itself, or only because an ancestor is?
            auto self = dir.read_if_exists("freezer.self_freezing");
            if (self && self->rfind("0", 0) == 0) return FreezerState::thawed;
            return FreezerState::frozen;
        }
        if (state != "FREEZING" || attempt == 1000) throw Error("freezer: unexpected state " + state);
        pause_ms(1);  // settling
    }
}

}  // namespace rt::cgroups::v1
