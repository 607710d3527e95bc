// libFuzzer harness: a config's seccomp profile through rt's translation
// (names to numbers, actions, argument comparisons) and libseccomp's
// compilation to BPF, as create does before the clone. Whatever the profile:
// a program or an rt::Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rt/linux/seccomp.hpp"
#include "rt/spec/parse.hpp"
#include "rt/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        rt::spec::Spec spec = rt::spec::parse_config(text);
        if (!spec.linux || !spec.linux->seccomp) return 0;
        const rt::spec::Seccomp& seccomp = *spec.linux->seccomp;
        rt::linux::SeccompRules rules = rt::linux::translate_seccomp(seccomp, ".linux.seccomp");
        (void)rt::linux::compile_seccomp(rules, seccomp);
    } catch (const rt::Error&) {
    }
    return 0;
}
