// rt update: new limits for a container that is not stopped.
#include "container_cgroups.hpp"
#include "internal.hpp"
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace rt::container {

void update(const state::Store& store, const std::string& id, const spec::Resources& resources) {
    auto lock = store.lock(id);
    state::ContainerState state = store.load(id);
    if (status_of(store, state) == Status::stopped) throw Error("container not running");
    auto cgroups = require_cgroups(state);

    // The new values pass the checks a config's would: in the saved config.
    spec::Spec saved = load_saved_spec(store, id);
    spec::Spec updated = saved;
    updated.linux->resources = resources;
    spec::validate(updated);

    // Device rules change only when given. containerd sends the whole
    // resources object back, device rules included, on every update: the
    // same rules as at create are no change, even where (v1, rootless
    // systemd) rt could not change them.
    std::vector<cgroups::DeviceRule> rules;
    bool new_rules = false;
    if (!resources.devices.empty()) {
        rules = device_rules_of(updated);
        const std::string& driver = cgroups->driver();
        bool v1 = driver.size() > 3 && driver.compare(driver.size() - 3, 3, "-v1") == 0;
        // The user's systemd (rootless) takes no device rules at all.
        bool fixed = v1 || driver.rfind("systemd-user-", 0) == 0;
        new_rules = rules != device_rules_of(saved) || !fixed;
    }
    try {
        cgroups->update(resources, new_rules ? &rules : nullptr);
    } catch (const Error& e) {
        throw e.with_context("update");
    }
    log::debug("update ", id, ": limits written", new_rules ? ", device rules replaced" : "");
}

}  // namespace rt::container
