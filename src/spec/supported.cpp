// check_supported(): what this build of rt does not implement yet, refused up
// front so that no field of a config is silently ignored.
//
// One line per feature. When you implement one, delete its line (and add a
// test that the feature works).
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"

namespace rt::spec {

namespace {

struct Unsupported {
    const char* path;              // jq path of the field, for the message
    bool (*present)(const Spec&);  // does this config use it?
};

// clang-format off
constexpr Unsupported kUnsupported[] = {
    // Intel RDT (resctrl) is not implemented: no machine rt is tested on
    // has it. config-linux.md wants an error without resctrl anyway.
    {".linux.intelRdt",          [](const Spec& s) { return s.linux && s.linux->intel_rdt.has_value(); }},
};
// clang-format on

}  // namespace

void check_supported(const Spec& spec) {
    for (const Unsupported& entry : kUnsupported) {
        if (entry.present(spec)) throw Error(std::string(entry.path) + ": not supported by this build of rt");
    }
}

}  // namespace rt::spec
