// Every process of a container (internal to container/).
#pragma once

#include <sys/types.h>

#include <vector>

#include "rt/state/store.hpp"

namespace rt::container {

// The container's processes, the init included: those in the container's
// cgroup when it has one, else those in the init's pid namespace (when it
// has its own), else the init alone.
std::vector<pid_t> container_processes(const state::ContainerState& state);

// Sends `signal` to each of them. With cgroups, the cgroup is frozen
// meanwhile (when it has a freezer) so that no fork escapes; a paused
// container stays paused, except after SIGKILL, which needs a thaw to act.
void signal_all(const state::ContainerState& state, int signal);

}  // namespace rt::container
