#include "validate_util.hpp"

#include <vector>

#include "json_node.hpp"
#include "rt/util/error.hpp"

namespace rt::spec::check {

void fail(std::string_view path, std::string_view problem) {
    std::string message(path);
    message += ": ";
    message += problem;
    throw Error(message);
}

bool is_absolute(std::string_view path) {
    return !path.empty() && path.front() == '/';
}

void require_absolute(std::string_view path, const std::string& value) {
    if (!is_absolute(value)) fail(path, "must be an absolute path, got " + json::quote(value));
}

std::string clean_absolute_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const size_t slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();  // ".." of "/" is "/"
            continue;
        }
        parts.push_back(part);
    }
    if (parts.empty()) return "/";
    std::string cleaned;
    for (const std::string_view part : parts) {
        cleaned += '/';
        cleaned += part;
    }
    return cleaned;
}

std::string element_path(std::string_view array_path, size_t index) {
    return std::string(array_path) + "[" + std::to_string(index) + "]";
}

}  // namespace rt::spec::check
