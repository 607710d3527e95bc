#include "rt/util/units.hpp"

#include <cctype>
#include <cmath>

#include "rt/util/error.hpp"

namespace rt {
namespace {

// Reads "123" or "1.25" at `pos`; false if there is no number there.
bool read_decimal(const std::string& text, size_t& pos, double& value) {
    size_t start = pos;
    while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
    if (pos == start || text[start] == '.' || text[pos - 1] == '.') return false;
    try {
        value = std::stod(text.substr(start, pos - start));
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

}  // namespace

int64_t parse_ram_size(const std::string& text) {
    auto bad = [&] { return Error("invalid size: \"" + text + "\""); };
    size_t pos = 0;
    double value = 0;
    if (!read_decimal(text, pos, value)) throw bad();
    if (pos < text.size() && text[pos] == ' ') ++pos;
    double multiplier = 1;
    if (pos < text.size()) {
        switch (std::tolower(static_cast<unsigned char>(text[pos]))) {
        case 'k': multiplier = 1024.0; break;
        case 'm': multiplier = 1024.0 * 1024; break;
        case 'g': multiplier = 1024.0 * 1024 * 1024; break;
        case 't': multiplier = 1024.0 * 1024 * 1024 * 1024; break;
        case 'p': multiplier = 1024.0 * 1024 * 1024 * 1024 * 1024; break;
        default: break;
        }
        if (multiplier != 1) ++pos;
    }
    if (pos < text.size() && std::tolower(static_cast<unsigned char>(text[pos])) == 'i') ++pos;
    if (pos < text.size() && std::tolower(static_cast<unsigned char>(text[pos])) == 'b') ++pos;
    if (pos != text.size()) throw bad();
    double bytes = value * multiplier;
    if (bytes >= 9.2e18) throw bad();
    return static_cast<int64_t>(bytes);
}

std::chrono::nanoseconds parse_duration(const std::string& text) {
    auto bad = [&] { return Error("invalid duration: \"" + text + "\""); };
    if (text == "0") return std::chrono::nanoseconds(0);
    struct Unit {
        const char* name;
        double nanoseconds;
    };
    // Longest names first: "ms" before "m", "ns" before... none shorter.
    static const Unit units[] = {{"ns", 1},    {"us", 1e3},   {"\xc2\xb5s", 1e3}, {"ms", 1e6},
                                 {"s", 1e9},   {"m", 60e9},   {"h", 3600e9}};
    double total = 0;
    size_t pos = 0;
    if (text.empty()) throw bad();
    while (pos < text.size()) {
        double value = 0;
        if (!read_decimal(text, pos, value)) throw bad();
        const Unit* found = nullptr;
        for (const auto& unit : units) {
            std::string name = unit.name;
            if (text.compare(pos, name.size(), name) != 0) continue;
            // "m" must not eat the "m" of "ms".
            if (name == "m" && pos + 1 < text.size() && text[pos + 1] == 's') continue;
            found = &unit;
            pos += name.size();
            break;
        }
        if (!found) throw bad();
        total += value * found->nanoseconds;
    }
    if (total >= 9.2e18) throw bad();
    return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(total)));
}

}  // namespace rt
