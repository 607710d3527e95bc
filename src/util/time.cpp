#include "rt/util/time.hpp"

#include <cstdint>
#include <cstdio>

namespace rt {

std::string utc_date_time(time_t seconds) {
    // Days since 1970-01-01 to a civil date (the proleptic Gregorian
    // calendar, as in Howard Hinnant's "chrono-Compatible Low-Level Date
    // Algorithms"). Not gmtime_r: glibc reads /etc/localtime the first time
    // it is called, even for UTC (5 system calls and 15 page faults of rt
    // create, the time written into state.json).
    int64_t days = seconds / 86400, rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = yoe + era * 400 + (month <= 2);
    char buf[64];
    snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", static_cast<long long>(year),
             static_cast<long long>(month), static_cast<long long>(day), static_cast<long long>(rest / 3600),
             static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
    return buf;
}

std::string rfc3339_nano(const timespec& time) {
    std::string text = utc_date_time(time.tv_sec);
    char buf[32];
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
