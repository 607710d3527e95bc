// rt's D-Bus marshalling: the bytes it writes (checked against the
// specification's layout by hand), what it reads back, and every way a
// message from the peer can be malformed being refused, never read past.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "rt/dbus/connection.hpp"
#include "rt/dbus/message.hpp"
#include "rt/util/error.hpp"

namespace rt::dbus {
namespace {

using ::testing::HasSubstr;

std::string bytes(std::initializer_list<int> list) {
    std::string out;
    for (int b : list) out.push_back(static_cast<char>(b));
    return out;
}

std::string hex_of(const std::string& data) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : data) {
        if (!out.empty()) out += ' ';
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// A signal whose body is `values`.
Message body_message(std::vector<Value> values) {
    Message m;
    m.type = MessageType::signal;
    m.serial = 1;
    m.path = "/";
    m.interface = "a.b";
    m.member = "C";
    m.body = std::move(values);
    return m;
}

// The body bytes a list of values marshals to (a signal carrying them; the
// body is the tail of the message, starting 8-aligned as in any message).
std::string body_bytes(std::vector<Value> values) {
    std::string all = serialize(body_message(std::move(values)));
    uint32_t length = static_cast<unsigned char>(all[4]) | static_cast<unsigned char>(all[5]) << 8;
    return all.substr(all.size() - length);
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// A message with a body of every kind, to parse, mutate and truncate.
Message rich_message() {
    Message m = Message::method_call(
        "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
        "StartTransientUnit",
        {Value::string("rt-c1.scope"), Value::string("replace"),
         Value::array("(sv)",
                      {Value::structure({Value::string("Delegate"), Value::variant(Value::boolean(true))}),
                       Value::structure({Value::string("PIDs"), Value::variant(Value::array("u", {Value::uint32(42)}))}),
                       Value::structure({Value::string("MemoryMax"), Value::variant(Value::uint64(1u << 25))}),
                       Value::structure({Value::string("AllowedCPUs"), Value::variant(Value::bytes("\x03"))}),
                       Value::structure({Value::string("DeviceAllow"),
                                         Value::variant(Value::array(
                                             "(ss)", {Value::structure({Value::string("/dev/char/1:3"),
                                                                        Value::string("rwm")})}))})}),
         Value::array("(sa(sv))", {})});
    m.serial = 7;
    return m;
}

TEST(DbusWire, AMethodCallHeaderIsLaidOutAsTheSpecificationSays) {
    Message m = Message::method_call("", "/", "", "M");
    m.serial = 1;
    EXPECT_EQ(hex_of(serialize(m)),
              hex_of(bytes({'l', 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0,  // fixed header, fields: 26 bytes
                            1, 1, 'o', 0, 1, 0, 0, 0, '/', 0, 0, 0, 0, 0, 0, 0,   // PATH "/", padded to 8
                            3, 1, 's', 0, 1, 0, 0, 0, 'M', 0, 0, 0, 0, 0, 0, 0})));  // MEMBER "M"; header padded to 8
}

TEST(DbusWire, BodyValuesAreAlignedFromTheStartOfTheMessage) {
    EXPECT_EQ(hex_of(body_bytes({Value::byte(1), Value::uint32(2)})), "01 00 00 00 02 00 00 00");
    EXPECT_EQ(hex_of(body_bytes({Value::byte(1), Value::uint64(2)})),
              "01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00");
    EXPECT_EQ(hex_of(body_bytes({Value::string("ab")})), "02 00 00 00 61 62 00");
    EXPECT_EQ(hex_of(body_bytes({Value::boolean(true), Value::int16(-2)})), "01 00 00 00 fe ff");
    EXPECT_EQ(hex_of(body_bytes({Value::signature("a(sv)")})), "05 61 28 73 76 29 00");
    // A variant: its signature, then the value at its own alignment.
    EXPECT_EQ(hex_of(body_bytes({Value::variant(Value::uint32(5))})), "01 75 00 00 05 00 00 00");
    // An array's length counts neither itself nor the padding to its first
    // element, which is there even when the array is empty.
    EXPECT_EQ(hex_of(body_bytes({Value::array("t", {Value::uint64(1)})})),
              "08 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00");
    EXPECT_EQ(hex_of(body_bytes({Value::array("t", {})})), "00 00 00 00 00 00 00 00");
    EXPECT_EQ(hex_of(body_bytes({Value::bytes("\x01\x02")})), "02 00 00 00 01 02");
    EXPECT_EQ(hex_of(body_bytes({Value::array("{sv}", {Value::dict_entry(Value::string("a"),
                                                                          Value::variant(Value::byte(9)))})})),
              "0a 00 00 00 00 00 00 00 01 00 00 00 61 00 01 79 00 09");
    EXPECT_EQ(hex_of(body_bytes({Value::dbl(1.0)})), "00 00 00 00 00 00 f0 3f");
}

TEST(DbusWire, WhatIsWrittenReadsBackTheSame) {
    Message m = rich_message();
    Message back = parse_message(serialize(m));
    EXPECT_EQ(back.type, MessageType::method_call);
    EXPECT_EQ(back.serial, 7u);
    EXPECT_EQ(back.destination, m.destination);
    EXPECT_EQ(back.path, m.path);
    EXPECT_EQ(back.interface, m.interface);
    EXPECT_EQ(back.member, m.member);
    EXPECT_EQ(back.signature(), "ssa(sv)a(sa(sv))");
    EXPECT_EQ(back.body, m.body);
    const Value& pids = back.body[2].items()[1].items()[1].inner();
    EXPECT_EQ(pids.items()[0].as_uint(), 42u);
    EXPECT_EQ(back.body[2].items()[3].items()[1].inner().as_string(), "\x03");

    Message reply;
    reply.type = MessageType::error;
    reply.serial = 3;
    reply.reply_serial = 7;
    reply.error_name = "org.freedesktop.systemd1.UnitExists";
    reply.body = {Value::string("Unit rt-c1.scope already exists."), Value::int64(-5), Value::dbl(-0.5),
                  Value::object_path("/a/b_1"), Value::int32(-7), Value::uint16(65535)};
    Message parsed = parse_message(serialize(reply));
    EXPECT_EQ(parsed.error_name, reply.error_name);
    EXPECT_EQ(*parsed.reply_serial, 7u);
    EXPECT_EQ(parsed.body, reply.body);
    EXPECT_EQ(parsed.body[1].as_int(), -5);
    EXPECT_EQ(parsed.body[2].as_double(), -0.5);
}

TEST(DbusWire, ABigEndianMessageIsRead) {
    std::string big = bytes({'B', 1, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 39,  // body 4 bytes, fields 39
                             1, 1, 'o', 0, 0, 0, 0, 1, '/', 0, 0, 0, 0, 0, 0, 0,
                             3, 1, 's', 0, 0, 0, 0, 1, 'M', 0, 0, 0, 0, 0, 0, 0,
                             8, 1, 'g', 0, 1, 'u', 0, 0,   // SIGNATURE "u", then padding to 8
                             0, 0, 1, 2});
    Message m = parse_message(big);
    EXPECT_EQ(m.path, "/");
    EXPECT_EQ(m.member, "M");
    EXPECT_EQ(m.serial, 1u);
    ASSERT_EQ(m.signature(), "u");
    EXPECT_EQ(m.body[0].as_uint(), 0x102u);
}

TEST(DbusWire, SignaturesAreCheckedAsTheSpecificationSays) {
    for (const char* good : {"", "s", "a{sv}", "a(sa(sv))", "ssa(sv)a(sa(sv))", "uoss", "aay", "a{oa{sa{sv}}}", "(i(ii))"}) {
        EXPECT_TRUE(valid_signature(good)) << good;
    }
    for (const char* bad : {"a", "(", ")", "()", "a{vs}", "{sv}", "a{s}", "a{svs}", "z", "a{sv", "(s", "ae"}) {
        EXPECT_FALSE(valid_signature(bad)) << bad;
    }
    EXPECT_TRUE(valid_signature(std::string(32, 'a') + "y"));
    EXPECT_FALSE(valid_signature(std::string(33, 'a') + "y"));  // arrays nested 33 deep
    EXPECT_TRUE(valid_signature(std::string(32, '(') + "y" + std::string(32, ')')));
    EXPECT_FALSE(valid_signature(std::string(33, '(') + "y" + std::string(33, ')')));
    EXPECT_TRUE(valid_signature(std::string(255, 'y')));
    EXPECT_FALSE(valid_signature(std::string(256, 'y')));
    EXPECT_TRUE(single_complete_type("a(sv)"));
    EXPECT_FALSE(single_complete_type("ss"));
    EXPECT_FALSE(single_complete_type(""));
}

TEST(DbusWire, ObjectPathsAndStringsAreChecked) {
    for (const char* good : {"/", "/a", "/org/freedesktop/systemd1/job/42", "/a_b/C9"}) {
        EXPECT_TRUE(valid_object_path(good)) << good;
    }
    for (const char* bad : {"", "a", "/a/", "//", "/a//b", "/a-b", "/a.b", "/ä"}) {
        EXPECT_FALSE(valid_object_path(bad)) << bad;
    }
    EXPECT_THAT(error_of([] { Value::object_path("/a/"); }), HasSubstr("not an object path"));
    EXPECT_THAT(error_of([] { Value::string(std::string("a\0b", 3)); }), HasSubstr("without NUL"));
    EXPECT_THAT(error_of([] { Value::string("\xc0\x80"); }), HasSubstr("UTF-8"));  // overlong NUL
    EXPECT_THAT(error_of([] { Value::string("\xed\xa0\x80"); }), HasSubstr("UTF-8"));  // a surrogate
    EXPECT_EQ(Value::string("grüße ✓").as_string(), "grüße ✓");
    EXPECT_THAT(error_of([] { Value::array("u", {Value::string("x")}); }), HasSubstr("in an array of \"u\""));
    EXPECT_THAT(error_of([] { Value::dict_entry(Value::variant(Value::byte(1)), Value::byte(2)); }),
                HasSubstr("basic type"));
    EXPECT_THAT(error_of([] { Value::structure({}); }), HasSubstr("at least one field"));
    EXPECT_THAT(error_of([] { Value::uint32(1).as_string(); }), HasSubstr("expected a string, got a value of type \"u\""));
}

// Parses `message` after `edit` changed its bytes; returns the error.
std::string parse_error(const Message& message, const std::function<void(std::string&)>& edit) {
    std::string data = serialize(message);
    edit(data);
    return error_of([&] { parse_message(data); });
}

void put_u32(std::string& data, size_t at, uint32_t value) {
    for (int i = 0; i < 4; ++i) data[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

TEST(DbusWire, MalformedMessagesAreRefused) {
    Message m = body_message({Value::boolean(true)});
    std::string data = serialize(m);
    size_t body = data.size() - 4;
    EXPECT_THAT(parse_error(m, [&](std::string& d) { d[body] = 2; }), HasSubstr("a boolean of 2"));
    EXPECT_THAT(parse_error(m, [](std::string& d) { d[0] = 'x'; }), HasSubstr("unknown byte order"));
    EXPECT_THAT(parse_error(m, [](std::string& d) { d[3] = 2; }), HasSubstr("protocol version 2"));
    EXPECT_THAT(parse_error(m, [](std::string& d) { d[8] = d[9] = d[10] = d[11] = 0; }), HasSubstr("serial 0"));
    EXPECT_THAT(parse_error(m, [](std::string& d) { d.pop_back(); }), HasSubstr("bytes for a message of"));

    Message s = body_message({Value::string("abc"), Value::uint32(1)});
    std::string sd = serialize(s);
    size_t sbody = sd.size() - 12;  // "03000000 61626300 01000000"
    EXPECT_THAT(parse_error(s, [&](std::string& d) { d[sbody + 7] = 'x'; }), HasSubstr("without its terminating NUL"));
    EXPECT_THAT(parse_error(s, [&](std::string& d) { d[sbody + 5] = 0; }), HasSubstr("not UTF-8 or holds a NUL"));
    EXPECT_THAT(parse_error(s, [&](std::string& d) { put_u32(d, sbody, 100); }), HasSubstr("runs past the end"));
    EXPECT_THAT(parse_error(s, [&](std::string& d) { put_u32(d, sbody, 0xffffffff); }), HasSubstr("runs past the end"));

    Message pad = body_message({Value::byte(1), Value::uint32(2)});
    std::string pd = serialize(pad);
    EXPECT_THAT(parse_error(pad, [&](std::string& d) { d[pd.size() - 6] = 1; }), HasSubstr("non-zero padding"));

    Message arr = body_message({Value::array("u", {Value::uint32(1), Value::uint32(2)})});
    std::string ad = serialize(arr);
    size_t abody = ad.size() - 12;
    EXPECT_THAT(parse_error(arr, [&](std::string& d) { put_u32(d, abody, 6); }), HasSubstr("past the array's length"));
    EXPECT_THAT(parse_error(arr, [&](std::string& d) { put_u32(d, abody, 1u << 27); }), HasSubstr("an array of"));
    EXPECT_THAT(parse_error(arr, [&](std::string& d) { put_u32(d, abody, 4); }),
                HasSubstr("longer than its signature says"));
}

TEST(DbusWire, HeaderFieldsAreChecked) {
    Message reply;
    reply.type = MessageType::method_return;
    reply.serial = 2;
    reply.reply_serial = 1;
    std::string data = serialize(reply);
    // REPLY_SERIAL (5) with a "u" variant, made to say "s".
    size_t at = data.find(std::string("\x05\x01u\0", 4));
    ASSERT_NE(at, std::string::npos);
    std::string wrong = data;
    wrong[at + 2] = 'i';
    EXPECT_THAT(error_of([&] { parse_message(wrong); }), HasSubstr("header field 5 of type \"i\", not \"u\""));
    // Without its reply serial, a reply means nothing: the field made unknown.
    std::string unknown = data;
    unknown[at] = 100;
    EXPECT_THAT(error_of([&] { parse_message(unknown); }), HasSubstr("a reply without reply serial"));
    // A message carrying unix fds.
    reply.body = {Value::uint32(0)};
    std::string fds = serialize(reply);
    size_t sig = fds.find(std::string("\x08\x01g\0", 4));
    ASSERT_NE(sig, std::string::npos);
    fds[sig] = 9;  // SIGNATURE -> UNIX_FDS ... of the wrong type: refused too
    EXPECT_THAT(error_of([&] { parse_message(fds); }), HasSubstr("header field 9"));
    // A body without a signature.
    std::string no_sig = serialize(reply);
    no_sig[sig] = 100;
    EXPECT_THAT(error_of([&] { parse_message(no_sig); }), HasSubstr("a body without a signature"));
}

TEST(DbusWire, DeepNestingAndTooManyValuesAreRefused) {
    Value v = Value::byte(1);
    for (int i = 0; i < 70; ++i) v = Value::variant(v);
    Message deep = body_message({v});
    EXPECT_THAT(error_of([&] { parse_message(serialize(deep)); }), HasSubstr("nested more than 64 deep"));

    std::vector<Value> many(max_values, Value::uint32(1));
    Message big = body_message({Value::array("u", many)});
    EXPECT_THAT(error_of([&] { parse_message(serialize(big)); }), HasSubstr("more than 100000 values"));
    // Bytes are one value, however many.
    Message blob = body_message({Value::bytes(std::string(max_values * 2, 'x'))});
    EXPECT_EQ(parse_message(serialize(blob)).body[0].as_string().size(), max_values * 2);

    std::string header = serialize(blob).substr(0, 16);
    put_u32(header, 4, static_cast<uint32_t>(max_message_size));
    EXPECT_THAT(error_of([&] { message_size(header); }), HasSubstr("more than rt accepts"));
}

TEST(DbusWire, EveryTruncationAndEveryByteFlipIsAnErrorOrAMessage) {
    std::string data = serialize(rich_message());
    for (size_t n = 0; n < data.size(); ++n) {
        std::string cut = data.substr(0, n);
        EXPECT_FALSE(error_of([&] { parse_message(cut); }).empty()) << n;
    }
    for (size_t i = 0; i < data.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string flipped = data;
            flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
            // No crash, no read past the end (ASan): an Error or a message.
            try {
                size_t size = message_size(flipped);
                if (size == flipped.size()) parse_message(flipped);
            } catch (const Error&) {
            }
        }
    }
}

TEST(DbusAddress, UnixSocketsOfAnAddressList) {
    auto one = parse_address("unix:path=/run/dbus/system_bus_socket");
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].path, "/run/dbus/system_bus_socket");
    EXPECT_FALSE(one[0].abstract);
    auto list = parse_address("tcp:host=x,port=1;unix:abstract=/tmp/dbus-x,guid=12;unix:path=/a%20b;unix:tmpdir=/tmp");
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].path, "/tmp/dbus-x");
    EXPECT_TRUE(list[0].abstract);
    EXPECT_EQ(list[1].path, "/a b");
    EXPECT_THAT(error_of([] { parse_address("nonsense"); }), HasSubstr("no transport"));
    EXPECT_THAT(error_of([] { parse_address("unix:path"); }), HasSubstr("\"path\""));
    EXPECT_THAT(error_of([] { parse_address("unix:path=/a%2"); }), HasSubstr("%-escape"));
}

}  // namespace
}  // namespace rt::dbus
