// state.json: rt's own record of a container (not the OCI state, which
// container/oci_state.cpp prints). Written with nlohmann::json; read with a
// reader of its own, because `rt list` reads one per container: nlohmann's
// parser took 85,000-100,000 instructions for a 600-byte state (callgrind,
// 1,000 containers: 100M of list's 155M), this one a few thousand.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>

#include "rt/state/store.hpp"

namespace rt::state {
namespace {

// Strict JSON (RFC 8259) for one object of known keys: strings (escapes and
// UTF-8 checked, as nlohmann checks them), integers, string maps; any other
// member is skipped whatever its value. Duplicate keys: the last wins.
class StateReader {
public:
    explicit StateReader(std::string_view text) : text_(text) {}

    ContainerState read(bool cgroup_paths) {
        ContainerState s;
        bool id = false, bundle = false, rootfs = false, pid = false, start = false, created = false;
        object([&](std::string_view key) {
            if (key == "id") {
                s.id = text(), id = true;
            } else if (key == "bundle") {
                s.bundle = text(), bundle = true;
            } else if (key == "rootfs") {
                s.rootfs = text(), rootfs = true;
            } else if (key == "pid") {
                s.pid = static_cast<pid_t>(integer(std::numeric_limits<pid_t>::min(), std::numeric_limits<pid_t>::max()));
                pid = true;
            } else if (key == "startTime") {
                s.start_time = unsigned_integer(), start = true;
            } else if (key == "created") {
                s.created = text(), created = true;
            } else if (key == "owner") {
                s.owner = text();
            } else if (key == "annotations") {
                s.annotations = string_map();
            } else if (key == "cgroupPaths") {
                if (cgroup_paths) {
                    s.cgroup_paths = string_map();
                } else {
                    skip_container();
                }
            } else if (key == "cgroupDriver") {
                s.cgroup_driver = text();
            } else {
                skip_value(0);
            }
        });
        space();
        if (at_ < text_.size()) fail("text after the object");
        if (!id) missing("id");
        if (!bundle) missing("bundle");
        if (!rootfs) missing("rootfs");
        if (!pid) missing("pid");
        if (!start) missing("startTime");
        if (!created) missing("created");
        return s;
    }

private:
    static constexpr int kMaxDepth = 64;

    [[noreturn]] void fail(const std::string& what) const {
        throw Error("corrupt state: " + what + " at byte " + std::to_string(at_));
    }
    [[noreturn]] static void missing(const char* key) {
        throw Error(std::string("corrupt state: no \"") + key + "\"");
    }

    void space() {
        while (at_ < text_.size() &&
               (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
            ++at_;
        }
    }
    char next() {
        space();
        if (at_ >= text_.size()) fail("unexpected end");
        return text_[at_];
    }
    void expect(char c) {
        if (next() != c) fail(std::string("expected '") + c + "'");
        ++at_;
    }
    bool take(char c) {
        if (next() != c) return false;
        ++at_;
        return true;
    }

    template <typename Member>
    void object(Member member) {
        expect('{');
        if (take('}')) return;
        do {
            // A key of its own: the member may read strings (scratch_) too.
            std::string_view view = text();
            std::string decoded;
            if (view.data() == scratch_.data()) view = decoded = scratch_;
            expect(':');
            member(view);
        } while (take(','));
        expect('}');
    }

    std::map<std::string, std::string> string_map() {
        std::map<std::string, std::string> out;
        object([&](std::string_view key) { out.insert_or_assign(std::string(key), std::string(text())); });
        return out;
    }

    // The next string, without a copy where it can: a view of the file's
    // own bytes when it is plain ASCII without escapes (nearly always), else
    // of scratch_, decoded by string(). Valid until the next call.
    std::string_view text() {
        expect('"');
        const size_t start = at_;
        while (at_ < text_.size() && plain(text_[at_])) ++at_;
        if (at_ < text_.size() && text_[at_] == '"') {
            ++at_;
            return text_.substr(start, at_ - 1 - start);
        }
        at_ = start - 1;  // back to the opening quote
        scratch_ = string();
        return scratch_;
    }

    unsigned hex_digit() {
        if (at_ >= text_.size()) fail("unexpected end");
        char c = text_[at_++];
        if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
        fail("bad \\u escape");
    }
    unsigned hex4() {
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) v = v << 4 | hex_digit();
        return v;
    }
    static void put_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | cp >> 6);
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | cp >> 12);
            out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | cp >> 18);
            out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
            out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    // One UTF-8 sequence starting at at_ (its first byte >= 0x80), checked
    // as RFC 3629 says (no overlong forms, no surrogates, <= U+10FFFF).
    void utf8(std::string& out) {
        const auto byte = [&](size_t i) { return static_cast<unsigned char>(text_[i]); };
        const unsigned char b0 = byte(at_);
        size_t length;
        unsigned char low = 0x80, high = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            length = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            length = 3;
            if (b0 == 0xe0) low = 0xa0;
            if (b0 == 0xed) high = 0x9f;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            length = 4;
            if (b0 == 0xf0) low = 0x90;
            if (b0 == 0xf4) high = 0x8f;
        } else {
            fail("invalid UTF-8");
        }
        if (at_ + length > text_.size()) fail("invalid UTF-8");
        for (size_t i = 1; i < length; ++i) {
            const unsigned char b = byte(at_ + i);
            if (b < (i == 1 ? low : 0x80) || b > (i == 1 ? high : 0xbf)) fail("invalid UTF-8");
        }
        out.append(text_.substr(at_, length));
        at_ += length;
    }

    static bool plain(char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
    }

    std::string string() {
        expect('"');
        std::string out;
        for (;;) {
            // Runs of plain ASCII in one append: a byte at a time was most of
            // the reader's time.
            const size_t run = at_;
            while (at_ < text_.size() && plain(text_[at_])) ++at_;
            out.append(text_.substr(run, at_ - run));
            if (at_ >= text_.size()) fail("unterminated string");
            const char c = text_[at_];
            if (c == '"') {
                ++at_;
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (static_cast<unsigned char>(c) >= 0x80) {
                utf8(out);
                continue;
            }
            ++at_;  // a backslash
            if (at_ >= text_.size()) fail("unterminated string");
            switch (text_[at_++]) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xdc00 && cp <= 0xdfff) fail("lone surrogate");
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (at_ + 2 > text_.size() || text_[at_] != '\\' || text_[at_ + 1] != 'u') fail("lone surrogate");
                    at_ += 2;
                    const unsigned low = hex4();
                    if (low < 0xdc00 || low > 0xdfff) fail("lone surrogate");
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                }
                put_utf8(out, cp);
                break;
            }
            default: fail("bad escape");
            }
        }
    }

    // Digits of an integer (no fraction, no exponent: rt writes none).
    uint64_t digits() {
        space();
        const size_t start = at_;
        uint64_t v = 0;
        while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
            const unsigned d = static_cast<unsigned>(text_[at_] - '0');
            if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) fail("number out of range");
            v = v * 10 + d;
            ++at_;
        }
        if (at_ == start) fail("expected a number");
        if (text_[start] == '0' && at_ - start > 1) fail("leading zero");
        if (at_ < text_.size() && (text_[at_] == '.' || text_[at_] == 'e' || text_[at_] == 'E')) {
            fail("expected an integer");
        }
        return v;
    }
    uint64_t unsigned_integer() {
        if (next() == '-') fail("expected an unsigned integer");
        return digits();
    }
    // Within [min, max], min > INT64_MIN.
    int64_t integer(int64_t min, int64_t max) {
        const bool negative = take('-');
        const uint64_t v = digits();
        if (negative ? v > static_cast<uint64_t>(-min) : v > static_cast<uint64_t>(max)) fail("number out of range");
        return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    }

    void literal(std::string_view word) {
        if (text_.substr(at_, word.size()) != word) fail("bad literal");
        at_ += word.size();
    }
    void skip_value(int depth) {
        if (depth > kMaxDepth) fail("nested too deep");
        const char c = next();
        if (c == '"') {
            text();
        } else if (c == '{') {
            object([&](std::string_view) { skip_value(depth + 1); });
        } else if (c == '[') {
            ++at_;
            if (take(']')) return;
            do skip_value(depth + 1);
            while (take(','));
            expect(']');
        } else if (c == 't') {
            literal("true");
        } else if (c == 'f') {
            literal("false");
        } else if (c == 'n') {
            literal("null");
        } else {
            // A number: its JSON grammar, value unused.
            take('-');
            digits_any();
            if (at_ < text_.size() && text_[at_] == '.') {
                ++at_;
                digits_any();
            }
            if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
                ++at_;
                if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
                digits_any();
            }
        }
    }
    // An object or array skipped by its brackets alone, strings stepped over
    // (a bracket inside one counts for nothing): for a member the reader
    // does not want, a tenth of skip_value's cost. It checks less than
    // skip_value: only that the brackets close and the strings end.
    void skip_container() {
        const char open = next();
        if (open != '{' && open != '[') fail("expected an object or an array");
        int depth = 0;
        while (at_ < text_.size()) {
            const char c = text_[at_++];
            if (c == '"') {
                while (at_ < text_.size() && text_[at_] != '"') at_ += text_[at_] == '\\' ? 2 : 1;
                if (at_ >= text_.size()) break;
                ++at_;
            } else if (c == '{' || c == '[') {
                if (++depth > kMaxDepth) fail("nested too deep");
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return;
            }
        }
        fail("unexpected end");
    }
    void digits_any() {
        const size_t start = at_;
        while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
        if (at_ == start) fail("expected a number");
    }

    std::string_view text_;
    std::string scratch_;
    size_t at_ = 0;
};

}  // namespace

std::string to_json(const ContainerState& s) {
    nlohmann::json j = {
        {"id", s.id},
        {"bundle", s.bundle},
        {"rootfs", s.rootfs},
        {"pid", s.pid},
        {"startTime", s.start_time},
        {"created", s.created},
        {"owner", s.owner},
        {"annotations", s.annotations},
        {"cgroupPaths", s.cgroup_paths},
        {"cgroupDriver", s.cgroup_driver},
    };
    return j.dump(1, '\t') + "\n";
}

ContainerState container_state_from_json(const std::string& text, bool cgroup_paths) {
    return StateReader(text).read(cgroup_paths);
}

}  // namespace rt::state
