// The config.json `rt spec` writes: runc's default, a shell on a terminal
// with a read-only rootfs and the usual namespaces, mounts, capabilities,
// masked and read-only paths, plus rt's default seccomp profile.
#pragma once

#include <string>

namespace rt::spec {

std::string default_config_json(bool rootless);

// rt's default seccomp profile (a linux.seccomp object, as JSON text): a
// Docker-style allow-list, the rest refused with EPERM (default_seccomp.inc).
std::string default_seccomp_json();

}  // namespace rt::spec
