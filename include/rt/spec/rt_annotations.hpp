// rt's own annotations of config.json: opt-in behaviours beyond the runtime
// spec, switched on per container with the value "true" ("false" or absence
// leaves rt as it is). One table, so that validation, `rt features`
// (potentiallyUnsafeConfigAnnotations) and the code that acts on them agree.
//
//   rt.lxcfs  the files lxcfs serves bound over /proc and /sys, and sysinfo(2)
//             answered from the container's cgroup (rt/linux/lxcfs.hpp,
//             rt/linux/sysinfo_agent.hpp)
//   rt.init   PID 1 is a small reaping init that rt provides, which runs the
//             process (rt/linux/reaping_init.hpp)
#pragma once

#include <string_view>
#include <vector>

#include "rt/spec/config.hpp"

namespace rt::spec {

inline constexpr std::string_view kLxcfsAnnotation = "rt.lxcfs";
inline constexpr std::string_view kInitAnnotation = "rt.init";

struct RtAnnotation {
    std::string_view key;
    std::string_view summary;  // one line, for `rt features` readers and messages
};

// Every annotation rt acts on, in a stable order.
const std::vector<RtAnnotation>& rt_annotations();

// True when the config sets `key` to "true".
bool annotation_enabled(const StringMap& annotations, std::string_view key);

// Throws `.annotations["rt.init"]: must be "true" or "false", not "yes"` for a
// value of rt's own annotations that is neither.
void check_rt_annotations(const StringMap& annotations);

}  // namespace rt::spec
