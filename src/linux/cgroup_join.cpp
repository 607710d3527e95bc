#include "rt/linux/cgroup_join.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rt/util/error.hpp"

namespace rt::linux {

void join_cgroups_v1(const CgroupJoin& join) {
    for (const auto& tasks : join.v1_tasks) {
        if (::write(tasks.fd, "0", 1) != 1) {
            int err = errno;
            // A cpuset made by hand (exec --cgroup) has no CPUs and no
            // memory nodes until it is given some.
            std::string hint = err == ENOSPC ? " (cpuset.cpus or cpuset.mems of the cgroup is empty?)" : "";
            throw Error("join the container's cgroup: write " + tasks.path + " \"0\": " + std::strerror(err) + hint,
                        err);
        }
        ::close(tasks.fd);
    }
}

}  // namespace rt::linux
