// libFuzzer harness: what rt reads back from --root and from its command
// line: state.json (a state directory may be crafted), container IDs (every
// command checks one before it touches anything) and signal names or numbers
// (kill). Whatever the input: an answer or an rt::Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rt/spec/container_id.hpp"
#include "rt/state/store.hpp"
#include "rt/util/error.hpp"
#include "rt/util/signals.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        rt::state::ContainerState state = rt::state::container_state_from_json(text);
        (void)rt::state::to_json(state);
    } catch (const rt::Error&) {
    }
    try {
        (void)rt::state::container_state_from_json(text, false);  // as `list` reads it
    } catch (const rt::Error&) {
    }
    bool valid = rt::spec::is_valid_container_id(text);
    try {
        rt::spec::check_container_id(text);
        if (!valid) __builtin_trap();  // the two must agree
        // A valid ID is one path component under --root, never more.
        if (text.find('/') != std::string::npos || text == "." || text == "..") __builtin_trap();
        (void)rt::state::Store("/run/rt-fuzz").dir(text);
    } catch (const rt::Error&) {
        if (valid) __builtin_trap();
    }
    try {
        int signal = rt::parse_signal(text);
        if (signal < 0 || signal > 64) __builtin_trap();
    } catch (const rt::Error&) {
    }
    return 0;
}
