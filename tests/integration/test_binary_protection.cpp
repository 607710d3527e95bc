// rt's own binary, out of the container's reach (issue 9 item 2,
// CVE-2019-5736). Two ways led from the container to the host file of rt:
// /proc/PID/exe of a process that is still rt (the created container's
// init), and an image's `#!/proc/self/exe` script, which makes the kernel run
// rt itself inside the container. Either way the container could open the
// binary and, once rt had exited, overwrite it. exec, and the init of create
// and run, now run from a read-only copy of it: a detached read-only bind mount of the binary
// that is mounted nowhere, so that no remount can make it writable. Every way
// to the file from the process (/proc/PID/exe, each of /proc/PID/map_files)
// goes through that mount.
//
// The tests only look (which mount a path is on, writes and remounts that
// must fail): they never write to rt's binary.
#include <elf.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <vector>

#include "fixture.hpp"

namespace rt_test {
namespace {

class BinaryProtection : public RtTest {
protected:
    static std::string identity(const struct stat& st) {
        return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    }
    std::string host_binary_identity() {
        struct stat st {};
        EXPECT_EQ(stat(RT_BINARY, &st), 0);
        return identity(st);
    }
    // Every way from process `proc` (/proc/PID) to a file that is rt's
    // binary: its exe and each of its map_files that is the same file. Each
    // must be on a read-only mount. access(2), never open(2): it asks
    // without writing (an open for writing would fail with ETXTBSY while rt
    // runs, protected or not).
    void expect_rt_reached_read_only(const std::string& proc) {
        std::vector<std::string> ways = {proc + "/exe"};
        for (const auto& entry : std::filesystem::directory_iterator(proc + "/map_files")) {
            struct stat st {};
            if (stat(entry.path().c_str(), &st) == 0 && identity(st) == host_binary_identity()) {
                ways.push_back(entry.path());
            }
        }
        for (const auto& way : ways) {
            struct statfs fs {};
            ASSERT_EQ(statfs(way.c_str(), &fs), 0) << way;
            EXPECT_NE(fs.f_flags & ST_RDONLY, 0u) << way << " leads to rt's binary on a writable mount";
            errno = 0;
            EXPECT_NE(access(way.c_str(), W_OK), 0) << way << " is writable";
            EXPECT_EQ(errno, EROFS) << way << ": " << strerror(errno);
        }
    }
    // A created container whose init is still rt: its /proc/PID.
    std::string created_init(const std::string& id) {
        Bundle bundle;
        bundle.args({"/bin/true"});
        bundle.write();
        auto r = rt({"create", "--bundle", bundle.dir(), id});
        EXPECT_EQ(r.status, 0) << r.err;
        return "/proc/" + std::to_string(state(id)["pid"].get<int>());
    }
};

// The init of a created container is rt until start: its exe, and every
// file it maps that is rt's binary, are reached through a read-only mount.
TEST_F(BinaryProtection, ACreatedContainersInitReachesRtOnlyThroughAReadOnlyMount) {
    std::string id = new_id();
    expect_rt_reached_read_only(created_init(id));
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
}

// Even the host's root cannot make that mount writable again: it is mounted
// nowhere, and neither mount_setattr nor a remount takes a mount that is not.
TEST_F(BinaryProtection, TheReadOnlyCopyCannotBeMadeWritable) {
    std::string id = new_id();
    std::string exe = created_init(id) + "/exe";
    int fd = open(exe.c_str(), O_PATH | O_CLOEXEC);
    ASSERT_GE(fd, 0) << strerror(errno);
    mount_attr attr{};
    attr.attr_clr = MOUNT_ATTR_RDONLY;
    EXPECT_NE(syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr), 0)
        << "mount_setattr made the copy's mount writable";
    close(fd);
    EXPECT_NE(mount(nullptr, exe.c_str(), nullptr, MS_REMOUNT | MS_BIND, nullptr), 0)
        << "a remount made the copy's mount writable";
    struct statfs fs {};
    ASSERT_EQ(statfs(exe.c_str(), &fs), 0);
    EXPECT_NE(fs.f_flags & ST_RDONLY, 0u) << exe << " is writable now";
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
}

// `#!/proc/self/exe` in the image, run by exec: the interpreter the kernel
// finds is the exec'd process's own exe, rt. The rt it runs blocks opening
// its --log, a fifo of the container's, so that the container can look at
// it: every way to rt's binary from it is on a read-only mount.
// Whether rt needs the host's dynamic loader (a sanitizer build): inside the
// busybox image the kernel then cannot run it from a shebang at all.
bool rt_is_dynamic() {
    std::ifstream in(RT_BINARY, std::ios::binary);
    Elf64_Ehdr header{};
    if (!in.read(reinterpret_cast<char*>(&header), sizeof header)) return false;
    for (int i = 0; i < header.e_phnum; ++i) {
        Elf64_Phdr program{};
        in.seekg(static_cast<std::streamoff>(header.e_phoff + static_cast<Elf64_Off>(i) * header.e_phentsize));
        if (!in.read(reinterpret_cast<char*>(&program), sizeof program)) return false;
        if (program.p_type == PT_INTERP) return true;
    }
    return false;
}

TEST_F(BinaryProtection, AShebangOfProcSelfExeDoesNotReachTheHostBinary) {
    if (rt_is_dynamic()) GTEST_SKIP() << "rt is dynamically linked (a sanitizer build): the image has no loader to run it";
    Bundle bundle;
    std::ofstream(bundle.rootfs() + "/x") << "#!/proc/self/exe --log=/tmp/fifo\n";
    ASSERT_EQ(chmod((bundle.rootfs() + "/x").c_str(), 0755), 0);
    std::string id = start_container(bundle);
    ASSERT_EQ(rt({"exec", id, "mkfifo", "/tmp/fifo"}).status, 0);
    Background shebang(rt_argv({"exec", id, "/x"}));
    // The rt the kernel ran in the container, as the container sees it: its
    // whole command line, so that this shell (whose script holds the words)
    // and its subshells never match.
    const std::string find = "for p in /proc/[0-9]*; do "
                             "  case \"$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)\" in "
                             "    '/proc/self/exe --log=/tmp/fifo /x ') echo ${p#/proc/};; esac; "
                             "done";
    std::string pid;
    ASSERT_TRUE(eventually([&] {
        pid = rt({"exec", id, "/bin/sh", "-c", find}).out;
        return !pid.empty();
    }, 10000)) << "the shebang's rt never showed up in the container";
    // The same process from the host (magic links lead to the same file from
    // any mount namespace).
    std::string host_pid = run_program({"/bin/sh", "-c", find}).out;
    ASSERT_FALSE(host_pid.empty());
    expect_rt_reached_read_only("/proc/" + host_pid.substr(0, host_pid.find('\n')));
    rt({"exec", id, "cat", "/tmp/fifo"});  // lets the shebang's rt go on (and fail: "/x" is no command)
    shebang.wait();
}

// The same script as the container's own process: the kernel takes the
// interpreter from the init's exe as the init execs it. The init switched to
// the read-only copy right after its clone (create and run themselves do
// not), so the rt the container runs is that copy too.
TEST_F(BinaryProtection, AShebangOfProcSelfExeAsTheContainersProcessDoesNotReachTheHostBinary) {
    if (rt_is_dynamic()) GTEST_SKIP() << "rt is dynamically linked (a sanitizer build): the image has no loader to run it";
    Bundle bundle;
    std::ofstream(bundle.rootfs() + "/x") << "#!/proc/self/exe --log=/tmp/fifo\n";
    ASSERT_EQ(chmod((bundle.rootfs() + "/x").c_str(), 0755), 0);
    std::filesystem::create_directories(bundle.rootfs() + "/tmp");
    std::string fifo = bundle.rootfs() + "/tmp/fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0) << strerror(errno);
    bundle.args({"/x"});
    bundle.write();
    std::string id = new_id();
    auto created = rt({"create", "--bundle", bundle.dir(), id});
    ASSERT_EQ(created.status, 0) << created.err;
    std::string proc = "/proc/" + std::to_string(state(id)["pid"].get<int>());
    ASSERT_EQ(rt({"start", id}).status, 0);
    // Blocked opening its --log: the fifo has no reader yet.
    ASSERT_TRUE(eventually([&] {
        std::ifstream in(proc + "/cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        return cmdline == "/proc/self/exe --log=/tmp/fifo /x ";
    }, 10000)) << "the shebang's rt never ran as the container's process";
    expect_rt_reached_read_only(proc);
    int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // lets it go on (and fail)
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
    if (reader >= 0) close(reader);
}

}  // namespace
}  // namespace rt_test
