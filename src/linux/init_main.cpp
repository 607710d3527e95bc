// The container's init, from clone to execve. Single-threaded; every error
// is sent to the parent (who prints it) and ends the init.
#include "init_main.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rt/linux/sync_protocol.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"
#include "rt/util/process.hpp"
#include "console.hpp"
#include "steps.hpp"

namespace rt::linux {
namespace {

void join_session_keyring(const std::string& id) {
    // A fresh session keyring, so that containers share no keys (as runc).
    std::string name = "_ses." + id;
    constexpr long keyctl_join_session_keyring = 1;
    if (::syscall(SYS_keyctl, keyctl_join_session_keyring, name.c_str()) < 0 && errno != ENOSYS) {
        throw_errno("join session keyring");
    }
}

// Blocks until `rt start` opens the fifo for reading, then tells it we are
// going on. The fifo's path is gone after pivot_root: it is reopened through
// the host's /proc, kept as an fd for this.
void wait_for_start(InitContext& ctx) {
    std::string self_fd = "thread-self/fd/" + std::to_string(ctx.config.exec_fifo);
    int fifo = ::openat(ctx.host_proc.get(), self_fd.c_str(), O_WRONLY | O_CLOEXEC);
    if (fifo < 0) throw_errno("open exec fifo");
    const char zero = '0';
    ssize_t n;
    do {
        n = ::write(fifo, &zero, 1);
    } while (n < 0 && errno == EINTR);
    int err = errno;
    ::close(fifo);
    if (n != 1) throw_errno(err, "write exec fifo");
    ::close(ctx.config.exec_fifo);
    ctx.host_proc.reset();
}

[[noreturn]] void run(const InitConfig& config, NamespacePlan& namespaces, Channel& channel) {
    SyncOrder order;
    InitContext ctx{config, *config.spec, {}, {}, false, false, false};
    ctx.new_mount_ns = (namespaces.unshare_flags & CLONE_NEWNS) != 0;
    ctx.new_cgroup_ns = (namespaces.unshare_flags & CLONE_NEWCGROUP) != 0;
    ctx.new_user_ns = (namespaces.clone_flags & CLONE_NEWUSER) != 0;

    expect(channel, order, Sync::proceed);

    enter_namespaces(namespaces);
    if (!config.no_new_keyring) join_session_keyring(config.id);
    ::umask(0);  // modes of the files rt makes are exactly as asked

    ctx.host_proc.reset(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!ctx.host_proc) throw_errno("open /proc");

    prepare_rootfs(ctx);
    mount_all(ctx);
    create_devices(ctx);
    const spec::Process& process = *ctx.spec.process;
    if (process.terminal) create_console_mountpoint(ctx.root.get());

    send(channel, order, Sync::run_hooks);
    expect(channel, order, Sync::hooks_done);

    enter_rootfs(ctx);
    finish_rootfs(ctx);
    set_identity(ctx.spec);

    if (process.terminal) {
        Pty pty = open_container_pty(ctx.root.get(), process.console_size);
        mount_console(ctx.root.get(), pty.slave.get());
        make_controlling_terminal(pty);
        send(channel, order, Sync::console, {}, pty.master.get());
    } else {
        new_session();
    }
    prepare_fds(config.preserve_fds);
    give_stdio_to(process.user.uid);
    set_user(process);
    enter_cwd(process);
    ExecPlan plan = plan_exec(process);

    keep_running_without_parent();
    send(channel, order, Sync::ready);
    channel.close();

    // From here on nobody listens on the channel: errors go to the
    // container's stderr, as an exec failure of any program would.
    wait_for_start(ctx);
    exec_process(plan, process.user.umask.value_or(0022));
}

// The init keeps only what it needs of the fds it inherited: a lock, a
// signalfd or a socket of the parent must not live on in the container.
void drop_inherited_fds(const InitConfig& config, NamespacePlan& namespaces, Channel& channel) {
    std::vector<int> keep = {channel.fd(), config.exec_fifo, log::file_fd()};
    for (int fd = 3; fd < 3 + config.preserve_fds; ++fd) keep.push_back(fd);
    for (const auto& join : namespaces.joins) keep.push_back(join.fd.get());
    close_fds_except(keep);
}

}  // namespace

void init_main(const InitConfig& config, NamespacePlan& namespaces, Channel& channel) {
    try {
        drop_inherited_fds(config, namespaces, channel);
        reset_signals();
        die_with_parent();
        run(config, namespaces, channel);
    } catch (const std::exception& e) {
        if (channel.fd() >= 0) {
            try {
                channel.send(static_cast<uint32_t>(Sync::error), e.what());
            } catch (...) {
            }
        } else {
            std::string message = std::string("rt: ") + e.what() + "\n";
            ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
            (void)ignored;
        }
    }
    ::_exit(1);
}

}  // namespace rt::linux
