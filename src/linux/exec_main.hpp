// The child's side of spawn_exec (internal to the linux module).
#pragma once

#include "rt/linux/exec.hpp"

namespace rt::linux {

[[noreturn]] void exec_main(const ExecConfig& config, NamespacePlan& namespaces, Channel& channel);

}  // namespace rt::linux
