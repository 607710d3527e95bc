// state.json's own reader: what to_json writes comes back the same, it reads
// what nlohmann reads (escapes, UTF-8, unknown members), and refuses with an
// error, never a crash, what is damaged.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rt/state/store.hpp"

namespace rt::state {
namespace {

ContainerState sample() {
    ContainerState s;
    s.id = "web-1";
    s.bundle = "/b \"quoted\" \\ back\tslash";
    s.rootfs = "/b/rootfs\n\x01\x1f";
    s.pid = 2147483647;
    s.start_time = 18446744073709551615ull;
    s.created = "2026-12-05T03:21:00.123456789Z";
    s.owner = "";
    s.annotations = {{"é", "ü€😀"}, {"k", ""}, {"empty", "{}[],:"}};
    s.cgroup_paths = {{"", "/sys/fs/cgroup/unified/rt/web-1"}, {"memory", "/sys/fs/cgroup/memory/rt/web-1"}};
    s.cgroup_driver = "cgroupfs-v1";
    return s;
}

void expect_same(const ContainerState& a, const ContainerState& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.bundle, b.bundle);
    EXPECT_EQ(a.rootfs, b.rootfs);
    EXPECT_EQ(a.pid, b.pid);
    EXPECT_EQ(a.start_time, b.start_time);
    EXPECT_EQ(a.created, b.created);
    EXPECT_EQ(a.owner, b.owner);
    EXPECT_EQ(a.annotations, b.annotations);
    EXPECT_EQ(a.cgroup_paths, b.cgroup_paths);
    EXPECT_EQ(a.cgroup_driver, b.cgroup_driver);
}

std::string error_of(const std::string& text) {
    try {
        container_state_from_json(text);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(StateJson, WhatIsWrittenIsReadBack) {
    const ContainerState s = sample();
    expect_same(container_state_from_json(to_json(s)), s);
    ContainerState negative = s;
    negative.pid = -2147483647 - 1;
    expect_same(container_state_from_json(to_json(negative)), negative);
    // Compact, as an older rt or a hand may have written it.
    expect_same(container_state_from_json(nlohmann::json::parse(to_json(s)).dump()), s);
}

TEST(StateJson, ReadsWhatNlohmannReads) {
    const std::string text = R"( {"id":"a\/b\u00e9\ud83d\ude00\"\\\b\f\n\r\t", "bundle":"/b", "rootfs":"/r",
        "pid": 0, "startTime": 0, "created": "c", "extra": [1, -2.5e-3, {"x": [true, false, null]}, "s"],
        "annotations": {"a": "1", "a": "2"}, "more": -0, "cgroupPaths": {}} )";
    ContainerState s = container_state_from_json(text);
    nlohmann::json j = nlohmann::json::parse(text);
    EXPECT_EQ(s.id, j["id"].get<std::string>());
    EXPECT_EQ(s.id, "a/bé😀\"\\\b\f\n\r\t");
    EXPECT_EQ(s.annotations.at("a"), j["annotations"]["a"].get<std::string>());  // the last of duplicates
    EXPECT_EQ(s.owner, "");                                                      // optional
    EXPECT_TRUE(s.cgroup_paths.empty());
}

// `list` reads states without their cgroup paths (most of a v1 state): all
// else the same, the member stepped over by its brackets, a damaged one
// still refused.
TEST(StateJson, WithoutCgroupPathsReadsAllElse) {
    ContainerState expected = sample();
    const std::string text = to_json(expected);
    expected.cgroup_paths.clear();
    expect_same(container_state_from_json(text, false), expected);
    const std::string before = R"({"id": "a", "bundle": "/b", "rootfs": "/r", "pid": 1, "startTime": 2, )";
    const std::string after = R"(, "created": "c"})";
    EXPECT_EQ(container_state_from_json(before + R"("cgroupPaths": {"x": "}\"]{", "y": [{}]})" + after, false).created,
              "c");
    for (const char* bad : {R"("cgroupPaths": {"x": "/a")", R"("cgroupPaths": {"x": "/a})", R"("cgroupPaths": 5)"}) {
        EXPECT_THROW(container_state_from_json(before + bad + after, false), Error) << bad;
    }
}

TEST(StateJson, EveryTruncationIsAnError) {
    const std::string text = to_json(sample());
    for (size_t size = 0; size + 1 < text.size(); ++size) {  // the last byte is "\n"
        EXPECT_NE(error_of(text.substr(0, size)), "") << size;
        EXPECT_THROW(container_state_from_json(text.substr(0, size), false), Error) << size;
    }
}

TEST(StateJson, DamagedStatesAreRefused) {
    const std::string good = R"({"id": "a", "bundle": "/b", "rootfs": "/r", "pid": 1, "startTime": 2, "created": "c")";
    EXPECT_EQ(error_of(good + "}"), "");
    EXPECT_EQ(error_of(good + "} x"), "corrupt state: text after the object at byte 86");
    EXPECT_EQ(error_of(R"({"id": "a"})"), "corrupt state: no \"bundle\"");
    for (const char* bad : {
             R"({"id": "\ud800", )",          // lone high surrogate
             R"({"id": "\udc00", )",          // lone low surrogate
             R"({"id": "\ud800\u0041", )",    // high surrogate, no low one
             "{\"id\": \"\x01\", ",            // raw control character
             "{\"id\": \"\xc3\", ",            // cut UTF-8
             "{\"id\": \"\xc0\xaf\", ",        // overlong
             "{\"id\": \"\xed\xa0\x80\", ",    // encoded surrogate
             "{\"id\": \"\xf4\x90\x80\x80\", ",  // above U+10FFFF
             "{\"id\": \"\xff\", ",
             R"({"id": "\x", )",
             R"({"id": "\u12G4", )",
             R"({"id": 5, )",
         }) {
        EXPECT_NE(error_of(std::string(bad) + R"("bundle": "/b", "rootfs": "/r", "pid": 1, "startTime": 2, "created": "c"})"),
                  "")
            << bad;
    }
    const std::string rest = R"("id": "a", "bundle": "/b", "rootfs": "/r", "created": "c")";
    for (const char* numbers : {R"("pid": 2147483648, "startTime": 1)", R"("pid": -2147483649, "startTime": 1)",
                                R"("pid": 1.5, "startTime": 1)", R"("pid": 01, "startTime": 1)",
                                R"("pid": 1, "startTime": -1)", R"("pid": 1, "startTime": 18446744073709551616)",
                                R"("pid": 1, "startTime": 1e3)", R"("pid": "1", "startTime": 1)"}) {
        EXPECT_NE(error_of("{" + rest + ", " + numbers + "}"), "") << numbers;
    }
    EXPECT_NE(error_of("{" + rest + R"(, "pid": 1, "startTime": 1, "x": )" + std::string(100, '[') +
                       std::string(100, ']') + "}"),
              "");
    EXPECT_NE(error_of("{" + rest + R"(, "pid": 1, "startTime": 1, "x": tru})"), "");
    EXPECT_NE(error_of("{" + rest + R"(, "pid": 1, "startTime": 1, "owner": null})"), "");
}

}  // namespace
}  // namespace rt::state
