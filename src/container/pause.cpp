// rt pause and rt resume: the cgroup freezer.
#include "container_cgroups.hpp"
#include "internal.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::container {

void pause(const state::Store& store, const std::string& id) {
    auto lock = store.lock(id);
    state::ContainerState state = store.load(id);
    Status status = status_of(store, state);
    // runc pauses created containers too.
    if (status != Status::running && status != Status::created) throw Error("container not running");
    require_cgroups(state)->freeze(cgroups::FreezerState::frozen);
    log::debug("pause ", id, ": frozen");
}

void resume(const state::Store& store, const std::string& id) {
    auto lock = store.lock(id);
    state::ContainerState state = store.load(id);
    if (status_of(store, state) != Status::paused) throw Error("container not paused");
    require_cgroups(state)->freeze(cgroups::FreezerState::thawed);
    log::debug("resume ", id, ": thawed");
}

}  // namespace rt::container
