// The config.json `rt spec` writes (its bytes against runc's own output are
// checked by the integration test RuncCli.SpecWritesRuncsTemplate).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rt/spec/default_config.hpp"

using nlohmann::json;
using rt::spec::default_config_json;
using rt::spec::TemplateOptions;

namespace {

json data_file(const std::string& name) {
    std::ifstream in(std::string(RT_TEST_DATA_DIR) + "/spec/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str());
}

std::vector<std::string> namespace_types(const json& config) {
    std::vector<std::string> types;
    for (const auto& ns : config["linux"]["namespaces"]) types.push_back(ns["type"]);
    return types;
}

}  // namespace

TEST(DefaultConfig, RuncsTemplateWithoutSeccomp) {
    json config = json::parse(default_config_json({}));
    EXPECT_FALSE(config["linux"].contains("seccomp"));
    EXPECT_EQ(namespace_types(config), (std::vector<std::string>{"pid", "network", "ipc", "uts", "mount"}));
    EXPECT_FALSE(config["process"]["capabilities"].contains("ambient"));
    TemplateOptions v2;
    v2.cgroup_namespace = true;
    EXPECT_EQ(namespace_types(json::parse(default_config_json(v2))),
              (std::vector<std::string>{"pid", "network", "ipc", "uts", "mount", "cgroup"}));
}

TEST(DefaultConfig, SeccompOnRequestWhereRuncsStructsPutIt) {
    TemplateOptions options;
    options.seccomp = true;
    auto config = nlohmann::ordered_json::parse(default_config_json(options));
    EXPECT_EQ(config["linux"]["seccomp"], nlohmann::ordered_json::parse(rt::spec::default_seccomp_json()));
    std::vector<std::string> keys;
    for (const auto& [key, value] : config["linux"].items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"resources", "namespaces", "seccomp", "maskedPaths", "readonlyPaths"}));
}

// `rt spec --rootless` is what it was before rt spec became runc's template:
// tests/data/spec/rt-rootless.json (its seccomp profile apart, mapped to
// the caller's ids), on cgroup v1 and v2 hosts alike.
TEST(DefaultConfig, RootlessAsItWas) {
    json expected = data_file("rt-rootless.json");
    expected["linux"]["uidMappings"][0]["hostID"] = getuid();
    expected["linux"]["gidMappings"][0]["hostID"] = getgid();
    for (bool cgroup_namespace : {false, true}) {
        TemplateOptions options;
        options.rootless = true;
        options.cgroup_namespace = cgroup_namespace;
        json config = json::parse(default_config_json(options));
        EXPECT_EQ(config["linux"]["seccomp"], json::parse(rt::spec::default_seccomp_json()));
        config["linux"].erase("seccomp");
        EXPECT_EQ(config, expected) << config.dump(1);
    }
}
