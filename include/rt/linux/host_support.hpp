// What a config asks of this host that only the host can answer, checked by
// `rt create` before its first side effect: SELinux for mountLabel, a
// mounted resctrl for intelRdt, the interfaces netDevices names, a network
// namespace of the container's own for net.* sysctls.
#pragma once

#include "rt/spec/config.hpp"

namespace rt::linux {

// Throws rt::Error naming the field ("linux.intelRdt: no resctrl filesystem
// mounted").
void check_host_support(const spec::Spec& spec);

}  // namespace rt::linux
