// rt.init: the container's process runs under rt-init (src/rt-init/rt-init.c),
// a reaping PID 1 that passes signals on, executed from a sealed memfd that
// holds its embedded bytes: nothing goes into the image, and /proc/1/exe is
// that memfd, never a file of the host.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "rt/spec/rt_annotations.hpp"
#include "rt/util/error.hpp"
#include "rt_init_image.hpp"
#include "steps.hpp"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U  // Linux 6.3: executable, whatever vm.memfd_noexec says
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020  // Linux 6.3: the mode's exec bits can no longer change
#endif

namespace rt::linux {
namespace {

const std::string kWhat = "annotation " + std::string(spec::kInitAnnotation);

int create_memfd() {
    int fd = ::memfd_create("rt-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) fd = ::memfd_create("rt-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);  // before 6.3
    return fd;
}

}  // namespace

unique_fd make_reaping_init(const spec::Spec& spec) {
    if (!spec::annotation_enabled(spec.annotations, spec::kInitAnnotation)) return {};
    unique_fd fd(create_memfd());
    if (!fd) throw_errno(kWhat + ": memfd_create for rt-init");
    const unsigned char* data = kRtInitImage;
    size_t left = kRtInitImageSize;
    while (left > 0) {
        ssize_t n = ::write(fd.get(), data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_errno(kWhat + ": write rt-init to its memfd");
        data += n;
        left -= static_cast<size_t>(n);
    }
    // Sealed: no process of the container can change what /proc/1/exe holds.
    int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
    if (::fcntl(fd.get(), F_ADD_SEALS, seals | F_SEAL_EXEC) < 0 &&
        (errno != EINVAL || ::fcntl(fd.get(), F_ADD_SEALS, seals) < 0)) {
        throw_errno(kWhat + ": seal rt-init's memfd");
    }
    return fd;
}

void exec_under_reaping_init(int image, const ExecPlan& plan, mode_t umask_value) {
    // rt-init PATH ARG0 ARGS...: it runs PATH with the process's argv.
    std::vector<char*> argv = {const_cast<char*>("rt-init"), const_cast<char*>(plan.path.c_str())};
    for (const auto& a : plan.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : plan.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::umask(umask_value);
    // The fd is close-on-exec: fine for an ELF file (only a script would
    // need it open after the exec).
    ::syscall(SYS_execveat, image, "", argv.data(), envp.data(), AT_EMPTY_PATH);
    int err = errno;
    // A profile that refuses execveat may allow execve: through /proc's
    // link to the fd, where the container mounts /proc.
    std::string path = "/proc/self/fd/" + std::to_string(image);
    ::execve(path.c_str(), argv.data(), envp.data());
    throw_errno(err, kWhat + ": exec rt-init (execveat, and execve of " + path + ")");
}

}  // namespace rt::linux
