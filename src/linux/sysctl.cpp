// linux.sysctl, written by the init once it is in the container's namespaces
// (validation refused every key that no namespace of the container owns).
// Through the /proc the init kept from before pivot_root: /proc/sys shows
// the namespaces of the process that writes, and the container's own /proc
// may be missing or already read-only.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "rt/spec/sysctl.hpp"
#include "rt/util/error.hpp"
#include "steps.hpp"

namespace rt::linux {

void apply_sysctl(InitContext& ctx) {
    for (const auto& [key, value] : ctx.spec.linux->sysctl) {
        const std::string what = "sysctl " + key;
        std::string file = "sys/" + spec::sysctl_proc_path(key);
        unique_fd fd(::openat(ctx.host_proc.get(), file.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) throw_errno(what + ": open /proc/" + file);
        ssize_t n;
        do {
            n = ::write(fd.get(), value.data(), value.size());
        } while (n < 0 && errno == EINTR);
        if (n < 0) throw_errno(what + " = \"" + value + "\"");
        if (static_cast<size_t>(n) != value.size()) throw Error(what + " = \"" + value + "\": short write");
    }
}

}  // namespace rt::linux
