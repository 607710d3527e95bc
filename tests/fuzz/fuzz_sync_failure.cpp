// libFuzzer harness: the `error` payload of the sync protocol, which the
// parent reads from a child that ran in the container's namespaces
// (rt/linux/sync_protocol.hpp). Whatever the bytes: a failure within the
// bounds or an rt::Error, never a crash; what decodes encodes back the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rt/linux/sync_protocol.hpp"
#include "rt/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view payload(reinterpret_cast<const char*>(data), size);
    try {
        rt::linux::ChildFailure failure = rt::linux::decode_failure(payload);
        if (failure.step.size() > rt::linux::kMaxFailureStep) __builtin_trap();
        if (failure.message.empty() || failure.err < 0 || failure.err > 4095) __builtin_trap();
        rt::linux::ChildFailure again = rt::linux::decode_failure(rt::linux::encode_failure(failure));
        if (again.err != failure.err || again.step != failure.step || again.message != failure.message) {
            __builtin_trap();
        }
    } catch (const rt::Error&) {
    }
    return 0;
}
