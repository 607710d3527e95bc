#include "rt/util/error.hpp"

#include <cerrno>
#include <cstring>

namespace rt {

Error Error::with_context(std::string_view context) const {
    std::string message(context);
    message += ": ";
    message += what();
    return Error(message, err_);
}

std::string errno_message(int err, std::string_view what) {
    std::string message(what);
    message += ": ";
    message += std::strerror(err);
    return message;
}

void throw_errno(int err, std::string_view what) {
    throw Error(errno_message(err, what), err);
}

void throw_errno(std::string_view what) {
    throw_errno(errno, what);
}

}  // namespace rt
