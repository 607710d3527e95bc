// The D-Bus wire format: values, messages, and their marshalling, as the
// D-Bus specification defines them ("Message Protocol"), for rt's own small
// client of systemd (src/cgroups/systemd). rt is one static binary and
// Debian ships libsystemd only as a shared library, so rt speaks D-Bus
// itself instead of linking sd-bus; it does so only with --systemd-cgroup.
//
// Every type of the specification is read and written but unix fds ('h'
// reads as the u32 index; rt never negotiates fd passing). What comes from
// the peer is checked as strictly as the specification allows: lengths and
// bounds, zero padding, booleans 0/1, UTF-8 strings without NUL, object
// path and signature syntax, nesting depth, the header fields each message
// type needs, and a body that ends exactly where its length says. rt also
// caps a message at max_message_size bytes and max_values values (the
// specification allows 128 MiB). Anything else is an rt::Error starting
// with "D-Bus: ".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt::dbus {

// rt's caps on what it reads (far above anything systemd sends it).
constexpr size_t max_message_size = 8u << 20;
constexpr size_t max_values = 100000;

// One value with its complete type ("u", "a(sv)", "v", ...).
class Value {
public:
    Value() = default;

    static Value byte(uint8_t v);
    static Value boolean(bool v);
    static Value int16(int16_t v);
    static Value uint16(uint16_t v);
    static Value int32(int32_t v);
    static Value uint32(uint32_t v);
    static Value int64(int64_t v);
    static Value uint64(uint64_t v);
    static Value dbl(double v);
    static Value string(std::string v);
    // Throw rt::Error when `v` is not a valid object path / signature.
    static Value object_path(std::string v);
    static Value signature(std::string v);
    // An array of `element_type` (one complete type); every item must have
    // that type. Arrays of bytes ("ay") keep their bytes as a string.
    static Value array(const std::string& element_type, std::vector<Value> items);
    static Value bytes(std::string bytes);
    static Value structure(std::vector<Value> fields);  // at least one field
    static Value dict_entry(Value key, Value value);    // key of a basic type
    static Value variant(Value inner);

    // The complete type of this value; empty for a default-constructed one.
    const std::string& type() const { return type_; }
    char code() const { return type_.empty() ? '\0' : type_[0]; }

    // Accessors: an rt::Error ("D-Bus: expected ..., got ...") when the
    // value is of another type.
    bool as_bool() const;
    uint64_t as_uint() const;  // y, q, u, t, h
    int64_t as_int() const;    // n, i, x
    double as_double() const;
    const std::string& as_string() const;  // s, o, g, and the bytes of "ay"
    // Items of an array (not "ay"), fields of a struct, key and value of a
    // dict entry.
    const std::vector<Value>& items() const;
    // What a variant holds.
    const Value& inner() const;

    bool operator==(const Value&) const = default;

private:
    static Value number(char code, uint64_t bits);

    std::string type_;
    uint64_t number_ = 0;      // integers and booleans (two's complement), double bits
    std::string text_;         // strings, paths, signatures, the bytes of "ay"
    std::vector<Value> items_;  // containers; a variant's one value
    friend class Reader;
};

// True for a valid signature: up to 255 bytes of complete types, arrays and
// structs nested at most 32 deep each, dict entries only as array elements
// with a basic key, no empty struct.
bool valid_signature(std::string_view signature);
// True for one complete type.
bool single_complete_type(std::string_view signature);
// "/" or "/a/b_c/D9".
bool valid_object_path(std::string_view path);

enum class MessageType : uint8_t { invalid = 0, method_call = 1, method_return = 2, error = 3, signal = 4 };

// Header flags.
constexpr uint8_t no_reply_expected = 0x1;
constexpr uint8_t no_auto_start = 0x2;

struct Message {
    MessageType type = MessageType::invalid;
    uint8_t flags = 0;
    uint32_t serial = 0;
    std::string path;         // object path ("" when absent)
    std::string interface;
    std::string member;
    std::string error_name;
    std::string destination;
    std::string sender;
    std::optional<uint32_t> reply_serial;
    std::vector<Value> body;  // its signature is the concatenation of the values' types

    std::string signature() const;

    static Message method_call(std::string destination, std::string path, std::string interface,
                               std::string member, std::vector<Value> body = {});
};

// The bytes of `message` (little-endian). Throws for a message missing a
// header field its type needs, or bigger than the specification allows.
std::string serialize(const Message& message);

// The size of the whole message that starts with `header` (at least its
// first 16 bytes), from its fixed header; throws when those bytes cannot
// start a message rt accepts.
size_t message_size(std::string_view header);

// Parses one whole message (exactly message_size() bytes).
Message parse_message(std::string_view bytes);

}  // namespace rt::dbus
