#include "json_node.hpp"

#include <algorithm>

#include "rt/util/error.hpp"

namespace rt::spec::json {

namespace {

bool is_identifier(std::string_view key) {
    if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// What a value is, for "expected X, got Y": numbers are shown as written (so
// that "-1" or "1.5" says what is wrong with them), anything else by its type.
std::string describe_value(const nlohmann::json& value) {
    if (value.is_number()) return value.dump();
    return value.type_name();
}

// Enums short enough to list in a message; longer ones (seccomp architectures)
// would drown the message.
constexpr size_t kMaxListedValues = 10;

std::string list_of(std::span<const std::string_view> values) {
    std::string list;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) list += i + 1 == values.size() ? " or " : ", ";
        list += values[i];
    }
    return list;
}

// "[json.exception.out_of_range.406] number overflow ..." -> "number overflow ..."
std::string without_exception_id(const std::string& what) {
    const size_t end = what.starts_with("[json.exception.") ? what.find("] ") : std::string::npos;
    return end == std::string::npos ? what : what.substr(end + 2);
}

}  // namespace

nlohmann::json parse_document(std::string_view text) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.what() reads "[json.exception.parse_error.101] parse error at line 3,
        // column 5: syntax error ..."; keep the part from "line" on.
        const std::string what = e.what();
        const size_t line = what.find("line ");
        if (line != std::string::npos) throw Error("invalid JSON at " + what.substr(line));
        throw Error("invalid JSON: " + without_exception_id(what));
    } catch (const nlohmann::json::exception& e) {
        // Not a syntax error but still bad input, e.g. out_of_range.406 for a
        // number too large for a double ("1e400"); it carries no position.
        throw Error("invalid JSON: " + without_exception_id(e.what()));
    }
}

std::string quote(std::string_view text) {
    // Parsed input is valid UTF-8, but callers may quote anything: replace, never throw.
    return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string member_path(std::string_view parent, std::string_view key) {
    std::string path(parent);
    if (is_identifier(key)) return path + "." + std::string(key);
    return (path.empty() ? "." : path) + "[" + quote(key) + "]";
}

// ---------------------------------------------------------------------- Node

std::string Node::path() const {
    if (!parent_) return "";
    if (parent_->value_->is_array()) return parent_->path() + "[" + std::to_string(index_) + "]";
    return member_path(parent_->path(), key_);
}

std::string Node::shown_path() const {
    std::string path = this->path();
    return path.empty() ? "." : path;
}

void Node::fail(std::string_view problem) const {
    std::string message = shown_path();
    message += ": ";
    message += problem;
    throw Error(message);
}

void Node::fail_expected(std::string_view what) const {
    std::string problem = "expected ";
    problem += what;
    problem += ", got ";
    problem += describe_value(*value_);
    fail(problem);
}

std::optional<Node> Node::member(std::string_view key) const {
    if (!value_->is_object()) fail_expected("an object");
    const auto found = value_->find(key);
    if (found == value_->end() || found->is_null()) return std::nullopt;
    return Node(*found, *this, std::string_view(found.key()));
}

Node Node::required_member(std::string_view key) const {
    std::optional<Node> found = member(key);
    if (!found) fail("missing required field " + quote(key));
    return *found;
}

std::vector<Node> Node::elements(std::string_view what) const {
    if (!value_->is_array()) fail_expected(what);
    std::vector<Node> nodes;
    nodes.reserve(value_->size());
    for (size_t i = 0; i < value_->size(); ++i) {
        nodes.push_back(Node((*value_)[i], *this, i));
    }
    return nodes;
}

std::vector<std::pair<std::string, Node>> Node::members() const {
    if (!value_->is_object()) fail_expected("an object");
    std::vector<std::pair<std::string, Node>> result;
    result.reserve(value_->size());
    for (auto it = value_->begin(); it != value_->end(); ++it) {
        const std::string& key = it.key();  // the document's, alive as long as it
        result.emplace_back(key, Node(*it, *this, std::string_view(key)));
    }
    return result;
}

// ------------------------------------------------------------ generic decode

void decode(const Node& node, std::string& out) {
    if (!node.value().is_string()) node.fail_expected("a string");
    out = node.value().get<std::string>();
}

void decode(const Node& node, std::string& out, const StringRule& rule) {
    decode(node, out);
    if (rule.matches != nullptr) {
        if (!rule.matches(out)) {
            node.fail("invalid " + std::string(rule.what) + " " + quote(out) + ": must match " +
                      std::string(rule.pattern));
        }
        return;
    }
    if (std::find(rule.allowed.begin(), rule.allowed.end(), out) != rule.allowed.end()) return;
    std::string problem = "unknown " + std::string(rule.what) + " " + quote(out);
    if (rule.allowed.size() <= kMaxListedValues) problem += " (expected " + list_of(rule.allowed) + ")";
    node.fail(problem);
}

void decode(const Node& node, bool& out) {
    if (!node.value().is_boolean()) node.fail_expected("a boolean");
    out = node.value().get<bool>();
}

}  // namespace rt::spec::json
