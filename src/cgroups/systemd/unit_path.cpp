// linux.cgroupsPath under the systemd driver: "SLICE:PREFIX:NAME", as runc
// reads it (libcontainer/specconv and cgroups/systemd), checked whole before
// anything is made.
#include "rt/cgroups/systemd.hpp"
#include "rt/util/error.hpp"

namespace rt::cgroups::systemd {
namespace {

constexpr size_t unit_name_max = 255;  // systemd's UNIT_NAME_MAX, less its NUL
const std::string slice_suffix = ".slice";

[[noreturn]] void bad_path(const std::string& given, const std::string& why) {
    throw Error(".linux.cgroupsPath: \"" + given + "\": " + why);
}

// The characters systemd allows in a unit name.
bool unit_chars(const std::string& text) {
    for (char c : text) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
                  c == '-' || c == '_' || c == '.' || c == '\\' || c == '@';
        if (!ok) return false;
    }
    return true;
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string expand_slice(const std::string& slice) {
    // Ends in ".slice" and is more than that; no '/'.
    if (slice.size() <= slice_suffix.size() || !ends_with(slice, slice_suffix) ||
        slice.find('/') != std::string::npos) {
        throw Error("invalid slice name \"" + slice + "\" (a systemd slice: NAME.slice, without '/')");
    }
    std::string name = slice.substr(0, slice.size() - slice_suffix.size());
    if (name == "-") return "/";
    // "a-b-c.slice" is a.slice/a-b.slice/a-b-c.slice; "a--b" and "-a" are
    // not slices.
    std::string path, prefix;
    size_t start = 0;
    while (start <= name.size()) {
        size_t dash = name.find('-', start);
        if (dash == std::string::npos) dash = name.size();
        std::string component = name.substr(start, dash - start);
        if (component.empty()) throw Error("invalid slice name \"" + slice + "\" (an empty part between dashes)");
        path += "/" + prefix + component + slice_suffix;
        prefix += component + "-";
        start = dash + 1;
    }
    return path;
}

UnitPath unit_path(const std::optional<std::string>& cgroups_path, const std::string& id, bool rootless) {
    std::string slice, prefix, name;
    if (!cgroups_path || cgroups_path->empty()) {
        // runc's ":runc:<id>", with rt's name.
        prefix = "rt";
        name = id;
    } else {
        const std::string& given = *cgroups_path;
        size_t first = given.find(':');
        size_t second = first == std::string::npos ? first : given.find(':', first + 1);
        if (second == std::string::npos || given.find(':', second + 1) != std::string::npos) {
            bad_path(given, "expected the form \"slice:prefix:name\" for systemd cgroups (--systemd-cgroup)");
        }
        slice = given.substr(0, first);
        prefix = given.substr(first + 1, second - first - 1);
        name = given.substr(second + 1);
        if (name.empty()) bad_path(given, "the name (after the second ':') is empty");
        if (ends_with(name, slice_suffix)) {
            bad_path(given, "rt puts a container in a scope unit: the name must not end in \".slice\"");
        }
    }
    UnitPath path;
    // runc's defaults: the system's system.slice, or the user manager's
    // user.slice rootless.
    path.slice = !slice.empty() ? slice : rootless ? "user.slice" : "system.slice";
    path.unit = prefix + "-" + name + ".scope";
    try {
        path.slice_dir = expand_slice(path.slice);
    } catch (const Error& e) {
        bad_path(cgroups_path.value_or(""), e.what());
    }
    if (!unit_chars(path.slice) || !unit_chars(path.unit)) {
        bad_path(cgroups_path.value_or(""),
                 "systemd unit names take only ASCII letters, digits and \":-_.\\@\" (unit \"" + path.unit +
                     "\" in \"" + path.slice + "\")");
    }
    if (path.unit.size() > unit_name_max || path.slice.size() > unit_name_max) {
        bad_path(cgroups_path.value_or(""), "a systemd unit name is at most 255 characters");
    }
    return path;
}

}  // namespace rt::cgroups::systemd
