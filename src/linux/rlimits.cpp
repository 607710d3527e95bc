// process.rlimits: the RLIMIT_* table and setrlimit(2).
#include "rt/linux/rlimits.hpp"

#include <cerrno>
#include <utility>

#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

// Every limit of getrlimit(2) (Linux 6.x has no others).
const std::vector<std::pair<std::string, int>>& table() {
    static const std::vector<std::pair<std::string, int>> limits = {
        {"RLIMIT_AS", RLIMIT_AS},
        {"RLIMIT_CORE", RLIMIT_CORE},
        {"RLIMIT_CPU", RLIMIT_CPU},
        {"RLIMIT_DATA", RLIMIT_DATA},
        {"RLIMIT_FSIZE", RLIMIT_FSIZE},
        {"RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
        {"RLIMIT_NICE", RLIMIT_NICE},
        {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_NPROC", RLIMIT_NPROC},
        {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
        {"RLIMIT_RTTIME", RLIMIT_RTTIME},
        {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_STACK", RLIMIT_STACK},
    };
    return limits;
}

std::string limit_text(rlim_t value) { return value == RLIM_INFINITY ? "unlimited" : std::to_string(value); }

}  // namespace

std::optional<int> rlimit_resource(const std::string& name) {
    for (const auto& [known, resource] : table()) {
        if (known == name) return resource;
    }
    return std::nullopt;
}

const std::vector<std::string>& rlimit_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& entry : table()) out.push_back(entry.first);
        return out;
    }();
    return names;
}

std::vector<RlimitSetting> plan_rlimits(const std::vector<spec::Rlimit>& rlimits, const std::string& where) {
    std::vector<RlimitSetting> plan;
    for (size_t i = 0; i < rlimits.size(); ++i) {
        const spec::Rlimit& rlimit = rlimits[i];
        const std::string path = where + ".rlimits[" + std::to_string(i) + "]";
        std::optional<int> resource = rlimit_resource(rlimit.type);
        if (!resource) throw Error(path + ".type: unknown rlimit \"" + rlimit.type + "\"");
        if (rlimit.soft > rlimit.hard) {
            throw Error(path + ": soft limit " + limit_text(rlimit.soft) + " is above the hard limit " +
                        limit_text(rlimit.hard));
        }
        plan.push_back({rlimit.type, *resource, static_cast<rlim_t>(rlimit.soft), static_cast<rlim_t>(rlimit.hard)});
    }
    return plan;
}

void apply_rlimits(const std::vector<RlimitSetting>& rlimits) {
    for (const RlimitSetting& setting : rlimits) {
        const struct rlimit limit = {setting.soft, setting.hard};
        if (::setrlimit(static_cast<__rlimit_resource>(setting.resource), &limit) == 0) continue;
        int err = errno;
        std::string what = "set " + setting.name + " to soft " + limit_text(setting.soft) + ", hard " +
                           limit_text(setting.hard);
        struct rlimit current {};
        if (err == EPERM && ::getrlimit(static_cast<__rlimit_resource>(setting.resource), &current) == 0 &&
            setting.hard > current.rlim_max) {
            what += " (above the current hard limit " + limit_text(current.rlim_max) +
                    ": raising it needs CAP_SYS_RESOURCE)";
        }
        throw_errno(err, what);
    }
}

}  // namespace rt::linux
