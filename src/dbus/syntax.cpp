// D-Bus type signatures, object paths and strings: what is valid.
#include "rt/dbus/message.hpp"
#include "syntax.hpp"

namespace rt::dbus {
namespace {

constexpr int max_array_depth = 32;
constexpr int max_struct_depth = 32;

bool is_basic(char c) {
    switch (c) {
    case 'y': case 'b': case 'n': case 'q': case 'i': case 'u': case 'x': case 't': case 'd':
    case 's': case 'o': case 'g': case 'h':
        return true;
    default:
        return false;
    }
}

// Checks the complete type starting at sig[pos]; moves pos past it.
bool complete_type(std::string_view sig, size_t& pos, int arrays, int structs) {
    if (pos >= sig.size()) return false;
    char c = sig[pos++];
    if (is_basic(c) || c == 'v') return true;
    if (c == 'a') {
        if (arrays + 1 > max_array_depth || pos >= sig.size()) return false;
        if (sig[pos] == '{') {
            ++pos;
            if (structs + 1 > max_struct_depth || pos >= sig.size() || !is_basic(sig[pos])) return false;
            ++pos;
            if (!complete_type(sig, pos, arrays + 1, structs + 1)) return false;
            return pos < sig.size() && sig[pos++] == '}';
        }
        return complete_type(sig, pos, arrays + 1, structs);
    }
    if (c == '(') {
        if (structs + 1 > max_struct_depth) return false;
        int fields = 0;
        while (pos < sig.size() && sig[pos] != ')') {
            if (!complete_type(sig, pos, arrays, structs + 1)) return false;
            ++fields;
        }
        if (pos >= sig.size() || fields == 0) return false;
        ++pos;  // ')'
        return true;
    }
    return false;  // '{' outside an array, ')', '}', unknown codes
}

}  // namespace

bool valid_signature(std::string_view signature) {
    if (signature.size() > 255) return false;
    size_t pos = 0;
    while (pos < signature.size()) {
        if (!complete_type(signature, pos, 0, 0)) return false;
    }
    return true;
}

bool single_complete_type(std::string_view signature) {
    if (signature.size() > 255) return false;
    size_t pos = 0;
    return complete_type(signature, pos, 0, 0) && pos == signature.size();
}

size_t complete_type_length(std::string_view signature, size_t pos) {
    size_t end = pos;
    if (!complete_type(signature, end, 0, 0)) return 0;
    return end - pos;
}

bool is_basic_type(char code) {
    return is_basic(code);
}

size_t alignment_of(char code) {
    switch (code) {
    case 'y': case 'g': case 'v': return 1;
    case 'n': case 'q': return 2;
    case 'b': case 'i': case 'u': case 's': case 'o': case 'a': case 'h': return 4;
    case 'x': case 't': case 'd': case '(': case '{': return 8;
    default: return 1;
    }
}

bool valid_object_path(std::string_view path) {
    if (path.empty() || path[0] != '/') return false;
    if (path.size() == 1) return true;
    if (path.back() == '/') return false;
    bool previous_slash = true;
    for (size_t i = 1; i < path.size(); ++i) {
        char c = path[i];
        if (c == '/') {
            if (previous_slash) return false;  // "//"
            previous_slash = true;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
            previous_slash = false;
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace rt::dbus

namespace rt::dbus {

bool valid_string(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (byte == 0) return false;
        if (byte < 0x80) {
            ++i;
            continue;
        }
        size_t extra;
        uint32_t code;
        uint32_t minimum;
        if ((byte & 0xe0) == 0xc0) {
            extra = 1, code = byte & 0x1f, minimum = 0x80;
        } else if ((byte & 0xf0) == 0xe0) {
            extra = 2, code = byte & 0x0f, minimum = 0x800;
        } else if ((byte & 0xf8) == 0xf0) {
            extra = 3, code = byte & 0x07, minimum = 0x10000;
        } else {
            return false;
        }
        if (text.size() - i <= extra) return false;
        for (size_t k = 1; k <= extra; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) return false;
            code = (code << 6) | (next & 0x3f);
        }
        if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace rt::dbus
