#include "commands.hpp"
#include <cstdlib>

#include "rt/util/caller.hpp"
#include "rt/util/error.hpp"

namespace rt::cli {

void add_global_options(CLI::App& app, Context& ctx) {
    Globals& g = ctx.globals;
    app.add_option("--root", g.root, "directory for the state of containers")
        ->capture_default_str();
    app.add_option("--log", g.log, "log file (default: stderr)");
    app.add_option("--log-format", g.log_format, "log format: text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    app.add_flag("--debug", g.debug, "log debug messages");
    app.add_flag("--systemd-cgroup", g.systemd_cgroup,
                 "the container's cgroup is a systemd scope (linux.cgroupsPath \"slice:prefix:name\")");
    app.add_option("--rootless", g.rootless, "rootless mode: true, false or auto")
        ->check(CLI::IsMember({"true", "false", "auto"}))
        ->expected(0, 1)
        ->default_str("auto");
}

void reject_unknown_option(const std::string& first_word) {
    if (first_word.size() > 1 && first_word[0] == '-') throw CLI::ExtrasError({first_word});
}

void resolve_globals(Globals& globals, bool root_given) {
    globals.is_rootless = rootless_mode(globals.rootless);
    if (!root_given) globals.root = default_state_root(globals.is_rootless, ::getenv("XDG_RUNTIME_DIR"));
}

}  // namespace rt::cli
