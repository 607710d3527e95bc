// linux::run_hook and the state hooks read: real hooks (/bin/sh scripts)
// run without root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rt/linux/hooks.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

using ::testing::HasSubstr;

class Hooks : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/rt-unit-hooks-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    spec::Hook sh(const std::string& script, std::optional<int64_t> timeout = std::nullopt) {
        spec::Hook hook;
        hook.path = "/bin/sh";
        hook.args = {"sh", "-c", script};
        hook.env = {"OUT=" + dir_};
        hook.timeout = timeout;
        return hook;
    }
    std::string read(const std::string& name) {
        std::ifstream in(dir_ + "/" + name);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    std::string error_of(const spec::Hook& hook, HookPhase phase = HookPhase::create_runtime) {
        try {
            run_hook(hook, phase, "{}");
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    }

    std::string dir_;
};

TEST(HookState, StatusOfEachPhase) {
    EXPECT_STREQ(hook_status(HookPhase::prestart), "creating");
    EXPECT_STREQ(hook_status(HookPhase::create_runtime), "creating");
    EXPECT_STREQ(hook_status(HookPhase::create_container), "creating");
    EXPECT_STREQ(hook_status(HookPhase::start_container), "created");
    EXPECT_STREQ(hook_status(HookPhase::poststart), "running");
    EXPECT_STREQ(hook_status(HookPhase::poststop), "stopped");
}

TEST(HookState, NamesAsConfigJsonHasThem) {
    EXPECT_STREQ(to_string(HookPhase::create_runtime), "createRuntime");
    EXPECT_STREQ(to_string(HookPhase::start_container), "startContainer");
    spec::Hooks hooks;
    hooks.create_container.push_back({"/a", {}, {}, std::nullopt});
    EXPECT_EQ(hooks_of(hooks, HookPhase::create_container).size(), 1U);
    EXPECT_TRUE(hooks_of(hooks, HookPhase::create_runtime).empty());
}

TEST(HookState, JsonHasTheSpecFields) {
    HookState state{"c1", 42, "/b", {{"k", "v"}}};
    auto j = nlohmann::json::parse(hook_state_json(state, HookPhase::start_container));
    EXPECT_EQ(j["ociVersion"], "1.3.0");
    EXPECT_EQ(j["id"], "c1");
    EXPECT_EQ(j["status"], "created");
    EXPECT_EQ(j["pid"], 42);
    EXPECT_EQ(j["bundle"], "/b");
    EXPECT_EQ(j["annotations"]["k"], "v");
}

TEST(HookState, StoppedHasNoPidAndNoEmptyAnnotations) {
    HookState state{"c1", 0, "/b", {}};
    auto j = nlohmann::json::parse(hook_state_json(state, HookPhase::poststop));
    EXPECT_EQ(j["status"], "stopped");
    EXPECT_FALSE(j.contains("pid"));
    EXPECT_FALSE(j.contains("annotations"));
}

TEST(HookArgv, PathAloneWhenNoArgs) {
    spec::Hook hook{"/usr/bin/hook", {}, {}, std::nullopt};
    EXPECT_EQ(hook_argv(hook), std::vector<std::string>{"/usr/bin/hook"});
    hook.args = {"name", "-x"};
    EXPECT_EQ(hook_argv(hook), (std::vector<std::string>{"name", "-x"}));
}

TEST_F(Hooks, GetsStateOnStdinArgsAndOnlyItsEnv) {
    run_hook(sh("cat > $OUT/state; env > $OUT/env", std::nullopt),
             HookPhase::poststart, R"({"id":"x"})");
    EXPECT_EQ(read("state"), R"({"id":"x"})");
    EXPECT_EQ(read("env").find("HOME="), std::string::npos) << read("env");
    EXPECT_THAT(read("env"), HasSubstr("OUT=" + dir_));
}

TEST_F(Hooks, NonZeroExitFailsWithItsOutput) {
    std::string error = error_of(sh("echo broken >&2; exit 3"));
    EXPECT_THAT(error, HasSubstr("createRuntime hook /bin/sh: exit status 3"));
    EXPECT_THAT(error, HasSubstr("broken"));
}

TEST_F(Hooks, KilledBySignalFails) {
    EXPECT_THAT(error_of(sh("kill -9 $$")), HasSubstr("killed by signal"));
}

TEST_F(Hooks, MissingProgramFails) {
    spec::Hook hook{"/no/such/hook", {}, {}, std::nullopt};
    std::string error = error_of(hook, HookPhase::poststop);
    EXPECT_THAT(error, HasSubstr("poststop hook /no/such/hook: exit status 127"));
    EXPECT_THAT(error, HasSubstr("No such file or directory"));
}

TEST_F(Hooks, TimeoutKillsTheHook) {
    auto start = std::chrono::steady_clock::now();
    std::string error = error_of(sh("echo $$ > $OUT/pid; exec sleep 30", 1));
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_THAT(error, HasSubstr("did not finish within its timeout of 1s"));
    EXPECT_LT(took, std::chrono::seconds(5));
    pid_t pid = std::stoi(read("pid"));
    EXPECT_NE(::kill(pid, 0), 0) << "the hook still runs";
}

TEST_F(Hooks, FinishesWhenTheHookExitsEvenIfItsChildKeepsTheOutput) {
    auto start = std::chrono::steady_clock::now();
    run_hook(sh("sleep 3 & echo done"), HookPhase::create_runtime, "{}");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(Hooks, LargeStateIsReadWhole) {
    std::string big = "{\"x\":\"" + std::string(300000, 'a') + "\"}";
    run_hook(sh("cat > $OUT/state"), HookPhase::create_runtime, big);
    EXPECT_EQ(read("state").size(), big.size());
}

TEST_F(Hooks, RunHooksStopsAtTheFirstFailure) {
    spec::Hooks hooks;
    hooks.prestart = {sh("echo 1 >> $OUT/ran"), sh("exit 1"), sh("echo 3 >> $OUT/ran")};
    EXPECT_THROW(run_hooks(hooks, HookPhase::prestart, HookState{"c", 1, "/b", {}}), Error);
    EXPECT_EQ(read("ran"), "1\n");
}

TEST_F(Hooks, WarnOnlyRunsThemAll) {
    spec::Hooks hooks;
    hooks.poststop = {sh("echo 1 >> $OUT/ran"), sh("exit 1"), sh("echo 3 >> $OUT/ran")};
    run_hooks_warn_only(hooks, HookPhase::poststop, HookState{"c", 0, "/b", {}});
    EXPECT_EQ(read("ran"), "1\n3\n");
}

}  // namespace
}  // namespace rt::linux
