// Times as runc writes them: Go's time.RFC3339Nano in UTC, i.e. RFC 3339
// with the fraction of a second cut after its last non-zero digit (and no
// dot at all for a whole second): "2026-11-28T06:51:26.2362511Z".
#pragma once

#include <ctime>
#include <string>

namespace rt {

// "2026-11-28T06:51:26", UTC, without the time zone database.
std::string utc_date_time(time_t seconds);
std::string rfc3339_nano(const timespec& time);
std::string rfc3339_nano_now();

}  // namespace rt
