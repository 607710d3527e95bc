// SHA-256 (FIPS 180-4), for content keys that a hostile input must not be
// able to collide with (the seccomp cache keys a filter by its profile).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rt {

using Sha256Digest = std::array<uint8_t, 32>;

// True when the CPU has SHA instructions, which Sha256 then uses.
bool sha256_has_hardware();

class Sha256 {
public:
    // `hardware`: false forces the portable code (for tests).
    explicit Sha256(bool hardware = true);
    Sha256& update(const void* data, size_t size);
    Sha256& update(std::string_view text) { return update(text.data(), text.size()); }
    // The digest; the object is spent afterwards.
    Sha256Digest finish();

private:
    void block(const uint8_t* data);

    uint32_t state_[8];
    uint8_t buffer_[64];
    size_t buffered_ = 0;
    uint64_t length_ = 0;  // bytes so far
    bool hardware_;
};

Sha256Digest sha256(std::string_view data);
// Lower-case hex, 64 characters.
std::string to_hex(const Sha256Digest& digest);

}  // namespace rt
