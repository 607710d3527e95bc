// Small helpers shared by the validation checks (validate.cpp, validate_process.cpp).
#pragma once

#include <string>
#include <string_view>

namespace rt::spec::check {

// Throws rt::Error("<path>: <problem>"); `path` is a jq path as in parse errors.
[[noreturn]] void fail(std::string_view path, std::string_view problem);

bool is_absolute(std::string_view path);

// Throws "<path>: must be an absolute path, got \"value\"" unless `value` is one.
void require_absolute(std::string_view path, const std::string& value);

// `path` made lexical: "//a/./b/../c/" -> "/a/c" (as Go's filepath.Clean), no
// filesystem access. Only for absolute paths.
std::string clean_absolute_path(std::string_view path);

// jq path of element `index` of the array at `array_path`: ".mounts" 3 -> ".mounts[3]".
std::string element_path(std::string_view array_path, size_t index);

}  // namespace rt::spec::check
