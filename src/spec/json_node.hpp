// Reading typed values out of a parsed JSON document while keeping the jq-style
// path of every value at hand, so that each error names where it happened:
//   .linux.namespaces[2].type: unknown namespace type "foo"
//
// The parsers of config.json are written with these pieces only:
//   - json::Node: a JSON value plus its path; node.required("cwd", p.cwd) and
//     node.optional("env", p.env) decode one member each;
//   - decode(node, out[, rule]): one overload per C++ type; the generic ones
//     (strings, booleans, integers of any width, optional, vector, map) live
//     here, the ones for config structs live next to their parser;
//   - StringRule / IntRange: the enums, patterns and ranges the schema fixes.
//
// Private to src/spec/: nothing outside the parser reads raw JSON.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rt::spec::json {

// Parses `text`; bad JSON throws rt::Error("invalid JSON at line L, column C: ...").
nlohmann::json parse_document(std::string_view text);

// `text` as a JSON string literal, for messages: "foo" (with escapes).
std::string quote(std::string_view text);

// The jq path of member `key` of the object at `parent` ("" for the document):
// ".linux" + "sysctl" -> ".linux.sysctl"; keys that are not identifiers are
// quoted: ".linux.sysctl" + "net.ipv4.ip_forward" -> .linux.sysctl["net.ipv4.ip_forward"].
std::string member_path(std::string_view parent, std::string_view key);

// A node knows its place (its parent and its key or index), not its path:
// the path is spelled out only for a message. A node is used while its parent
// and the document are alive, as the decode()s below use them; building every
// path up front cost a heap string per value (a seccomp profile has hundreds).
class Node {
public:
    // The document itself.
    explicit Node(const nlohmann::json& document) : value_(&document) {}

    const nlohmann::json& value() const { return *value_; }
    // The jq path of the value in its document: "" for the document itself.
    std::string path() const;
    // The path as messages show it: "." for the document itself.
    std::string shown_path() const;

    // Throws rt::Error("<path>: <problem>").
    [[noreturn]] void fail(std::string_view problem) const;
    // Throws "<path>: expected <what>, got <JSON type, or the number itself>".
    [[noreturn]] void fail_expected(std::string_view what) const;

    // Members of an object. A member that is null counts as absent, as for the
    // spec's Go bindings. Both fail when this node is not an object.
    std::optional<Node> member(std::string_view key) const;
    Node required_member(std::string_view key) const;  // "missing required field \"key\""

    // Elements of an array (fails with "expected <what>, got ..." otherwise).
    std::vector<Node> elements(std::string_view what) const;
    // Members of an object as (key, node) pairs, in key order.
    std::vector<std::pair<std::string, Node>> members() const;

    // Decodes member `key` into `out` with the decode() overload for its type;
    // `rule` (a StringRule or IntRange) restricts the value further.
    // optional(): an absent member leaves `out` as it was.
    template <typename T, typename... Rule>
    void optional(std::string_view key, T& out, const Rule&... rule) const;
    template <typename T, typename... Rule>
    void required(std::string_view key, T& out, const Rule&... rule) const;

    // The value as an integer in [min, max]; `what` describes the range.
    template <std::integral Int>
    Int to_integer(std::string_view what, Int min, Int max) const;

private:
    Node(const nlohmann::json& value, const Node& parent, std::string_view key)
        : value_(&value), parent_(&parent), key_(key) {}
    Node(const nlohmann::json& value, const Node& parent, size_t index)
        : value_(&value), parent_(&parent), index_(index) {}

    const nlohmann::json* value_;
    const Node* parent_ = nullptr;  // none: the document
    std::string_view key_;          // in an object: the member's key (the document's own copy)
    size_t index_ = 0;              // in an array: the element's index
};

// --------------------------------------------------------------- restrictions

// A string the schema restricts to a set of values or to a pattern.
struct StringRule {
    std::string_view what;  // what the value is, for messages: "seccomp action"
    // Either the values allowed (an enum of the schema) ...
    std::span<const std::string_view> allowed = {};
    // ... or a pattern: its text for messages, and a function that matches it.
    std::string_view pattern = {};
    bool (*matches)(std::string_view) = nullptr;
};

// An integer range narrower than its C++ type (FileMode: 0..511).
struct IntRange {
    std::string_view what;  // "a file mode between 0 and 511 (0777)"
    int64_t min;
    int64_t max;
};

// ------------------------------------------------------- generic decode()s

void decode(const Node& node, std::string& out);
void decode(const Node& node, std::string& out, const StringRule& rule);
void decode(const Node& node, bool& out);

// "an unsigned 32-bit integer", "a 64-bit integer", ...
template <std::integral Int>
std::string integer_kind() {
    std::string kind = std::is_signed_v<Int> ? "a " : "an unsigned ";
    return kind + std::to_string(sizeof(Int) * 8) + "-bit integer";
}

template <std::integral Int>
    requires(!std::same_as<Int, bool>)
void decode(const Node& node, Int& out) {
    out = node.to_integer<Int>(integer_kind<Int>(), std::numeric_limits<Int>::min(),
                               std::numeric_limits<Int>::max());
}

template <std::integral Int>
    requires(!std::same_as<Int, bool>)
void decode(const Node& node, Int& out, const IntRange& range) {
    out = node.to_integer<Int>(range.what, static_cast<Int>(range.min), static_cast<Int>(range.max));
}

template <typename T, typename... Rule>
void decode(const Node& node, std::optional<T>& out, const Rule&... rule) {
    decode(node, out.emplace(), rule...);
}

template <typename T, typename... Rule>
void decode(const Node& node, std::vector<T>& out, const Rule&... rule) {
    std::string_view what = "an array";
    if constexpr (std::same_as<T, std::string>) what = "an array of strings";
    if constexpr (std::integral<T>) what = "an array of integers";
    out.clear();
    for (const Node& element : node.elements(what)) decode(element, out.emplace_back(), rule...);
}

template <typename T>
void decode(const Node& node, std::map<std::string, T>& out) {
    out.clear();
    for (const auto& [key, value] : node.members()) decode(value, out[key]);
}

// ------------------------------------------------------------ Node templates

template <typename T, typename... Rule>
void Node::optional(std::string_view key, T& out, const Rule&... rule) const {
    if (std::optional<Node> found = member(key)) decode(*found, out, rule...);
}

template <typename T, typename... Rule>
void Node::required(std::string_view key, T& out, const Rule&... rule) const {
    decode(required_member(key), out, rule...);
}

template <std::integral Int>
Int Node::to_integer(std::string_view what, Int min, Int max) const {
    // nlohmann keeps non-negative integers as uint64 and negative ones as
    // int64; anything else (floats, strings, ...) is not an integer here.
    if (value_->is_number_unsigned()) {
        const auto number = value_->get<uint64_t>();
        if (std::cmp_greater_equal(number, min) && std::cmp_less_equal(number, max))
            return static_cast<Int>(number);
    } else if (value_->is_number_integer()) {
        const auto number = value_->get<int64_t>();
        if (std::cmp_greater_equal(number, min) && std::cmp_less_equal(number, max))
            return static_cast<Int>(number);
    }
    fail_expected(what);
}

}  // namespace rt::spec::json
