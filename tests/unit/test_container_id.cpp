// spec::is_valid_container_id / check_container_id: runc's rule for IDs.
#include <gtest/gtest.h>

#include <string>

#include "rt/spec/container_id.hpp"
#include "spec_test_helpers.hpp"

namespace rt::spec {
namespace {

using test::error_of;

TEST(ContainerId, AcceptsRuncStyleIds) {
    for (const char* id : {"a", "my-container", "web_1", "v1.2.3", "A+B", "...", "..a", "-x", "0", "e7c4f1d2a9b8"}) {
        EXPECT_TRUE(is_valid_container_id(id)) << id;
        EXPECT_EQ(error_of([&] { check_container_id(id); }), "") << id;
    }
}

TEST(ContainerId, RefusesPathsAndOddCharacters) {
    for (const char* id : {"", ".", "..", "a/b", "/abs", "../x", "with space", "tab\t", "semi;colon", "star*",
                           "new\nline", "caf\xc3\xa9", "a,b", "a:b", "a@b", "$HOME"}) {
        EXPECT_FALSE(is_valid_container_id(id)) << id;
    }
    EXPECT_FALSE(is_valid_container_id(std::string_view("nul\0byte", 8)));
}

TEST(ContainerId, LengthLimitIs1024) {
    EXPECT_TRUE(is_valid_container_id(std::string(1024, 'x')));
    EXPECT_FALSE(is_valid_container_id(std::string(1025, 'x')));
    EXPECT_EQ(error_of([] { check_container_id(std::string(1025, 'x')); }),
              "invalid container ID: longer than 1024 bytes");
}

TEST(ContainerId, MessageSaysTheRule) {
    EXPECT_EQ(error_of([] { check_container_id("a/b"); }),
              R"(invalid container ID "a/b": must match [A-Za-z0-9_+.-]+ and not be "." or "..")");
    EXPECT_EQ(error_of([] { check_container_id(".."); }),
              R"(invalid container ID "..": must match [A-Za-z0-9_+.-]+ and not be "." or "..")");
    EXPECT_EQ(error_of([] { check_container_id(""); }),
              R"(invalid container ID "": must match [A-Za-z0-9_+.-]+ and not be "." or "..")");
}

}  // namespace
}  // namespace rt::spec
