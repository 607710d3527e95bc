// Hand-written matchers for the schema's patterns: each pattern is small, and
// std::regex would cost more in code size and time than it saves here.
#include "schema_rules.hpp"

#include <algorithm>

namespace rt::spec::schema {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

}  // namespace

bool is_hugepage_size(std::string_view value) {
    // [1-9][0-9]* then one of K, M, G, then B
    if (value.size() < 3 || value[0] < '1' || value[0] > '9' || value.back() != 'B') return false;
    const char unit = value[value.size() - 2];
    if (unit != 'K' && unit != 'M' && unit != 'G') return false;
    const std::string_view digits = value.substr(0, value.size() - 2);
    return std::all_of(digits.begin(), digits.end(), is_digit);
}

bool is_rlimit_name(std::string_view value) {
    constexpr std::string_view prefix = "RLIMIT_";
    if (!value.starts_with(prefix) || value.size() == prefix.size()) return false;
    value.remove_prefix(prefix.size());
    return std::all_of(value.begin(), value.end(), is_upper);
}

bool is_cpu_list(std::string_view value) {
    return std::all_of(value.begin(), value.end(),
                       [](char c) { return is_digit(c) || c == ',' || c == ' ' || c == '-'; });
}

bool is_mem_bw_schema(std::string_view value) {
    return value.starts_with("MB:") && value.find('\n') == std::string_view::npos;
}

bool is_device_file_type(std::string_view value) {
    return value == "c" || value == "b" || value == "u" || value == "p";
}

}  // namespace rt::spec::schema
