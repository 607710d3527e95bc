#include "rt/util/signals.hpp"

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "rt/util/error.hpp"

namespace rt {
namespace {

struct Named {
    std::string_view name;
    int number;
};

constexpr Named signals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CLD", SIGCHLD},      {"CONT", SIGCONT},
    {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},
    {"URG", SIGURG},       {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},     {"WINCH", SIGWINCH},   {"IO", SIGIO},         {"POLL", SIGPOLL},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

bool parse_int(std::string_view text, int& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

int parse_signal(std::string_view text) {
    std::string upper(text);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::string_view name = upper;
    int number = 0;
    if (parse_int(name, number)) {
        // 0 (by number only, as runc) checks that the process is alive.
        if (number >= 0 && number < NSIG) return number;
        throw Error("unknown signal \"" + std::string(text) + "\"");
    }
    if (name.substr(0, 3) == "SIG") name.remove_prefix(3);
    for (const auto& s : signals) {
        if (s.name == name) return s.number;
    }
    // Real-time signals: RTMIN, RTMIN+N, RTMAX, RTMAX-N.
    auto realtime = [&](std::string_view base, int origin, int sign) -> int {
        if (name.substr(0, base.size()) != base) return 0;
        std::string_view rest = name.substr(base.size());
        if (rest.empty()) return origin;
        int offset = 0;
        if (rest[0] != (sign > 0 ? '+' : '-') || !parse_int(rest.substr(1), offset)) return 0;
        int value = origin + sign * offset;
        return value >= SIGRTMIN && value <= SIGRTMAX ? value : 0;
    };
    if (int s = realtime("RTMIN", SIGRTMIN, +1)) return s;
    if (int s = realtime("RTMAX", SIGRTMAX, -1)) return s;
    throw Error("unknown signal \"" + std::string(text) + "\"");
}

std::string signal_name(int signal) {
    for (const auto& s : signals) {
        if (s.number == signal) return "SIG" + std::string(s.name);
    }
    return std::to_string(signal);
}

}  // namespace rt
