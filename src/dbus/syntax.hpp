// Syntax helpers the marshalling code shares (internal to src/dbus).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rt::dbus {

// The length of the one complete type starting at signature[pos]; 0 when
// there is none.
size_t complete_type_length(std::string_view signature, size_t pos);
bool is_basic_type(char code);
// The alignment of a value of the type starting with `code`.
size_t alignment_of(char code);

}  // namespace rt::dbus

namespace rt::dbus {

// Well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF)
// without a NUL byte: what a D-Bus string may hold.
bool valid_string(std::string_view text);

}  // namespace rt::dbus
