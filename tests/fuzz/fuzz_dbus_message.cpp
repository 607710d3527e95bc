// libFuzzer harness: D-Bus messages as rt's systemd client reads them from
// the bus. Whatever the bytes, parsing ends in a message or an rt::Error,
// never reads past the input; and a message that parses writes back into
// bytes that parse to the same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rt/dbus/message.hpp"
#include "rt/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    rt::dbus::Message message;
    try {
        if (rt::dbus::message_size(bytes) != bytes.size()) return 0;
        message = rt::dbus::parse_message(bytes);
    } catch (const rt::Error&) {
        return 0;
    }
    if (message.type == rt::dbus::MessageType::invalid) return 0;
    std::string again = rt::dbus::serialize(message);
    rt::dbus::Message back = rt::dbus::parse_message(again);
    if (back.body != message.body || back.path != message.path || back.member != message.member ||
        back.interface != message.interface || back.error_name != message.error_name ||
        back.reply_serial != message.reply_serial || back.serial != message.serial) {
        std::abort();
    }
    return 0;
}
