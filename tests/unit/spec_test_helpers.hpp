// Helpers shared by the spec module's unit tests.
#pragma once

#include <algorithm>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rt/util/error.hpp"

namespace rt::spec::test {

inline std::filesystem::path config_data_dir() {
    return std::filesystem::path(RT_TEST_DATA_DIR) / "config";
}

// The .json files of tests/data/config/<kind> ("good" or "bad"), sorted.
inline std::vector<std::filesystem::path> config_files(const std::string& kind) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(config_data_dir() / kind)) {
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// A config that parses, validates and uses nothing check_supported() refuses.
inline constexpr const char* kBaseConfig = R"({
    "ociVersion": "1.3.0",
    "root": {"path": "rootfs"},
    "process": {"args": ["sh"], "cwd": "/"},
    "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}]}
})";

// kBaseConfig with an RFC 7396 merge patch applied (null deletes a member,
// arrays are replaced whole), as JSON text.
inline std::string base_config_with(const std::string& merge_patch) {
    nlohmann::json config = nlohmann::json::parse(kBaseConfig);
    config.merge_patch(nlohmann::json::parse(merge_patch));
    return config.dump();
}

// The message of the rt::Error that `action` throws; "" if it throws none.
inline std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const rt::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace rt::spec::test
