// rt's own binary, out of the container's reach (issue 9 item 2,
// CVE-2019-5736). Two ways led from the container to the host file of rt:
// /proc/PID/exe of a process that is still rt (the created container's
// init), and an image's `#!/proc/self/exe` script, which makes the kernel run
// rt itself inside the container. Either way the container could open the
// binary and, once rt had exited, overwrite it. create, run and exec now run
// from a read-only overlay of it: what the container reaches is another file
// (another device), on a read-only mount.
//
// The tests only look (device and inode, a write that must fail with EROFS):
// they never write to rt's binary.
#include <elf.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>

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
};

// The init of a created container is rt until start: its exe is the
// read-only copy, not the host file.
TEST_F(BinaryProtection, ACreatedContainersInitIsNotTheHostBinary) {
    Bundle bundle;
    bundle.args({"/bin/true"});
    bundle.write();
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    std::string exe = "/proc/" + std::to_string(state(id)["pid"].get<int>()) + "/exe";
    struct stat st {};
    ASSERT_EQ(stat(exe.c_str(), &st), 0);
    EXPECT_NE(identity(st), host_binary_identity()) << exe << " is rt's host binary";
    struct statfs fs {};
    ASSERT_EQ(statfs(exe.c_str(), &fs), 0);
    EXPECT_NE(fs.f_flags & ST_RDONLY, 0u) << exe << " is not on a read-only mount";
    int fd = open(exe.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    int error = errno;
    EXPECT_LT(fd, 0) << exe << " opened for writing";
    if (fd >= 0) close(fd);
    EXPECT_EQ(error, EROFS) << strerror(error);
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
}

// `#!/proc/self/exe` in the image, run by exec: the interpreter the kernel
// finds is the exec'd process's own exe, rt. The rt it runs blocks opening
// its --log, a fifo of the container's, so that the container can look at
// it: another file than the host's, and a write to it fails with EROFS.
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
    pid = pid.substr(0, pid.find('\n'));
    auto seen = rt({"exec", id, "/bin/sh", "-c",
                    "stat -L -c '%d:%i' /proc/" + pid + "/exe; echo x >> /proc/" + pid + "/exe"});
    struct stat host {};
    ASSERT_EQ(stat(RT_BINARY, &host), 0);
    std::string host_id = std::to_string(host.st_dev) + ":" + std::to_string(host.st_ino);
    EXPECT_NE(seen.out, host_id + "\n") << "the container reached rt's host binary";
    EXPECT_NE(seen.err.find("Read-only file system"), std::string::npos) << seen.out << seen.err;
    rt({"exec", id, "cat", "/tmp/fifo"});  // lets the shebang's rt go on (and fail: "/x" is no command)
    shebang.wait();
}

}  // namespace
}  // namespace rt_test
