// linux.netDevices: host interfaces moved into the container's network
// namespace (config-linux.md "Network Devices"), by the parent once the
// init has made that namespace. Over rtnetlink, as runc: the link is set
// down, its permanent global addresses are noted, it is moved and renamed
// in one RTM_NEWLINK (IFLA_NET_NS_FD + IFLA_IFNAME), the addresses (which
// the kernel drops on the move) are added back inside, and it is set up.
#pragma once

#include <sys/types.h>

#include "rt/spec/config.hpp"

namespace rt::linux {

void move_net_devices(pid_t init_pid, const spec::Linux& linux);

}  // namespace rt::linux
