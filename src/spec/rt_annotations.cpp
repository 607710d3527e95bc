#include "rt/spec/rt_annotations.hpp"

#include "json_node.hpp"
#include "rt/util/error.hpp"

namespace rt::spec {

const std::vector<RtAnnotation>& rt_annotations() {
    static const std::vector<RtAnnotation> list = {
        {kLxcfsAnnotation, "lxcfs's files over /proc and /sys, sysinfo(2) from the container's cgroup"},
        {kInitAnnotation, "PID 1 is rt's reaping init, which runs the process and passes signals on"},
    };
    return list;
}

bool annotation_enabled(const StringMap& annotations, std::string_view key) {
    auto it = annotations.find(std::string(key));
    return it != annotations.end() && it->second == "true";
}

void check_rt_annotations(const StringMap& annotations) {
    for (const RtAnnotation& annotation : rt_annotations()) {
        auto it = annotations.find(std::string(annotation.key));
        if (it == annotations.end() || it->second == "true" || it->second == "false") continue;
        throw Error(json::member_path(".annotations", it->first) + ": must be \"true\" or \"false\", not " +
                    json::quote(it->second));
    }
}

}  // namespace rt::spec
