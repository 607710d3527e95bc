// rt exec and rt features.
#include <iostream>

#include "commands.hpp"
#include "rt/container/container.hpp"

namespace rt::cli {

void add_exec(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<container::ExecOptions>();
    auto* sub = app.add_subcommand("exec", "run a new process in a running container");
    sub->add_option("-p,--process", o->process_file, "the process as a JSON file (the spec's Process)");
    sub->add_flag("-t,--tty", o->tty, "give the process a new pseudo-terminal");
    sub->add_flag("-d,--detach", o->detach, "return once the process has started");
    sub->add_option("--pid-file", o->pid_file, "write the process's host pid to this file");
    sub->add_option("--console-socket", o->console_socket,
                    "unix socket that receives the pty master (with --tty --detach)");
    sub->add_option("--pidfd-socket", o->pidfd_socket, "unix socket that receives a pidfd of the process");
    sub->add_option("--cwd", o->cwd, "working directory inside the container");
    sub->add_option("-e,--env", o->env, "NAME=VALUE, over the container's environment (repeatable)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
    sub->add_option("-u,--user", o->user, "UID[:GID]");
    sub->add_option("-g,--additional-gids", o->additional_gids, "a supplementary group (repeatable)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
    sub->add_option("-c,--cap", o->caps, "add a capability (repeatable)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
    sub->add_flag("--no-new-privs", o->no_new_privs, "set no_new_privs for the process");
    sub->add_option("--preserve-fds", o->preserve_fds, "pass N extra fds (3 .. 3+N-1) to the process");
    sub->add_option("--apparmor", o->apparmor, "AppArmor profile of the process");
    sub->add_option("--process-label", o->process_label, "SELinux label of the process");
    sub->add_flag("--ignore-paused", o->ignore_paused,
                  "exec into a paused container too (the process is frozen with it until resume)");
    sub->add_option("--cgroup", o->cgroups,
                    "[CONTROLLER[,CONTROLLER...]:]PATH: run in this existing sub-cgroup of the container's "
                    "(repeatable, one per controller)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
    // The first word that is not one of the options above is the container
    // ID, and everything after it is the command, its options included
    // (`rt exec ID sh -c ...`), as runc reads it: CLI11 hands those words
    // over untouched as the "remaining" of a prefix command. Global options
    // go before `exec` (falling through to them would take the command's
    // words for rt's).
    sub->footer("Arguments: CONTAINER-ID [--] COMMAND [ARG...]   (no command with --process)");
    sub->fallthrough(false);
    sub->prefix_command();
    sub->callback([&ctx, o, sub] {
        std::vector<std::string> words = sub->remaining();
        if (words.empty()) throw CLI::RequiredError("container ID");
        reject_unknown_option(words.front());
        o->id = words.front();
        o->args.assign(words.begin() + 1, words.end());
        if (!o->args.empty() && o->args.front() == "--") o->args.erase(o->args.begin());
        ctx.failure_status = 255;
        ctx.action = [&ctx, o] { return container::exec(ctx.store(), *o); };
    });
}

void add_features(CLI::App& app, Context& ctx) {
    auto* sub = app.add_subcommand("features", "print the features this build of rt implements");
    sub->callback([&ctx] {
        ctx.action = [] {
            std::cout << container::features_json() << std::endl;
            return 0;
        };
    });
}

}  // namespace rt::cli
