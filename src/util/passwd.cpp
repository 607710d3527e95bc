#include "rt/util/passwd.hpp"

#include <charconv>
#include <sstream>
#include <vector>

#include "rt/util/error.hpp"
#include "rt/util/file.hpp"

namespace rt {
namespace {

std::vector<std::string> fields_of(const std::string& line) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (;;) {
        size_t colon = line.find(':', start);
        fields.push_back(line.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) return fields;
        start = colon + 1;
    }
}

template <typename T>
bool parse_id(const std::string& text, T& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

template <typename Match>
std::optional<PasswdEntry> find_passwd(const std::string& text, Match match) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        auto f = fields_of(line);
        if (f.size() < 7) continue;
        PasswdEntry entry;
        entry.name = f[0];
        if (!parse_id(f[2], entry.uid) || !parse_id(f[3], entry.gid)) continue;
        entry.home = f[5];
        entry.shell = f[6];
        if (match(entry)) return entry;
    }
    return std::nullopt;
}

}  // namespace

std::optional<PasswdEntry> passwd_by_uid(const std::string& text, uid_t uid) {
    return find_passwd(text, [uid](const PasswdEntry& e) { return e.uid == uid; });
}

std::optional<PasswdEntry> passwd_by_name(const std::string& text, const std::string& name) {
    return find_passwd(text, [&name](const PasswdEntry& e) { return e.name == name; });
}

std::optional<gid_t> group_gid(const std::string& text, const std::string& name) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        auto f = fields_of(line);
        gid_t gid = 0;
        if (f.size() >= 3 && f[0] == name && parse_id(f[2], gid)) return gid;
    }
    return std::nullopt;
}

std::optional<PasswdEntry> host_user(uid_t uid) {
    try {
        auto text = read_file_if_exists("/etc/passwd");
        if (!text) return std::nullopt;
        return passwd_by_uid(*text, uid);
    } catch (const Error&) {
        return std::nullopt;
    }
}

}  // namespace rt
