// Environment entries ("NAME=VALUE") of a process, set by name.
#include "internal.hpp"

namespace rt::container {

void set_env(std::vector<std::string>& env, const std::string& entry) {
    std::string name = entry.substr(0, entry.find('='));
    for (auto& existing : env) {
        if (existing.compare(0, name.size() + 1, name + "=") == 0) {
            existing = entry;
            return;
        }
    }
    env.push_back(entry);
}

}  // namespace rt::container
