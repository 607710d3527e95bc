// The value syntaxes runc's command line takes, so that scripts written for
// runc work: sizes as docker's units.RAMInBytes reads them ("512m", "1.5GiB",
// "1024"), durations as Go's time.ParseDuration ("5s", "1m30s", "250ms").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rt {

// Bytes; the unit letters k, m, g, t, p are powers of 1024, with an
// optional "i" and "b" after them. Throws rt::Error naming the text.
int64_t parse_ram_size(const std::string& text);

// A sequence of decimal numbers each with a unit (ns, us, µs, ms, s, m,
// h); "0" alone needs none. Throws rt::Error naming the text.
std::chrono::nanoseconds parse_duration(const std::string& text);

}  // namespace rt
