#include "rt/linux/mountinfo.hpp"

#include <sstream>

#include "rt/util/file.hpp"

namespace rt::linux {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            int value = 0;
            bool octal = true;
            for (size_t k = 1; k <= 3; ++k) {
                char c = field[i + k];
                if (c < '0' || c > '7') octal = false;
                value = value * 8 + (c - '0');
            }
            if (octal) {
                out += static_cast<char>(value);
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

}  // namespace

std::vector<MountInfo> parse_mountinfo(const std::string& text) {
    std::vector<MountInfo> mounts;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        MountInfo m;
        std::string major_minor, field;
        if (!(fields >> m.id >> m.parent_id >> major_minor >> m.root >> m.mount_point >> m.options)) {
            continue;
        }
        std::string optional;
        while (fields >> field && field != "-") optional += (optional.empty() ? "" : " ") + field;
        m.optional_fields = optional;
        fields >> m.fs_type >> m.source >> m.super_options;
        m.root = unescape(m.root);
        m.mount_point = unescape(m.mount_point);
        m.source = unescape(m.source);
        mounts.push_back(std::move(m));
    }
    return mounts;
}

std::vector<MountInfo> read_mountinfo(const std::string& path) {
    return parse_mountinfo(read_file(path));
}

const MountInfo* mount_containing(const std::vector<MountInfo>& mounts, const std::string& path) {
    const MountInfo* best = nullptr;
    for (const auto& m : mounts) {
        const std::string& mp = m.mount_point;
        bool prefix = mp == "/" || path == mp ||
                      (path.size() > mp.size() && path.compare(0, mp.size(), mp) == 0 &&
                       path[mp.size()] == '/');
        // Later entries are mounted on top of earlier ones at the same point.
        if (prefix && (!best || mp.size() >= best->mount_point.size())) best = &m;
    }
    return best;
}

}  // namespace rt::linux
