// rt: build the command line, run the command, map errors to exit codes.
#include <CLI/CLI.hpp>
#include <seccomp.h>

#include <algorithm>
#include <string>
#include <utility>

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

using AddCommand = void (*)(CLI::App&, rt::cli::Context&);

const std::pair<const char*, AddCommand> kCommands[] = {
    {"create", rt::cli::add_create}, {"start", rt::cli::add_start},   {"state", rt::cli::add_state},
    {"kill", rt::cli::add_kill},     {"delete", rt::cli::add_delete}, {"run", rt::cli::add_run},
    {"list", rt::cli::add_list},     {"spec", rt::cli::add_spec},     {"update", rt::cli::add_update},
    {"pause", rt::cli::add_pause},   {"resume", rt::cli::add_resume}, {"ps", rt::cli::add_ps},
    {"events", rt::cli::add_events}, {"exec", rt::cli::add_exec},     {"features", rt::cli::add_features},
};

// The command named on the command line when it is one of rt's, else
// nullptr. Only that one is built: CLI11 makes every option of every
// command, and building all of them took half a millisecond and 90 KB of
// heap of every rt call (measured on `rt run`). Anything unusual before the
// command (help, version, an unknown or optional-valued option) gets all of
// them, so that help and errors are CLI11's own.
AddCommand named_command(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.size() > 1 && arg[0] == '-') {
            if (arg.find('=') != std::string::npos) continue;  // --root=DIR
            const CLI::Option* option = app.get_option_no_throw(arg);
            if (!option || option->get_expected_min() != option->get_expected_max()) return nullptr;
            i += option->get_expected_max() * std::max(option->get_type_size(), 0);  // its values
            continue;
        }
        for (const auto& [name, add] : kCommands) {
            if (arg == name) return add;
        }
        return nullptr;
    }
    return nullptr;
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
    app.require_subcommand(1);
    app.fallthrough();
    rt::cli::add_global_options(app, ctx);
    if (AddCommand command = named_command(app, argc, argv)) {
        command(app, ctx);
    } else {
        for (const auto& [name, add] : kCommands) add(app, ctx);
    }

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
        return 1;
    }
}
