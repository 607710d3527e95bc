// create, start, state, kill, delete: the commands a shim drives.
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "rt/container/container.hpp"
#include "rt/util/signals.hpp"

namespace rt::cli {
namespace {

void add_create_options(CLI::App* sub, container::CreateOptions& o) {
    sub->add_option("-b,--bundle", o.bundle, "bundle directory (default: current directory)");
    sub->add_option("--pid-file", o.pid_file, "write the init's pid to this file");
    sub->add_option("--console-socket", o.console_socket,
                    "unix socket that receives the pty master of a terminal container");
    sub->add_option("--pidfd-socket", o.pidfd_socket, "unix socket that receives a pidfd of the container's init");
    sub->add_flag("--no-pivot", o.no_pivot, "use MS_MOVE and chroot instead of pivot_root");
    sub->add_flag("--no-new-keyring", o.no_new_keyring, "keep the caller's session keyring");
    sub->add_option("--preserve-fds", o.preserve_fds,
                    "pass N extra fds (3 .. 3+N-1) to the container's process");
}

}  // namespace

void add_create(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<container::CreateOptions>();
    auto* sub = app.add_subcommand("create", "create a container (it waits for start)");
    add_create_options(sub, *options);
    sub->add_option("id", options->id, "container ID")->required();
    sub->callback([&ctx, options] {
        ctx.action = [&ctx, options] {
            options->systemd_cgroup = ctx.globals.systemd_cgroup;
            options->rootless = ctx.globals.is_rootless;
            container::create(ctx.store(), *options);
            return 0;
        };
    });
}

void add_start(CLI::App& app, Context& ctx) {
    auto id = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("start", "start the process of a created container");
    sub->add_option("id", *id, "container ID")->required();
    sub->callback([&ctx, id] {
        ctx.action = [&ctx, id] {
            container::start(ctx.store(), *id);
            return 0;
        };
    });
}

void add_state(CLI::App& app, Context& ctx) {
    auto id = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("state", "print the state of a container as JSON");
    sub->add_option("id", *id, "container ID")->required();
    sub->callback([&ctx, id] {
        ctx.action = [&ctx, id] {
            // No newline after the object: runc prints none.
            std::cout << container::state_json(ctx.store(), *id) << std::flush;
            return 0;
        };
    });
}

void add_kill(CLI::App& app, Context& ctx) {
    struct Args {
        std::string id;
        std::string signal = "SIGTERM";
        bool all = false;
    };
    auto args = std::make_shared<Args>();
    auto* sub = app.add_subcommand("kill", "send a signal to a container's process");
    sub->add_flag("-a,--all", args->all, "signal every process of the container");
    sub->add_option("id", args->id, "container ID")->required();
    sub->add_option("signal", args->signal, "signal name or number (default SIGTERM)");
    sub->callback([&ctx, args] {
        ctx.action = [&ctx, args] {
            container::kill(ctx.store(), args->id, parse_signal(args->signal), args->all);
            return 0;
        };
    });
}

void add_delete(CLI::App& app, Context& ctx) {
    struct Args {
        std::string id;
        bool force = false;
    };
    auto args = std::make_shared<Args>();
    auto* sub = app.add_subcommand("delete", "delete a container and what it holds");
    sub->add_flag("-f,--force", args->force, "kill a running container first");
    sub->add_option("id", args->id, "container ID")->required();
    sub->callback([&ctx, args] {
        ctx.action = [&ctx, args] {
            container::destroy(ctx.store(), args->id, args->force);
            return 0;
        };
    });
}

void add_run(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<container::RunOptions>();
    auto* sub = app.add_subcommand("run", "create and start a container, and wait for it");
    add_create_options(sub, options->create);
    sub->add_flag("-d,--detach", options->detach, "return once the container has started");
    sub->add_flag("--keep", options->keep, "do not delete the container after it exits");
    sub->add_flag("--no-subreaper", options->no_subreaper,
                  "accepted for runc's callers (rt never makes itself a subreaper)");
    sub->add_flag("-t,--tty", options->create.terminal,
                  "give the process a terminal, as if process.terminal were true");
    sub->add_option("id", options->create.id, "container ID, or a bundle directory")->required();
    sub->callback([&ctx, options] {
        ctx.action = [&ctx, options] {
            container::RunOptions run = *options;
            run.create.systemd_cgroup = ctx.globals.systemd_cgroup;
            run.create.rootless = ctx.globals.is_rootless;
            // `rt run some/bundle/`: the one argument names a bundle, and its
            // base name is the ID.
            if (run.create.bundle.empty() && ::access((run.create.id + "/config.json").c_str(), F_OK) == 0) {
                run.create.bundle = run.create.id;
                run.create.id = container::bundle_id(run.create.id);
            }
            return container::run(ctx.store(), run);
        };
    });
}

void add_list(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<container::ListOptions>();
    auto format = std::make_shared<std::string>("table");
    auto* sub = app.add_subcommand("list", "list containers");
    sub->add_option("-f,--format", *format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    sub->add_flag("-q,--quiet", options->quiet, "print only the IDs");
    sub->callback([&ctx, options, format] {
        ctx.action = [&ctx, options, format] {
            options->json = *format == "json";
            std::cout << container::list(ctx.store(), *options) << std::flush;
            return 0;
        };
    });
}

}  // namespace rt::cli
