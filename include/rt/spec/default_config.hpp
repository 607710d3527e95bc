// The config.json `rt spec` writes: runc's default, a shell on a terminal
// with a read-only rootfs and the usual namespaces, mounts, capabilities,
// masked and read-only paths.
#pragma once

#include <string>

namespace rt::spec {

std::string default_config_json(bool rootless);

}  // namespace rt::spec
