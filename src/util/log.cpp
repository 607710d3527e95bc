#include "rt/util/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"
#include "rt/util/time.hpp"

namespace rt::log {
namespace {

struct Settings {
    unique_fd file;
    Format format = Format::text;
};

Settings& settings() {
    static Settings instance;
    return instance;
}

const char* level_name(Level level) {
    switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
    }
    return "error";
}

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // nowhere left to report a failing log write
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

std::string format_line(Level level, std::string_view message, Format format) {
    if (format == Format::json) {
        nlohmann::json line = {{"level", level_name(level)},
                               {"msg", std::string(message)},
                               {"time", rfc3339_now()}};
        return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    // logrus's text format, as runc writes it.
    nlohmann::json quoted = std::string(message);
    return "time=\"" + rfc3339_now() + "\" level=" + level_name(level) +
           " msg=" + quoted.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void emit(Level level, std::string_view message) {
    Settings& s = settings();
    if (s.file) {
        write_all(s.file.get(), format_line(level, message, s.format));
    } else if (level == Level::debug) {
        // As runc prints them on stderr, in the --log-format.
        write_all(STDERR_FILENO, format_line(level, message, s.format));
    } else {
        write_all(STDERR_FILENO, "rt: " + std::string(level == Level::warning ? "warning: " : "") +
                                     std::string(message) + "\n");
    }
}

}  // namespace

namespace detail {

bool debug_enabled = false;

void emit_debug(const std::string& message) { emit(Level::debug, message); }

}  // namespace detail

void configure(const std::string& path, Format format, bool debug) {
    Settings& s = settings();
    s.format = format;
    detail::debug_enabled = debug;
    if (path.empty()) return;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw_errno("open log file " + path);
    s.file.reset(fd);
}

void info(std::string_view message) { emit(Level::info, message); }
void warn(std::string_view message) { emit(Level::warning, message); }

void fatal(std::string_view message) {
    Settings& s = settings();
    if (s.file) write_all(s.file.get(), format_line(Level::error, message, s.format));
    write_all(STDERR_FILENO, "rt: " + std::string(message) + "\n");
}

int file_fd() { return settings().file.get(); }

std::string rfc3339_now() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    char fraction[16];
    snprintf(fraction, sizeof fraction, ".%09ldZ", now.tv_nsec);
    return utc_date_time(now.tv_sec) + fraction;
}

}  // namespace rt::log
