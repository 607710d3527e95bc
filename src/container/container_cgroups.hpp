// The container's cgroups, seen from the lifecycle commands (internal to
// container/): planning them at create, joining the init, finding them again
// from the state, and removing them at delete.
#pragma once

#include <sys/types.h>

#include <memory>
#include <vector>

#include "rt/cgroups/manager.hpp"
#include "rt/linux/cgroup_join.hpp"
#include "rt/linux/mountinfo.hpp"
#include "rt/spec/config.hpp"
#include "rt/state/store.hpp"

namespace rt::container {

// The manager of a new container's cgroups, with the config checked against
// the host's cgroups (no side effect yet). Errors name the config field.
// `systemd`: the systemd driver (--systemd-cgroup), which connects to
// systemd here, so that an unreachable one fails the create before anything
// is made.
// `rootless`: the cgroups are used only where the user may make them (a
// delegated subtree); otherwise the container gets none, and a limit in the
// config is then an error naming it.
std::unique_ptr<cgroups::Manager> plan_cgroups(const spec::Spec& spec, const std::string& id, bool systemd,
                                               bool rootless = false);

// Makes the cgroup2 directory the init is born into
// (cgroups::Manager::create_birthplace), returned open, none without one,
// and records where the cgroups go in `state` (so that abandon_cgroups
// finds what was made); a failure leaves nothing made.
unique_fd make_birthplace(cgroups::Manager& manager, const spec::Spec& spec, state::ContainerState& state);

// The mount table of rt's mount namespace (/proc/self/mountinfo), read once
// per process: the cgroup layout comes from it, and create hands it to the
// init, whose new mount namespace is a copy of it (InitConfig::host_mounts).
const std::vector<linux::MountInfo>& host_mounts();

// Makes the cgroups (what make_birthplace did not), writes the limits and
// the device rules, and records where they are in `state`. create calls it
// once the init is cloned, which then joins the v1 hierarchies itself
// (cgroups::Manager::child_join); restore before it moves its process in.
void make_cgroups(cgroups::Manager& manager, const spec::Spec& spec, state::ContainerState& state);

// make_cgroups, then moves `init` in by its pid: restore's, for the process
// CRIU made. The init runs nothing of the container before this.
void join_cgroups(cgroups::Manager& manager, const spec::Spec& spec, pid_t init, state::ContainerState& state);

// Moves `pid` in after make_cgroups; an error names the cgroups.
void add_to_cgroups(cgroups::Manager& manager, pid_t pid);

// What the child needs of `join`, whose fds stay the caller's.
linux::CgroupJoin borrow(const cgroups::ChildJoin& join);

// Undoes make_cgroups after a failed create (the init is dead by then);
// nothing when it did not get as far as making the cgroups.
void abandon_cgroups(cgroups::Manager& manager, const state::ContainerState& state);

// The manager of an existing container; nullptr when it has no cgroups (a
// state written before rt managed cgroups).
std::unique_ptr<cgroups::Manager> cgroups_of(const state::ContainerState& state);
// Same, but an error "container ID has no cgroups" instead of nullptr.
std::unique_ptr<cgroups::Manager> require_cgroups(const state::ContainerState& state);

// True when the container's cgroup is frozen (rt pause).
bool is_frozen(const state::ContainerState& state);

// Removes the container's cgroups; their processes must be dead.
void remove_cgroups(const state::ContainerState& state);

// The device rules the container was created with (for update).
std::vector<cgroups::DeviceRule> device_rules_of(const spec::Spec& spec);

}  // namespace rt::container
