// The D-Bus marshalling format ("Message Protocol" of the specification):
// values aligned to their natural boundary from the start of the message,
// a fixed 12-byte header, the header fields as an array of (byte, variant),
// padding to 8, then the body. rt writes little-endian and reads both.
#include <cstring>
#include <map>

#include "rt/dbus/message.hpp"
#include "rt/util/error.hpp"
#include "syntax.hpp"

namespace rt::dbus {
namespace {

// The specification's limits.
constexpr uint32_t spec_max_array = 1u << 26;
constexpr uint64_t spec_max_message = 1u << 27;
constexpr int max_depth = 64;  // arrays, structs and variants, all together

enum Field : uint8_t {
    field_path = 1,
    field_interface = 2,
    field_member = 3,
    field_error_name = 4,
    field_reply_serial = 5,
    field_destination = 6,
    field_sender = 7,
    field_signature = 8,
    field_unix_fds = 9,
};

[[noreturn]] void bad(const std::string& what) {
    throw Error("D-Bus: malformed message: " + what);
}

// ---- writing -------------------------------------------------------------

class Writer {
public:
    explicit Writer(std::string& out) : out_(out) {}

    void align(size_t n) {
        while (out_.size() % n != 0) out_.push_back('\0');
    }
    void put(uint64_t value, size_t bytes) {
        align(bytes);
        for (size_t i = 0; i < bytes; ++i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    }
    void put_text(const std::string& text, size_t length_bytes) {
        put(text.size(), length_bytes);
        out_ += text;
        out_.push_back('\0');
    }

    void write(const Value& v) {
        switch (v.code()) {
        case 'y': put(v.as_uint(), 1); break;
        case 'b': put(v.as_bool() ? 1 : 0, 4); break;
        case 'n': put(static_cast<uint64_t>(v.as_int()), 2); break;
        case 'q': put(v.as_uint(), 2); break;
        case 'i': put(static_cast<uint64_t>(v.as_int()), 4); break;
        case 'u': case 'h': put(v.as_uint(), 4); break;
        case 'x': put(static_cast<uint64_t>(v.as_int()), 8); break;
        case 't': put(v.as_uint(), 8); break;
        case 'd': {
            double d = v.as_double();
            uint64_t bits;
            static_assert(sizeof bits == sizeof d);
            std::memcpy(&bits, &d, sizeof bits);
            put(bits, 8);
            break;
        }
        case 's': case 'o': put_text(v.as_string(), 4); break;
        case 'g': put_text(v.as_string(), 1); break;
        case 'v':
            put_text(v.inner().type(), 1);
            write(v.inner());
            break;
        case 'a': write_array(v); break;
        case '(': case '{':
            align(8);
            for (const auto& item : v.items()) write(item);
            break;
        default: throw Error("D-Bus: cannot write an empty value");
        }
    }

private:
    void write_array(const Value& v) {
        align(4);
        size_t length_at = out_.size();
        put(0, 4);
        align(alignment_of(v.type()[1]));
        size_t start = out_.size();
        if (v.type() == "ay") {
            out_ += v.as_string();
        } else {
            for (const auto& item : v.items()) write(item);
        }
        size_t length = out_.size() - start;
        if (length > spec_max_array) throw Error("D-Bus: an array of " + std::to_string(length) + " bytes is too long");
        for (size_t i = 0; i < 4; ++i) out_[length_at + i] = static_cast<char>((length >> (8 * i)) & 0xff);
    }

    std::string& out_;
};

}  // namespace

// ---- reading ---------------------------------------------------------------

// (Not in the anonymous namespace: Value lets it build values directly.)
class Reader {
public:
    Reader(std::string_view data, bool little) : data_(data), little_(little) {}

    size_t pos() const { return pos_; }

    void align(size_t n) {
        size_t target = (pos_ + n - 1) / n * n;
        need(target - pos_, "padding");
        for (; pos_ < target; ++pos_) {
            if (data_[pos_] != '\0') bad("non-zero padding at byte " + std::to_string(pos_));
        }
    }

    uint64_t get(size_t bytes) {
        align(bytes);
        need(bytes, "a number");
        uint64_t value = 0;
        for (size_t i = 0; i < bytes; ++i) {
            uint64_t byte = static_cast<unsigned char>(data_[pos_ + i]);
            value |= little_ ? byte << (8 * i) : byte << (8 * (bytes - 1 - i));
        }
        pos_ += bytes;
        return value;
    }

    // One value of the complete type at signature[at]; `at` moves past it.
    Value read(std::string_view signature, size_t& at, int depth) {
        if (depth > max_depth) bad("values nested more than " + std::to_string(max_depth) + " deep");
        if (++values_ > max_values) bad("more than " + std::to_string(max_values) + " values");
        size_t length = complete_type_length(signature, at);
        if (length == 0) bad("bad signature \"" + std::string(signature) + "\"");
        char code = signature[at];
        std::string type(signature.substr(at, length));
        at += length;
        switch (code) {
        case 'y': return Value::number('y', get(1));
        case 'b': {
            uint64_t v = get(4);
            if (v > 1) bad("a boolean of " + std::to_string(v));
            return Value::number('b', v);
        }
        case 'n': return Value::number('n', static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(get(2)))));
        case 'q': return Value::number('q', get(2));
        case 'i': return Value::number('i', static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(get(4)))));
        case 'u': case 'h': return Value::number(code, get(4));
        case 'x': case 't': case 'd': return Value::number(code, get(8));
        case 's': case 'o': case 'g': return read_text(code);
        case 'v': {
            Value inner_type = read_text('g');
            const std::string& inner_signature = inner_type.text_;
            if (!single_complete_type(inner_signature)) {
                bad("a variant of \"" + inner_signature + "\", not one complete type");
            }
            size_t inner_at = 0;
            Value value;
            value.type_ = "v";
            value.items_.push_back(read(inner_signature, inner_at, depth + 1));
            return value;
        }
        case 'a': return read_array(type, depth);
        case '(': case '{': {
            align(8);
            Value value;
            value.type_ = type;
            size_t inner_at = 1;
            while (inner_at < type.size() - 1) value.items_.push_back(read(type, inner_at, depth + 1));
            return value;
        }
        default: bad("unknown type code '" + std::string(1, code) + "'");
        }
    }

private:
    void need(size_t bytes, const char* what) {
        if (bytes > data_.size() - pos_) {
            bad(std::string(what) + " runs past the end (" + std::to_string(bytes) + " bytes needed at byte " +
                std::to_string(pos_) + " of " + std::to_string(data_.size()) + ")");
        }
    }

    Value read_text(char code) {
        uint64_t length = code == 'g' ? get(1) : get(4);
        if (pos_ == data_.size() || length > data_.size() - pos_ - 1) {
            bad("a string of " + std::to_string(length) + " bytes runs past the end");
        }
        std::string_view text = data_.substr(pos_, length);
        if (data_[pos_ + length] != '\0') bad("a string without its terminating NUL");
        pos_ += length + 1;
        Value value;
        value.type_ = std::string(1, code);
        value.text_ = std::string(text);
        if (code == 's' && !valid_string(text)) bad("a string that is not UTF-8 or holds a NUL");
        if (code == 'o' && !valid_object_path(text)) bad("an invalid object path \"" + value.text_ + "\"");
        if (code == 'g' && !valid_signature(text)) bad("an invalid signature \"" + value.text_ + "\"");
        return value;
    }

    Value read_array(const std::string& type, int depth) {
        uint64_t length = get(4);
        if (length > spec_max_array) bad("an array of " + std::to_string(length) + " bytes");
        align(alignment_of(type[1]));
        need(length, "an array");
        size_t end = pos_ + length;
        Value value;
        value.type_ = type;
        if (type == "ay") {
            value.text_ = std::string(data_.substr(pos_, length));
            pos_ = end;
            return value;
        }
        std::string_view element(type);
        element.remove_prefix(1);
        while (pos_ < end) {
            size_t at = 0;
            value.items_.push_back(read(element, at, depth + 1));
        }
        if (pos_ != end) bad("an array element runs past the array's length");
        return value;
    }

    std::string_view data_;
    size_t pos_ = 0;
    bool little_;
    size_t values_ = 0;
};

namespace {

// The value a header field must hold.
const char* field_type(uint8_t code) {
    switch (code) {
    case field_path: return "o";
    case field_interface: case field_member: case field_error_name: case field_destination: case field_sender:
        return "s";
    case field_reply_serial: case field_unix_fds: return "u";
    case field_signature: return "g";
    default: return nullptr;  // unknown: ignored, as the specification says
    }
}

}  // namespace

std::string Message::signature() const {
    std::string signature;
    for (const auto& value : body) signature += value.type();
    return signature;
}

Message Message::method_call(std::string destination, std::string path, std::string interface, std::string member,
                             std::vector<Value> body) {
    Message message;
    message.type = MessageType::method_call;
    message.destination = std::move(destination);
    message.path = std::move(path);
    message.interface = std::move(interface);
    message.member = std::move(member);
    message.body = std::move(body);
    return message;
}

std::string serialize(const Message& m) {
    bool call = m.type == MessageType::method_call, signal = m.type == MessageType::signal;
    bool reply = m.type == MessageType::method_return, error = m.type == MessageType::error;
    if (!call && !signal && !reply && !error) throw Error("D-Bus: cannot send a message of no type");
    if ((call || signal) && (m.path.empty() || m.member.empty())) throw Error("D-Bus: a call or signal needs a path and a member");
    if (signal && m.interface.empty()) throw Error("D-Bus: a signal needs an interface");
    if (error && m.error_name.empty()) throw Error("D-Bus: an error needs a name");
    if ((reply || error) && !m.reply_serial) throw Error("D-Bus: a reply needs the serial it answers");
    if (m.serial == 0) throw Error("D-Bus: a message needs a serial");

    std::string body;
    Writer body_writer(body);
    for (const auto& value : m.body) body_writer.write(value);
    std::string signature = m.signature();
    if (signature.size() > 255) throw Error("D-Bus: a body signature longer than 255 bytes");

    std::vector<Value> fields;
    auto field = [&](Field code, Value value) {
        fields.push_back(Value::structure({Value::byte(code), Value::variant(std::move(value))}));
    };
    if (!m.path.empty()) field(field_path, Value::object_path(m.path));
    if (!m.interface.empty()) field(field_interface, Value::string(m.interface));
    if (!m.member.empty()) field(field_member, Value::string(m.member));
    if (!m.error_name.empty()) field(field_error_name, Value::string(m.error_name));
    if (m.reply_serial) field(field_reply_serial, Value::uint32(*m.reply_serial));
    if (!m.destination.empty()) field(field_destination, Value::string(m.destination));
    if (!m.sender.empty()) field(field_sender, Value::string(m.sender));
    if (!signature.empty()) field(field_signature, Value::signature(signature));

    std::string out;
    Writer header(out);
    header.put('l', 1);
    header.put(static_cast<uint8_t>(m.type), 1);
    header.put(m.flags, 1);
    header.put(1, 1);  // protocol version
    header.put(body.size(), 4);
    header.put(m.serial, 4);
    header.write(Value::array("(yv)", std::move(fields)));
    header.align(8);
    if (out.size() + body.size() > spec_max_message) throw Error("D-Bus: message too big");
    out += body;
    return out;
}

size_t message_size(std::string_view header) {
    if (header.size() < 16) bad("fewer than 16 bytes of header");
    char endian = header[0];
    if (endian != 'l' && endian != 'B') bad("unknown byte order '" + std::string(1, endian) + "'");
    if (header[3] != 1) bad("protocol version " + std::to_string(static_cast<unsigned char>(header[3])));
    Reader reader(header.substr(0, 16), endian == 'l');
    reader.get(4);
    uint64_t body_length = reader.get(4);
    reader.get(4);  // serial
    uint64_t fields_length = reader.get(4);
    if (fields_length > spec_max_array) bad("header fields of " + std::to_string(fields_length) + " bytes");
    uint64_t total = (16 + fields_length + 7) / 8 * 8 + body_length;
    if (total > max_message_size) {
        throw Error("D-Bus: a message of " + std::to_string(total) + " bytes, more than rt accepts (" +
                    std::to_string(max_message_size) + ")");
    }
    return static_cast<size_t>(total);
}

Message parse_message(std::string_view bytes) {
    size_t size = message_size(bytes);
    if (bytes.size() != size) {
        bad(std::to_string(bytes.size()) + " bytes for a message of " + std::to_string(size));
    }
    Reader reader(bytes, bytes[0] == 'l');
    Message m;
    reader.get(1);
    uint64_t type = reader.get(1);
    m.type = type >= 1 && type <= 4 ? static_cast<MessageType>(type) : MessageType::invalid;
    m.flags = static_cast<uint8_t>(reader.get(1));
    reader.get(1);
    uint64_t body_length = reader.get(4);
    m.serial = static_cast<uint32_t>(reader.get(4));
    if (m.serial == 0) bad("serial 0");

    size_t at = 0;
    Value fields = reader.read("a(yv)", at, 0);
    std::map<uint8_t, Value> seen;
    for (const auto& field : fields.items()) {
        auto code = static_cast<uint8_t>(field.items()[0].as_uint());
        const Value& value = field.items()[1].inner();
        const char* want = field_type(code);
        if (!want) continue;
        if (value.type() != want) {
            bad("header field " + std::to_string(code) + " of type \"" + value.type() + "\", not \"" + want + "\"");
        }
        if (!seen.emplace(code, value).second) bad("header field " + std::to_string(code) + " twice");
    }
    reader.align(8);
    if (bytes.size() - reader.pos() != body_length) bad("the body is not where the header says");

    auto text = [&](Field code) { return seen.count(code) ? seen.at(code).as_string() : std::string(); };
    m.path = text(field_path);
    m.interface = text(field_interface);
    m.member = text(field_member);
    m.error_name = text(field_error_name);
    m.destination = text(field_destination);
    m.sender = text(field_sender);
    if (seen.count(field_reply_serial)) m.reply_serial = static_cast<uint32_t>(seen.at(field_reply_serial).as_uint());
    if (seen.count(field_unix_fds) && seen.at(field_unix_fds).as_uint() != 0) {
        bad("unix fds attached, which rt never accepts");
    }
    switch (m.type) {
    case MessageType::method_call:
        if (m.path.empty() || m.member.empty()) bad("a method call without path or member");
        break;
    case MessageType::signal:
        if (m.path.empty() || m.interface.empty() || m.member.empty()) bad("a signal without path, interface or member");
        break;
    case MessageType::error:
        if (m.error_name.empty() || !m.reply_serial) bad("an error without name or reply serial");
        break;
    case MessageType::method_return:
        if (!m.reply_serial) bad("a reply without reply serial");
        break;
    case MessageType::invalid: break;
    }

    std::string signature = text(field_signature);
    if (signature.empty() && body_length != 0) bad("a body without a signature");
    size_t sig_at = 0;
    while (sig_at < signature.size()) m.body.push_back(reader.read(signature, sig_at, 0));
    if (reader.pos() != bytes.size()) bad("the body is longer than its signature says");
    return m;
}

}  // namespace rt::dbus
