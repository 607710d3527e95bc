#include "rt/util/time.hpp"

#include <cstdio>

namespace rt {

std::string rfc3339_nano(const timespec& time) {
    tm utc{};
    gmtime_r(&time.tv_sec, &utc);
    char buf[64];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string text(buf, n);
    if (time.tv_nsec > 0) {
        snprintf(buf, sizeof buf, ".%09ld", time.tv_nsec);
        std::string fraction = buf;
        fraction.erase(fraction.find_last_not_of('0') + 1);
        text += fraction;
    }
    return text + "Z";
}

std::string rfc3339_nano_now() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return rfc3339_nano(now);
}

}  // namespace rt
