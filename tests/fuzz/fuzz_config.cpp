// libFuzzer harness: any bytes through the config parser and validator.
// Whatever the input, rt must answer with an rt::Error or a Spec, never
// crash, hang or leak (run under ASan/UBSan by scripts/fuzz).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rt/spec/parse.hpp"
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        rt::spec::Spec spec = rt::spec::parse_config(text);
        rt::spec::validate(spec);
        rt::spec::check_supported(spec);
    } catch (const rt::Error&) {
    }
    try {
        rt::spec::parse_process(text);
    } catch (const rt::Error&) {
    }
    try {
        rt::spec::parse_resources(text);
    } catch (const rt::Error&) {
    }
    return 0;
}
