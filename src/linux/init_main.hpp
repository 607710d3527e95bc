// The child's side of spawn_init (internal to the linux module).
#pragma once

#include "rt/linux/init.hpp"

namespace rt::linux {

[[noreturn]] void init_main(const InitConfig& config, NamespacePlan& namespaces, Channel& channel);

}  // namespace rt::linux
