// SCMP_ACT_NOTIFY: the notify fd goes to the seccomp agent listening on
// linux.seccomp.listenerPath, with the "container process state" of
// config-linux.md, over one AF_UNIX stream connection (SCM_RIGHTS).
//
// The init connects before pivot_root (the path is the host's), builds the
// message while it may still allocate freely, and sends it right after it has
// loaded the filter.
#pragma once

#include <sys/types.h>

#include <string>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

struct ContainerProcessState {
    std::string id;
    std::string bundle;
    spec::StringMap annotations;
    pid_t pid = 0;               // the process, as rt (the host) sees it
    std::string status;          // "created" when rt's init loads the filter
    std::string metadata;        // linux.seccomp.listenerMetadata
};

// {"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state": {...}}
std::string container_process_state_json(const ContainerProcessState& state);

// A SOCK_STREAM connection to `path` (longer paths than sun_path holds are
// reached through /proc/self/fd). Throws rt::Error naming the path.
unique_fd connect_seccomp_listener(const std::string& path);

// One message: `state` with `notify_fd` attached (SCM_RIGHTS); more sends
// without fds if the socket takes the text in parts.
void send_seccomp_fd(int socket, const std::string& state, int notify_fd);

}  // namespace rt::linux
