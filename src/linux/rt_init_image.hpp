// The bytes of rt-init (src/rt-init/rt-init.c), embedded at build time by
// src/rt-init/embed.py: what reaping_init.cpp hands a container as a memfd.
#pragma once

#include <cstddef>

namespace rt::linux {

extern const unsigned char kRtInitImage[];
extern const size_t kRtInitImageSize;

}  // namespace rt::linux
