// The cgroup v2 device filter in the kernel. rt uses it on cgroup v2 hosts;
// this hybrid host also has a cgroup2 hierarchy (at /sys/fs/cgroup/unified),
// where a device program works the same, independently of the v1 devices
// controller. So the generated program is loaded, attached and replaced for
// real here, and a process in the cgroup tries to open devices.
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include <fstream>

#include "fixture.hpp"
#include "rt/cgroups/devices.hpp"
#include "rt/spec/parse.hpp"

namespace rt_test {
namespace {

std::string cgroup2_mount() {
    struct statfs fs {};
    if (statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) return "/sys/fs/cgroup";
    if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) {
        return "/sys/fs/cgroup/unified";
    }
    return "";
}

int attached_programs(const std::string& dir) {
    int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    uint32_t ids[16];
    bpf_attr attr{};
    attr.query.target_fd = static_cast<uint32_t>(fd);
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = reinterpret_cast<uintptr_t>(ids);
    attr.query.prog_cnt = 16;
    long rc = syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr);
    close(fd);
    return rc < 0 ? -1 : static_cast<int>(attr.query.prog_cnt);
}

// Forks a process, moves it into `dir`, and lets it try each open; returns
// "ok" or the errno name for each, space-separated.
std::string opens_from(const std::string& dir, const std::vector<std::pair<std::string, int>>& tries) {
    int go[2], report[2];
    if (pipe2(go, O_CLOEXEC) || pipe2(report, O_CLOEXEC)) return "pipe failed";
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        if (read(go[0], &c, 1) != 1) _exit(1);
        std::string out;
        for (const auto& [path, flags] : tries) {
            int fd = open(path.c_str(), flags | O_CLOEXEC);
            out += out.empty() ? "" : " ";
            out += fd >= 0 ? "ok" : strerrorname_np(errno);
            if (fd >= 0) close(fd);
        }
        ssize_t ignored = write(report[1], out.data(), out.size());
        (void)ignored;
        _exit(0);
    }
    close(go[0]);
    close(report[1]);
    std::ofstream(dir + "/cgroup.procs") << pid;
    ssize_t ignored = write(go[1], "x", 1);
    (void)ignored;
    close(go[1]);
    std::string out;
    char buffer[256];
    ssize_t n;
    while ((n = read(report[0], buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
    close(report[0]);
    waitpid(pid, nullptr, 0);
    return out;
}

std::vector<rt::cgroups::DeviceRule> rules(const std::string& devices_json) {
    return rt::cgroups::container_device_rules(
        rt::spec::parse_resources(R"({"devices": )" + devices_json + "}").devices, {});
}

TEST(BpfDeviceFilter, TheKernelEnforcesTheGeneratedProgram) {
    std::string mount = cgroup2_mount();
    ASSERT_FALSE(mount.empty()) << "no cgroup2 hierarchy on this host";
    std::string dir = mount + "/rt-test-bpf-" + std::to_string(getpid());
    ASSERT_EQ(mkdir(dir.c_str(), 0755), 0) << strerror(errno);
    // Removed even when an assertion fails (its process is gone by then).
    struct Remove {
        std::string dir;
        ~Remove() { rmdir(dir.c_str()); }
    } remove{dir};
    auto& loader = rt::cgroups::kernel_device_filter_loader();
    const std::vector<std::pair<std::string, int>> tries = {
        {"/dev/null", O_RDWR}, {"/dev/fuse", O_RDONLY}, {"/dev/fuse", O_WRONLY}, {"/dev/loop-control", O_RDONLY}};

    // The defaults and /dev/fuse read-only.
    loader.replace(dir, rt::cgroups::device_filter_program(
                            rules(R"([{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}])")));
    EXPECT_EQ(attached_programs(dir), 1);
    EXPECT_EQ(opens_from(dir, tries), "ok ok EPERM EPERM");

    // Replaced (update): everything allowed but block devices' writes; still
    // one program attached.
    loader.replace(dir, rt::cgroups::device_filter_program(
                            rules(R"([{"allow": true, "access": "rwm"}, {"allow": false, "type": "b", "access": "w"}])")));
    EXPECT_EQ(attached_programs(dir), 1);
    EXPECT_EQ(opens_from(dir, tries), "ok ok ok ok");

    // The defaults alone.
    loader.replace(dir, rt::cgroups::device_filter_program(rules("[]")));
    EXPECT_EQ(attached_programs(dir), 1);
    EXPECT_EQ(opens_from(dir, tries), "ok EPERM EPERM EPERM");

}

}  // namespace
}  // namespace rt_test
