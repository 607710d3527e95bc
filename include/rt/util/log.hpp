// Logging, as runc does it: with --log FILE, messages go to that file (opened
// O_APPEND), one line each, text or JSON ({"level","msg","time"}; containerd's
// shim and conmon parse the JSON form). Without --log they go to stderr.
// The final error of a command goes to the log file AND to stderr, once.
#pragma once

#include <string>
#include <string_view>

namespace rt::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

// Called once by main(). An empty path means "no log file". Throws rt::Error
// if the file cannot be opened.
void configure(const std::string& path, Format format, bool debug);

void debug(std::string_view message);
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
