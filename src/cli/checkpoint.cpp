// checkpoint and restore, with runc's flags (rt/container/checkpoint.hpp).
#include "commands.hpp"
#include "rt/container/checkpoint.hpp"

namespace rt::cli {
namespace {

// The flags both commands have (runc's criuOptions).
void add_criu_options(CLI::App* sub, container::CriuOptions& o) {
    sub->add_option("--image-path", o.image_path, "path for the criu image files (default: ./checkpoint)");
    sub->add_option("--work-path", o.work_path, "path for criu's work files and logs (default: the image path)");
    sub->add_flag("--tcp-established", o.tcp_established, "allow open tcp connections");
    sub->add_flag("--ext-unix-sk", o.ext_unix_sk, "allow external unix sockets");
    sub->add_flag("--shell-job", o.shell_job, "allow shell jobs");
    sub->add_flag("--file-locks", o.file_locks, "handle file locks, for safety");
    sub->add_option("--manage-cgroups-mode", o.manage_cgroups_mode,
                    "cgroups mode: soft|full|strict|ignore (default: soft)");
    // runc's --empty-ns is a list that takes no commas as separators.
    sub->add_option("--empty-ns", o.empty_ns, "create a namespace, but don't restore its properties (network)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    sub->add_flag("--auto-dedup", o.auto_dedup, "enable auto deduplication of memory images");
    sub->add_flag("--lazy-pages", o.lazy_pages, "use userfaultfd to lazily restore memory pages");
}

}  // namespace

void add_checkpoint(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<container::CheckpointOptions>();
    auto* sub = app.add_subcommand("checkpoint", "checkpoint a running container (criu)");
    container::CriuOptions& o = options->criu;
    add_criu_options(sub, o);
    sub->add_option("--parent-path", o.parent_path, "path of the previous criu images (pre-dump), relative to the image path");
    sub->add_flag("--leave-running", o.leave_running, "leave the process running after checkpointing");
    sub->add_flag("--tcp-skip-in-flight", o.tcp_skip_in_flight, "skip in-flight tcp connections");
    sub->add_flag("--link-remap", o.link_remap, "allow one to link unlinked files back when possible");
    sub->add_option("--status-fd", o.status_fd, "criu writes \\0 to this fd once lazy-pages is ready");
    sub->add_option("--page-server", o.page_server, "ADDRESS:PORT of the page server");
    sub->add_flag("--pre-dump", o.pre_dump, "dump the container's memory only, leave it running");
    sub->add_option("id", options->id, "container ID")->required();
    sub->callback([&ctx, options] {
        ctx.action = [&ctx, options] {
            container::checkpoint(ctx.store(), *options);
            return 0;
        };
    });
}

void add_restore(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<container::RestoreOptions>();
    auto* sub = app.add_subcommand("restore", "restore a container from a checkpoint (criu)");
    container::CriuOptions& o = options->criu;
    add_criu_options(sub, o);
    sub->add_option("-b,--bundle", options->bundle, "bundle directory (default: current directory)");
    sub->add_option("--console-socket", options->console_socket,
                    "refused: rt cannot restore a terminal through criu's command line");
    sub->add_flag("-d,--detach", options->detach, "detach from the container's process");
    sub->add_option("--pid-file", options->pid_file, "write the restored init's pid to this file");
    sub->add_flag("--no-subreaper", options->no_subreaper,
                  "accepted for runc's callers (rt never makes itself a subreaper)");
    sub->add_flag("--no-pivot", options->no_pivot, "accepted for runc's callers (criu makes the root)");
    sub->add_option("--lsm-profile", o.lsm_profile, "LSM profile for the restore, TYPE:NAME");
    sub->add_option("--lsm-mount-context", o.lsm_mount_context, "LSM mount context for the restore");
    sub->add_option("id", options->id, "container ID")->required();
    sub->callback([&ctx, options] {
        ctx.action = [&ctx, options] {
            options->systemd_cgroup = ctx.globals.systemd_cgroup;
            return container::restore(ctx.store(), *options);
        };
    });
}

}  // namespace rt::cli
