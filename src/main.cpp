// rt: build the command line, run the command, map errors to exit codes.
#include <CLI/CLI.hpp>
#include <seccomp.h>


#include "cli/commands.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace {

std::string version_text() {
    const scmp_version* seccomp = seccomp_version();
    return std::string("rt version ") + RT_VERSION + "\nspec: 1.3.0\nlibseccomp: " +
           std::to_string(seccomp->major) + "." + std::to_string(seccomp->minor) + "." +
           std::to_string(seccomp->micro);
}

// CLI11 says "A subcommand is required" for `rt pause ID` when rt has no
// `pause`: name the command instead.
std::string parse_error_text(const CLI::App& app, const CLI::ParseError& e) {
    auto rest = app.remaining();
    if (app.get_subcommands().empty() && !rest.empty() && !rest.front().empty() && rest.front()[0] != '-') {
        return "unknown command \"" + rest.front() + "\"";
    }
    return e.what();
}

}  // namespace

int main(int argc, char** argv) {
    rt::cli::Context ctx;
    CLI::App app{"rt: a low-level OCI container runtime", "rt"};
    app.set_version_flag("-v,--version", version_text());
    // runc (urfave/cli) takes the last of a repeated single-value option:
    // CRI-O's conmon-rs passes --root twice. Set before any option or
    // subcommand exists, so that every one inherits it; the options runc
    // treats as lists (exec --env, --cap, ...) say TakeAll themselves.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.require_subcommand(1);
    app.fallthrough();
    rt::cli::add_global_options(app, ctx);
    rt::cli::add_create(app, ctx);
    rt::cli::add_start(app, ctx);
    rt::cli::add_state(app, ctx);
    rt::cli::add_kill(app, ctx);
    rt::cli::add_delete(app, ctx);
    rt::cli::add_run(app, ctx);
    rt::cli::add_list(app, ctx);
    rt::cli::add_spec(app, ctx);
    rt::cli::add_update(app, ctx);
    rt::cli::add_pause(app, ctx);
    rt::cli::add_resume(app, ctx);
    rt::cli::add_ps(app, ctx);
    rt::cli::add_events(app, ctx);
    rt::cli::add_exec(app, ctx);
    rt::cli::add_features(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);  // --help, --version
    } catch (const CLI::ParseError& e) {
        // Into the --log file too: containerd's shim and conmon show the
        // user the last error there, and nothing else.
        try {
            const auto& g = ctx.globals;
            rt::log::configure(g.log, g.log_format == "json" ? rt::log::Format::json : rt::log::Format::text,
                               false);
        } catch (const std::exception&) {
        }
        rt::log::fatal(parse_error_text(app, e));
        return 1;
    }

    try {
        const auto& g = ctx.globals;
        rt::log::configure(g.log, g.log_format == "json" ? rt::log::Format::json : rt::log::Format::text,
                           g.debug);
        rt::cli::check_globals(g);
        return ctx.action ? ctx.action() : 0;
    } catch (const std::exception& e) {
        rt::log::fatal(e.what());
        return ctx.failure_status;
    }
}
