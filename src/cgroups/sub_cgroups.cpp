#include "rt/cgroups/sub_cgroups.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>

#include "rt/util/error.hpp"

namespace rt::cgroups {
namespace {

Error bad_argument(const std::string& argument, const std::string& why) {
    return Error("--cgroup \"" + argument + "\": " + why);
}

// PATH made lexically clean and relative ("" for the cgroup itself). No
// symlink can hide in a cgroup filesystem, so the words are the path.
std::string relative_below(const std::string& argument, const std::string& path) {
    std::vector<std::string> parts;
    std::istringstream words(path);
    std::string word;
    while (std::getline(words, word, '/')) {
        if (word.empty() || word == ".") continue;
        if (word == "..") {
            if (parts.empty()) throw bad_argument(argument, "not below the container's cgroup");
            parts.pop_back();
            continue;
        }
        parts.push_back(word);
    }
    std::string joined;
    for (const auto& part : parts) joined += (joined.empty() ? "" : "/") + part;
    return joined;
}

std::string below(const std::string& base, const std::string& relative) {
    return relative.empty() ? base : base + "/" + relative;
}

}  // namespace

std::map<std::string, std::string> sub_cgroup_paths(const std::map<std::string, std::string>& paths,
                                                    const std::vector<std::string>& arguments) {
    std::map<std::string, std::string> result = paths;
    if (arguments.empty()) return result;
    if (paths.empty()) throw Error("--cgroup: the container has no cgroups");
    for (const std::string& argument : arguments) {
        size_t colon = argument.find(':');
        if (colon == std::string::npos) {
            if (arguments.size() != 1) {
                throw bad_argument(argument, "a path without CONTROLLER: must be the only --cgroup");
            }
            std::string relative = relative_below(argument, argument);
            for (auto& [controller, path] : result) path = below(path, relative);
            return result;
        }
        if (argument.find(':', colon + 1) != std::string::npos) {
            throw bad_argument(argument, "expected [CONTROLLER[,CONTROLLER...]:]PATH");
        }
        std::string relative = relative_below(argument, argument.substr(colon + 1));
        std::string_view controllers(argument.data(), colon);
        for (size_t start = 0; start <= controllers.size();) {
            size_t comma = std::min(controllers.find(',', start), controllers.size());
            std::string controller(controllers.substr(start, comma - start));
            start = comma + 1;
            if (controller.empty()) throw bad_argument(argument, "an empty controller name");
            auto it = paths.find(controller);
            if (it == paths.end()) {
                bool v2_only = paths.size() == 1 && paths.count("");
                throw bad_argument(argument, "the container has no cgroup of the controller \"" + controller + "\"" +
                                                 (v2_only ? " (on cgroup v2, give the path alone)" : ""));
            }
            result[controller] = below(it->second, relative);
        }
    }
    return result;
}

}  // namespace rt::cgroups
