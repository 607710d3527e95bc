// D-Bus values: building them with their types, and reading them back with
// a clear error when the peer sent another type than expected.
#include <cstring>

#include "rt/dbus/message.hpp"
#include "rt/util/error.hpp"
#include "syntax.hpp"

namespace rt::dbus {
namespace {

[[noreturn]] void wrong_type(const std::string& got, const char* expected) {
    throw Error(std::string("D-Bus: expected ") + expected + ", got a value of type \"" + got + "\"");
}

}  // namespace

Value Value::number(char code, uint64_t bits) {
    Value value;
    value.type_ = std::string(1, code);
    value.number_ = bits;
    return value;
}

Value Value::byte(uint8_t v) { return number('y', v); }
Value Value::boolean(bool v) { return number('b', v ? 1 : 0); }
Value Value::int16(int16_t v) { return number('n', static_cast<uint64_t>(static_cast<int64_t>(v))); }
Value Value::uint16(uint16_t v) { return number('q', v); }
Value Value::int32(int32_t v) { return number('i', static_cast<uint64_t>(static_cast<int64_t>(v))); }
Value Value::uint32(uint32_t v) { return number('u', v); }
Value Value::int64(int64_t v) { return number('x', static_cast<uint64_t>(v)); }
Value Value::uint64(uint64_t v) { return number('t', v); }

Value Value::dbl(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return number('d', bits);
}

Value Value::string(std::string v) {
    if (!valid_string(v)) throw Error("D-Bus: a string must be UTF-8 without NUL bytes");
    Value value;
    value.type_ = "s";
    value.text_ = std::move(v);
    return value;
}

Value Value::object_path(std::string v) {
    if (!valid_object_path(v)) throw Error("D-Bus: not an object path: \"" + v + "\"");
    Value value;
    value.type_ = "o";
    value.text_ = std::move(v);
    return value;
}

Value Value::signature(std::string v) {
    if (!valid_signature(v)) throw Error("D-Bus: not a type signature: \"" + v + "\"");
    Value value;
    value.type_ = "g";
    value.text_ = std::move(v);
    return value;
}

Value Value::array(const std::string& element_type, std::vector<Value> items) {
    if (element_type.empty() || !single_complete_type("a" + element_type)) {
        throw Error("D-Bus: not one complete type for array elements: \"" + element_type + "\"");
    }
    if (element_type == "y") {
        std::string bytes;
        for (const auto& item : items) {
            if (item.type_ != "y") wrong_type(item.type_, "a byte in an array of bytes");
            bytes.push_back(static_cast<char>(item.number_));
        }
        return Value::bytes(std::move(bytes));
    }
    for (const auto& item : items) {
        if (item.type_ != element_type) {
            throw Error("D-Bus: an item of type \"" + item.type_ + "\" in an array of \"" + element_type + "\"");
        }
    }
    Value value;
    value.type_ = "a" + element_type;
    value.items_ = std::move(items);
    return value;
}

Value Value::bytes(std::string bytes) {
    Value value;
    value.type_ = "ay";
    value.text_ = std::move(bytes);
    return value;
}

Value Value::structure(std::vector<Value> fields) {
    if (fields.empty()) throw Error("D-Bus: a struct needs at least one field");
    Value value;
    value.type_ = "(";
    for (const auto& field : fields) value.type_ += field.type_;
    value.type_ += ")";
    if (!single_complete_type(value.type_)) throw Error("D-Bus: struct type too deep or too long: " + value.type_);
    value.items_ = std::move(fields);
    return value;
}

Value Value::dict_entry(Value key, Value value) {
    if (key.type_.size() != 1 || !is_basic_type(key.code())) {
        throw Error("D-Bus: a dict entry's key must be of a basic type, not \"" + key.type_ + "\"");
    }
    Value entry;
    entry.type_ = "{" + key.type_ + value.type_ + "}";
    entry.items_.push_back(std::move(key));
    entry.items_.push_back(std::move(value));
    return entry;
}

Value Value::variant(Value inner) {
    if (inner.type_.empty()) throw Error("D-Bus: a variant needs a value");
    Value value;
    value.type_ = "v";
    value.items_.push_back(std::move(inner));
    return value;
}

bool Value::as_bool() const {
    if (type_ != "b") wrong_type(type_, "a boolean");
    return number_ != 0;
}

uint64_t Value::as_uint() const {
    if (type_ != "y" && type_ != "q" && type_ != "u" && type_ != "t" && type_ != "h") {
        wrong_type(type_, "an unsigned integer");
    }
    return number_;
}

int64_t Value::as_int() const {
    if (type_ != "n" && type_ != "i" && type_ != "x") wrong_type(type_, "a signed integer");
    return static_cast<int64_t>(number_);
}

double Value::as_double() const {
    if (type_ != "d") wrong_type(type_, "a double");
    double v;
    std::memcpy(&v, &number_, sizeof v);
    return v;
}

const std::string& Value::as_string() const {
    if (type_ != "s" && type_ != "o" && type_ != "g" && type_ != "ay") wrong_type(type_, "a string");
    return text_;
}

const std::vector<Value>& Value::items() const {
    if (type_.empty() || type_ == "ay" || (type_[0] != 'a' && type_[0] != '(' && type_[0] != '{')) {
        wrong_type(type_, "an array, struct or dict entry");
    }
    return items_;
}

const Value& Value::inner() const {
    if (type_ != "v") wrong_type(type_, "a variant");
    return items_.front();
}

}  // namespace rt::dbus
