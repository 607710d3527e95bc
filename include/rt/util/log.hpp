// Logging, as runc does it: with --log FILE, messages go to that file (opened
// O_APPEND), one line each, text or JSON ({"level","msg","time"}; containerd's
// shim and conmon parse the JSON form). Without --log they go to stderr:
// warnings as "rt: warning: ...", debug lines (--debug) in the log format,
// `time="..." level=debug msg="..."` or the JSON object, as runc prints them.
// The final error of a command goes to the log file AND to stderr, once.
#pragma once

#include <concepts>
#include <string>
#include <string_view>

namespace rt::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

// Called once by main(). An empty path means "no log file". Throws rt::Error
// if the file cannot be opened.
void configure(const std::string& path, Format format, bool debug);

namespace detail {
extern bool debug_enabled;
void emit_debug(const std::string& message);
inline void append(std::string& line, std::string_view text) { line += text; }
inline void append(std::string& line, char c) { line += c; }
template <std::integral Number>
void append(std::string& line, Number number) {
    line += std::to_string(number);
}
}  // namespace detail

// Whether --debug was given.
inline bool debugging() { return detail::debug_enabled; }

// One debug line made of `pieces` (strings and numbers), put together only
// with --debug: without it a call costs one test of a flag.
//   log::debug("create ", id, ": init ", pid, " cloned");
template <typename... Pieces>
void debug(const Pieces&... pieces) {
    if (!debugging()) return;
    std::string line;
    (detail::append(line, pieces), ...);
    detail::emit_debug(line);
}

void info(std::string_view message);
void warn(std::string_view message);

// The command's final error: written to the log file (if any) and to stderr.
void fatal(std::string_view message);

// The log file's fd (-1 when none), so a container's init can keep writing
// warnings to it until execve closes it (it is O_CLOEXEC).
int file_fd();

// RFC 3339 UTC time with nanoseconds, "2026-11-28T05:28:52.411402394Z".
std::string rfc3339_now();

}  // namespace rt::log
