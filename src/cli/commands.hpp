// The command line: runc's global flags and commands (internal to the rt
// binary). Each add_* registers one subcommand on the app; when that
// subcommand is parsed, its callback stores the work to do in ctx.action,
// which main() runs after logging is set up.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "rt/state/store.hpp"

namespace rt::cli {

struct Globals {
    std::string root = "/run/rt";
    std::string log;
    std::string log_format = "text";
    bool debug = false;
    bool systemd_cgroup = false;
    std::string rootless = "auto";
    bool is_rootless = false;  // --rootless as resolved (rt/util/caller.hpp)
};

struct Context {
    Globals globals;
    std::function<int()> action;  // returns rt's exit status
    // rt's exit status when the action throws. exec says 255, as runc, so
    // that its callers tell rt's failure from the process's own status.
    int failure_status = 1;

    state::Store store() const { return state::Store(globals.root); }
};

void add_global_options(CLI::App& app, Context& ctx);

void add_create(CLI::App& app, Context& ctx);
void add_start(CLI::App& app, Context& ctx);
void add_state(CLI::App& app, Context& ctx);
void add_kill(CLI::App& app, Context& ctx);
void add_delete(CLI::App& app, Context& ctx);
void add_run(CLI::App& app, Context& ctx);
void add_list(CLI::App& app, Context& ctx);
void add_spec(CLI::App& app, Context& ctx);
void add_update(CLI::App& app, Context& ctx);
void add_pause(CLI::App& app, Context& ctx);
void add_resume(CLI::App& app, Context& ctx);
void add_ps(CLI::App& app, Context& ctx);
void add_events(CLI::App& app, Context& ctx);
void add_exec(CLI::App& app, Context& ctx);
void add_features(CLI::App& app, Context& ctx);
void add_checkpoint(CLI::App& app, Context& ctx);
void add_restore(CLI::App& app, Context& ctx);
// `rt help [COMMAND]` (runc's, alias `h`): the help of rt or of a command.
void add_help(CLI::App& app, Context& ctx);

// A command rt does not have is an error naming it, with runc's exit status.
constexpr int unknown_command_status = 3;
std::string unknown_command_message(const std::string& name);

// For the commands whose words after the options go on as they are (exec,
// ps): the first of them is the container ID, and an option there is one
// this command does not have (a usage error, as in runc), not an ID.
void reject_unknown_option(const std::string& first_word);

// Refuses global flags this build cannot honour, with a clear error.
// After parsing: --rootless resolved, and --root's default where it was not
// given (`root_given`): $XDG_RUNTIME_DIR/rt when rootless.
void resolve_globals(Globals& globals, bool root_given);

}  // namespace rt::cli
