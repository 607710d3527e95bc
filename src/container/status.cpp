// A container's status is derived live, never trusted from state.json: the
// init must exist with the start time recorded at create.
#include <sys/stat.h>

#include "container_cgroups.hpp"
#include "internal.hpp"
#include "rt/util/process.hpp"

namespace rt::container {

const char* to_string(Status status) {
    switch (status) {
    case Status::creating: return "creating";
    case Status::created: return "created";
    case Status::running: return "running";
    case Status::stopped: return "stopped";
    case Status::paused: return "paused";
    }
    return "unknown";
}

Status status_of(const state::Store& store, const state::ContainerState& state) {
    if (state.pid <= 0) return Status::creating;
    if (!process_alive(state.pid, state.start_time)) return Status::stopped;
    if (is_frozen(state)) return Status::paused;  // rt pause
    struct stat st {};
    // The fifo lives from create until start has read it.
    if (::stat(store.fifo_path(state.id).c_str(), &st) == 0) return Status::created;
    return Status::running;
}

}  // namespace rt::container
