// The command line around the lifecycle: logs, version, spec, global flags.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class Cli : public RtTest {};

TEST_F(Cli, JsonLogCarriesTheFinalError) {
    Bundle bundle;
    std::string log = bundle.dir() + "/log.json";
    auto r = rt({"--log", log, "--log-format", "json", "start", "no-such"});
    EXPECT_EQ(r.status, 1);
    // stderr once, the log file once.
    EXPECT_EQ(r.err, "rt: container \"no-such\" does not exist\n");
    std::string text = read_text(log);
    ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    json line = json::parse(text);
    EXPECT_EQ(line["level"], "error");
    EXPECT_EQ(line["msg"], "container \"no-such\" does not exist");
    // RFC 3339: 2026-11-28T05:28:52.411402394Z
    std::string time = line["time"];
    EXPECT_EQ(time.size(), 30u) << time;
    EXPECT_EQ(time[10], 'T');
    EXPECT_EQ(time.back(), 'Z');

    // --log-format=json, as conmon writes it, appends.
    rt({"--log=" + log, "--log-format=json", "kill", "no-such"});
    text = read_text(log);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
}

TEST_F(Cli, StatePrintsWhatRuncPrints) {
    // Field by field as runc 1.1.5 prints it: two-space indent, this order,
    // annotations only when there are some (before owner), created in Go's
    // RFC3339Nano (no trailing zeros in the fraction), no newline at the end.
    Bundle bundle;
    bundle.config["annotations"] = {{"b.key", "2"}, {"a.key", "1"}};
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    auto r = rt({"state", id});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_FALSE(r.out.empty());
    EXPECT_EQ(r.out.back(), '}');
    EXPECT_EQ(r.out.rfind("{\n  \"ociVersion\": ", 0), 0u) << r.out;
    auto state = nlohmann::ordered_json::parse(r.out);
    std::vector<std::string> keys;
    for (const auto& [key, value] : state.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"ociVersion", "id", "pid", "status", "bundle", "rootfs",
                                              "created", "annotations", "owner"}));
    EXPECT_TRUE(state["pid"].is_number_integer());
    EXPECT_EQ(state["owner"], "");
    EXPECT_EQ(state["annotations"], (json{{"a.key", "1"}, {"b.key", "2"}}));
    std::string created = state["created"];
    EXPECT_THAT(created, ::testing::MatchesRegex(
                             "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*[1-9])?Z"));

    Bundle plain;
    std::string other = new_id();
    ASSERT_EQ(rt({"create", "--bundle", plain.dir(), other}).status, 0);
    state = nlohmann::ordered_json::parse(rt({"state", other}).out);
    EXPECT_FALSE(state.contains("annotations"));
}

TEST_F(Cli, StartReadsNoStdinAndPrintsNothing) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    std::string input = bundle.dir() + "/input";
    std::ofstream(input) << "all of it\n";
    // What start leaves of its stdin is read by cat after it.
    auto r = run_program({"/bin/sh", "-c", "{ " + std::string(RT_BINARY) + " --root " + root_ + " start " + id +
                                               "; cat; } < " + input});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "all of it\n");
    EXPECT_EQ(r.err, "");
}

TEST_F(Cli, TextLog) {
    Bundle bundle;
    std::string log = bundle.dir() + "/log.txt";
    rt({"--log", log, "state", "no-such"});
    std::string text = read_text(log);
    EXPECT_NE(text.find("level=error msg=\"container \\\"no-such\\\" does not exist\""), std::string::npos)
        << text;
}

TEST_F(Cli, Version) {
    auto r = rt({"--version"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out.rfind("rt version ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("spec: 1.3.0"), std::string::npos);
}

TEST_F(Cli, RootlessTakesRuncsValues) {
    auto r = rt({"--rootless=maybe", "list"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("rootless"), std::string::npos) << r.err;
    // What containerd passes by default, and the others.
    EXPECT_EQ(rt({"--rootless=false", "list"}).status, 0);
    EXPECT_EQ(rt({"--rootless", "auto", "list"}).status, 0);
    EXPECT_EQ(rt({"--rootless=true", "list"}).status, 0);
}

TEST_F(Cli, UnknownCommandOrFlag) {
    auto r = rt({"frobnicate"});
    EXPECT_EQ(r.status, 3);  // runc's
    EXPECT_FALSE(r.err.empty());
    r = rt({"create", "--no-such-flag", "x"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("no-such-flag"), std::string::npos) << r.err;
}

// containerd's shim and conmon show the user only the --log file's last
// error: a command rt lacks (`pause` before it had one) or a flag it does not
// know must be named there, not only on stderr.
TEST_F(Cli, UnknownCommandOrFlagIsLoggedForCallers) {
    Bundle bundle;
    std::string log = bundle.dir() + "/log.json";
    auto r = rt({"--log", log, "--log-format", "json", "frobnicate", "some-id"});
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(r.err, "rt: unknown command \"frobnicate\"\n");
    std::string text = read_text(log);
    ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    json line = json::parse(text);
    EXPECT_EQ(line["level"], "error");
    EXPECT_EQ(line["msg"], "unknown command \"frobnicate\"");

    r = rt({"--log=" + log, "--log-format=json", "create", "--no-such-flag", "x"});
    EXPECT_EQ(r.status, 1);
    text = read_text(log);
    ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
    line = json::parse(text.substr(text.find('\n') + 1));
    EXPECT_NE(line["msg"].get<std::string>().find("--no-such-flag"), std::string::npos) << text;
}

TEST_F(Cli, SpecWritesADefaultConfigOnce) {
    Bundle bundle;
    fs::remove(bundle.dir() + "/config.json");
    auto r = rt({"spec", "--bundle", bundle.dir()});
    ASSERT_EQ(r.status, 0) << r.err;
    json config = json::parse(read_text(bundle.dir() + "/config.json"));
    EXPECT_EQ(config["ociVersion"], "1.3.0");
    EXPECT_EQ(config["process"]["args"], json({"sh"}));
    EXPECT_EQ(config["root"]["path"], "rootfs");
    r = rt({"spec", "--bundle", bundle.dir()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("exists"), std::string::npos) << r.err;
}

TEST_F(Cli, DefaultRootWorksWithoutEnvironment) {
    // podman calls rt with no --root and an environment of one variable.
    auto r = run_program({"/usr/bin/env", "-i", "XDG_RUNTIME_DIR=", RT_BINARY, "list", "-q"});
    EXPECT_EQ(r.status, 0) << r.err;
}

}  // namespace
}  // namespace rt_test

namespace rt_test {
namespace {

TEST_F(Cli, ExampleBundleGreets) {
    // The README's first command, on the bundle scripts/setup made.
    std::string bundle = std::string(RT_SOURCE_DIR) + "/oci-bundles/busybox";
    ASSERT_TRUE(path_exists(bundle + "/rootfs/bin/busybox")) << "run scripts/setup first";
    auto r = rt({"run", bundle});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("rt-busybox"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("PID 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/proc"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace rt_test

namespace rt_test {
namespace {

TEST_F(Cli, DebugMessagesOnlyWithDebug) {
    Bundle bundle;
    std::string quiet = bundle.dir() + "/quiet.log", chatty = bundle.dir() + "/debug.log";
    std::string a = new_id(), b = new_id();
    ASSERT_EQ(rt({"--log", quiet, "create", "--bundle", bundle.dir(), a}).status, 0);
    ASSERT_EQ(rt({"--debug", "--log", chatty, "create", "--bundle", bundle.dir(), b}).status, 0);
    EXPECT_EQ(read_text(quiet), "");
    EXPECT_NE(read_text(chatty).find("level=debug msg=\"create " + b + ": init "), std::string::npos)
        << read_text(chatty);
}

TEST_F(Cli, ConcurrentDeletesOfOneContainerAllSucceed) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), id}).status, 0);
    std::vector<std::unique_ptr<Background>> deletes;
    for (int i = 0; i < 4; ++i) {
        deletes.push_back(std::make_unique<Background>(rt_argv({"delete", "--force", id})));
    }
    for (auto& d : deletes) {
        auto r = d->wait();
        EXPECT_EQ(r.status, 0) << r.err;
    }
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

}  // namespace
}  // namespace rt_test
