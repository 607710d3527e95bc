// What CRIU must be told about a container's mounts and namespaces (internal
// to container/), as runc tells it: the mounts whose source is outside the
// container (binds, masked files, bound device nodes, a cgroup bind without
// a cgroup namespace) are external, and a namespace joined by path is
// external too.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "rt/container/checkpoint.hpp"
#include "rt/spec/config.hpp"
#include "rt/state/store.hpp"

namespace rt::container {

// For dump: mount point -> key (the mount point itself; "/dev/null" for a
// masked file). `init` is the running init, whose root is looked at.
std::vector<ExternalMount> dump_external_mounts(const spec::Spec& spec, pid_t init);

// For restore: key -> host source. `state` has the new container's cgroups.
std::vector<ExternalMount> restore_external_mounts(const spec::Spec& spec, const std::string& bundle,
                                                   const state::ContainerState& state);

// "net[INODE]:extRootNetNS" (and pid) for the namespaces joined by path.
std::vector<std::string> dump_external_namespaces(const spec::Spec& spec);

// The config makes a network namespace (not joined by path).
bool has_own_network_namespace(const spec::Spec& spec);

// A cgroup namespace joined by path cannot be restored (CRIU has no way):
// refused before anything is done, as runc does.
void check_restorable_namespaces(const spec::Spec& spec);

}  // namespace rt::container
