#include "clone3.hpp"

#include <sys/syscall.h>
#include <unistd.h>

namespace rt::linux {

pid_t clone3_into_cgroup(CloneArgs& args, int v2_dir, bool& born_in_cgroup) {
    born_in_cgroup = false;
    if (v2_dir >= 0) {
        args.flags |= clone_into_cgroup;
        args.cgroup = static_cast<uint64_t>(v2_dir);
        pid_t pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
        if (pid >= 0) {
            born_in_cgroup = true;  // in the child too: it does not look
            return pid;
        }
        args.flags &= ~clone_into_cgroup;
        args.cgroup = 0;
    }
    return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
}

}  // namespace rt::linux
