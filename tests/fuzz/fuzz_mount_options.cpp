// libFuzzer harness: mount option lists and mountinfo text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "rt/linux/mount_options.hpp"
#include "rt/linux/mountinfo.hpp"
#include "rt/linux/path_in_root.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> options;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == ',') {
            options.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    rt::linux::parse_mount_options(options);
    auto mounts = rt::linux::parse_mountinfo(text);
    rt::linux::mount_containing(mounts, rt::linux::clean_path(text));
    return 0;
}
