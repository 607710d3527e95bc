// What a config asks of this host that only the host can answer, checked by
// `rt create` before its first side effect: SELinux for mountLabel, the
// interfaces netDevices names, a network namespace of the container's own
// for net.* sysctls.
#pragma once

#include "rt/spec/config.hpp"

namespace rt::linux {

// Throws rt::Error naming the field (".linux.mountLabel: SELinux is not
// enabled on this host ...").
void check_host_support(const spec::Spec& spec);

}  // namespace rt::linux
