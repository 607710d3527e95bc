// Loading the device filter into the kernel and attaching it to a cgroup v2
// directory with bpf(2), replacing the filter attached before (update).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rt/cgroups/devices.hpp"
#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt::cgroups {
namespace {

int bpf(int command, bpf_attr& attr) {
    return static_cast<int>(::syscall(SYS_bpf, command, &attr, sizeof attr));
}

uint64_t as_u64(const void* pointer) {
    return reinterpret_cast<uintptr_t>(pointer);
}

// bpf(2) fds come with O_CLOEXEC set.
unique_fd load_program(const std::vector<bpf_insn>& program) {
    static const char license[] = "Apache-2.0";
    bpf_attr attr{};
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = as_u64(program.data());
    attr.insn_cnt = static_cast<uint32_t>(program.size());
    attr.license = as_u64(license);
    int fd = bpf(BPF_PROG_LOAD, attr);
    if (fd < 0 && errno == EPERM) {
        // Before Linux 5.11 programs count against RLIMIT_MEMLOCK. Only
        // this rt process is concerned: the container's init was cloned
        // before and keeps its own limit.
        rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
        if (::setrlimit(RLIMIT_MEMLOCK, &unlimited) == 0) fd = bpf(BPF_PROG_LOAD, attr);
    }
    if (fd >= 0) return unique_fd(fd);
    int err = errno;
    // Again with the verifier's log, to say why.
    std::string log(64 * 1024, '\0');
    attr.log_level = 1;
    attr.log_buf = as_u64(log.data());
    attr.log_size = static_cast<uint32_t>(log.size());
    fd = bpf(BPF_PROG_LOAD, attr);
    if (fd >= 0) return unique_fd(fd);  // loaded after all
    log.resize(std::strlen(log.c_str()));
    while (!log.empty() && log.back() == '\n') log.pop_back();
    throw Error(errno_message(err, "load the cgroup device filter (bpf BPF_PROG_LOAD)") +
                    (log.empty() ? "" : "; verifier: " + log),
                err);
}

// IDs of the device programs attached to the cgroup itself.
std::vector<uint32_t> attached_programs(int cgroup_fd, const std::string& dir) {
    std::vector<uint32_t> ids(64);
    for (;;) {
        bpf_attr attr{};
        attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
        attr.query.attach_type = BPF_CGROUP_DEVICE;
        attr.query.prog_ids = as_u64(ids.data());
        attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
        if (bpf(BPF_PROG_QUERY, attr) == 0) {
            ids.resize(attr.query.prog_cnt);
            return ids;
        }
        if (errno != ENOSPC || ids.size() >= 4096) throw_errno("query the device filters of " + dir);
        ids.resize(ids.size() * 2);
    }
}

unique_fd program_by_id(uint32_t id) {
    bpf_attr attr{};
    attr.prog_id = id;
    return unique_fd(bpf(BPF_PROG_GET_FD_BY_ID, attr));
}

int attach(int cgroup_fd, int program_fd, int replace_fd) {
    bpf_attr attr{};
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(program_fd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (replace_fd >= 0) {
        attr.attach_flags |= BPF_F_REPLACE;
        attr.replace_bpf_fd = static_cast<uint32_t>(replace_fd);
    }
    return bpf(BPF_PROG_ATTACH, attr);
}

void detach(int cgroup_fd, int program_fd, const std::string& dir) {
    bpf_attr attr{};
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(program_fd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, attr) < 0 && errno != ENOENT) {
        throw_errno("detach the old device filter of " + dir);
    }
}

class KernelLoader final : public DeviceFilterLoader {
public:
    void replace(const std::string& dir, const std::vector<bpf_insn>& program) override {
        unique_fd cgroup(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!cgroup) throw_errno("open " + dir);
        unique_fd loaded = load_program(program);
        std::vector<uint32_t> old_ids = attached_programs(cgroup.get(), dir);
        std::vector<unique_fd> old;
        for (uint32_t id : old_ids) {
            unique_fd fd = program_by_id(id);
            if (fd) old.push_back(std::move(fd));  // else detached meanwhile
        }
        // One old filter: swap it in one step. Several (not rt's doing):
        // attach ours first, then drop them, so that no moment is unfiltered.
        if (old.size() == 1) {
            if (attach(cgroup.get(), loaded.get(), old[0].get()) == 0) return;
            if (errno != EINVAL) throw_errno("attach the device filter to " + dir + " (BPF_F_REPLACE)");
            // A kernel without BPF_F_REPLACE (before 5.6): the other way.
        }
        if (attach(cgroup.get(), loaded.get(), -1) < 0) {
            throw_errno("attach the device filter to " + dir + " (bpf BPF_PROG_ATTACH)");
        }
        for (const auto& fd : old) detach(cgroup.get(), fd.get(), dir);
    }
};

}  // namespace

DeviceFilterLoader& kernel_device_filter_loader() {
    static KernelLoader loader;
    return loader;
}

}  // namespace rt::cgroups
