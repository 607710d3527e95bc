// rt::Error: the one exception type of rt. A message that reads well on its own
// ("mount /proc: Operation not permitted"), the errno behind it (0 if none), and
// context prepended as the error travels outwards ("config.json: ...").
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace rt {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, int err = 0)
        : std::runtime_error(message), err_(err) {}

    // errno of the failing system call, 0 when the error is not from one.
    int err() const noexcept { return err_; }

    // A copy of this error with "context: " in front of its message.
    Error with_context(std::string_view context) const;

private:
    int err_;
};

// Throws Error("what: strerror(err)", err).
[[noreturn]] void throw_errno(int err, std::string_view what);
// Same with the current errno.
[[noreturn]] void throw_errno(std::string_view what);

// "what: strerror(err)", for messages built without throwing.
std::string errno_message(int err, std::string_view what);

}  // namespace rt
