// state.json: rt's own record of a container (not the OCI state, which
// container/oci_state.cpp prints).
#include <nlohmann/json.hpp>

#include "rt/state/store.hpp"

namespace rt::state {

std::string to_json(const ContainerState& s) {
    nlohmann::json j = {
        {"id", s.id},
        {"bundle", s.bundle},
        {"rootfs", s.rootfs},
        {"pid", s.pid},
        {"startTime", s.start_time},
        {"created", s.created},
        {"owner", s.owner},
        {"annotations", s.annotations},
        {"cgroupPaths", s.cgroup_paths},
        {"cgroupDriver", s.cgroup_driver},
    };
    return j.dump(1, '\t') + "\n";
}

ContainerState container_state_from_json(const std::string& text) {
    try {
        auto j = nlohmann::json::parse(text);
        ContainerState s;
        s.id = j.at("id").get<std::string>();
        s.bundle = j.at("bundle").get<std::string>();
        s.rootfs = j.at("rootfs").get<std::string>();
        s.pid = j.at("pid").get<pid_t>();
        s.start_time = j.at("startTime").get<uint64_t>();
        s.created = j.at("created").get<std::string>();
        s.owner = j.value("owner", "");
        s.annotations = j.value("annotations", std::map<std::string, std::string>{});
        s.cgroup_paths = j.value("cgroupPaths", std::map<std::string, std::string>{});
        s.cgroup_driver = j.value("cgroupDriver", "");
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("corrupt state: ") + e.what());
    }
}

}  // namespace rt::state
