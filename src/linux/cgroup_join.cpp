#include "rt/linux/cgroup_join.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "rt/util/error.hpp"

namespace rt::linux {

namespace {

void join_tasks(int fd, const std::string& path) {
    if (::write(fd, "0", 1) != 1) {
        int err = errno;
        // A cpuset made by hand (exec --cgroup) has no CPUs and no memory
        // nodes until it is given some.
        std::string hint = err == ENOSPC ? " (cpuset.cpus or cpuset.mems of the cgroup is empty?)" : "";
        throw Error("join the container's cgroup: write " + path + " \"0\": " + std::strerror(err) + hint, err);
    }
}

}  // namespace

void join_cgroups_v1(const CgroupJoin& join) {
    for (const auto& tasks : join.v1_tasks) {
        join_tasks(tasks.fd, tasks.path);
        ::close(tasks.fd);
    }
}

void join_cgroups_sent(Channel& channel, SyncOrder& order) {
    Message made = expect(channel, order, Sync::cgroups_made);
    std::vector<std::string> paths;
    std::istringstream lines(made.payload);
    for (std::string line; std::getline(lines, line);) paths.push_back(line);
    if (paths.size() != made.fds.size()) {
        throw Error("sync protocol: cgroups_made names " + std::to_string(paths.size()) + " tasks files and carries " +
                    std::to_string(made.fds.size()));
    }
    for (size_t i = 0; i < paths.size(); ++i) {
        join_tasks(made.fds[i].get(), paths[i]);
        made.fds[i].reset();  // a host file open for writing: not one moment longer
    }
}

}  // namespace rt::linux
