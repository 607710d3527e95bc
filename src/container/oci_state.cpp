// The state of a container as the spec (runtime.md, "State") and runc print
// it: what `rt state` shows and what hooks read on stdin.
#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "rt/util/error.hpp"

namespace rt::container {

namespace {
constexpr const char* oci_version = "1.3.0";
}

std::string oci_state_json(const state::ContainerState& state, Status status, bool pretty) {
    // nlohmann's ordered_json keeps runc's field order, which people read.
    nlohmann::ordered_json j;
    j["ociVersion"] = oci_version;
    j["id"] = state.id;
    // runc reports pid 0 once the process is gone: that pid may be reused.
    j["pid"] = status == Status::stopped ? 0 : state.pid;
    j["status"] = to_string(status);
    j["bundle"] = state.bundle;
    j["rootfs"] = state.rootfs;
    j["created"] = state.created;  // RFC3339Nano, as runc (create wrote it so)
    // runc's order: annotations (only when there are some) before owner.
    if (!state.annotations.empty()) j["annotations"] = state.annotations;
    j["owner"] = state.owner;
    return pretty ? j.dump(2) : j.dump();
}

linux::HookState hook_state(const state::ContainerState& state) {
    return {state.id, state.pid, state.bundle, state.annotations};
}

std::string state_json(const state::Store& store, const std::string& id) {
    state::ContainerState state = store.load(id);
    return oci_state_json(state, status_of(store, state), true);
}

}  // namespace rt::container
