// linux.personality (config-linux.md, Personality): the execution domain of
// the container's process, set with personality(2) before execve.
#pragma once

#include <string>

#include "rt/spec/config.hpp"

namespace rt::linux {

// LINUX -> PER_LINUX, LINUX32 -> PER_LINUX32. config-linux.md defines no
// flags yet ("currently no flag values are supported"): any flag is refused
// with rt::Error, rather than ignored with a warning as runc does.
unsigned long plan_personality(const spec::Personality& personality, const std::string& where);
void apply_personality(unsigned long persona);

}  // namespace rt::linux
