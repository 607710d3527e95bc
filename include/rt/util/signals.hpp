// Signal names as kill(1) and runc take them: "KILL", "SIGKILL", "9",
// "sigterm", "RTMIN+3", and "0" (no signal: a liveness check).
#pragma once

#include <string>
#include <string_view>

namespace rt {

// Throws rt::Error `unknown signal "X"`.
int parse_signal(std::string_view text);
std::string signal_name(int signal);  // "SIGTERM"

}  // namespace rt
