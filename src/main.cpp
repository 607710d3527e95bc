// rt: build the command line, run the command, map errors to exit codes.
#include <CLI/CLI.hpp>
#include <seccomp.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string_view>

#include "cli/commands.hpp"
#include "rt/linux/self_protect.hpp"
#include "rt/util/error.hpp"
#include "rt/util/log.hpp"

namespace {

// Every command of rt, in the order `rt --help` lists them. A new command is
// one add_* function in cli/ and one line here.
struct Command {
    std::string_view name;
    void (*add)(CLI::App&, rt::cli::Context&);
};
constexpr Command commands[] = {
    {"create", rt::cli::add_create}, {"start", rt::cli::add_start},   {"state", rt::cli::add_state},
    {"kill", rt::cli::add_kill},     {"delete", rt::cli::add_delete}, {"run", rt::cli::add_run},
    {"list", rt::cli::add_list},     {"spec", rt::cli::add_spec},     {"update", rt::cli::add_update},
    {"pause", rt::cli::add_pause},   {"resume", rt::cli::add_resume}, {"ps", rt::cli::add_ps},
    {"events", rt::cli::add_events}, {"exec", rt::cli::add_exec},     {"features", rt::cli::add_features},
    {"checkpoint", rt::cli::add_checkpoint}, {"restore", rt::cli::add_restore},
    {"help", rt::cli::add_help},
};

std::string version_text() {
    const scmp_version* seccomp = seccomp_version();
    return std::string("rt version ") + RT_VERSION + "\nspec: 1.3.0\nlibseccomp: " +
           std::to_string(seccomp->major) + "." + std::to_string(seccomp->minor) + "." +
           std::to_string(seccomp->micro);
}

// The command word when it names no command of rt (`rt checkpoin ...`):
// CLI11 leaves it unparsed, and would say "A subcommand is required", or
// print the main help for `rt checkpoin --help`.
std::optional<std::string> unknown_command(const CLI::App& app) {
    if (!app.get_subcommands().empty()) return std::nullopt;
    auto rest = app.remaining();
    if (rest.empty() || rest.front().empty() || rest.front()[0] == '-') return std::nullopt;
    return rest.front();
}

// Errors before the command runs go into the --log file too: containerd's
// shim and conmon show the user the last error there, and nothing else.
int usage_error(const rt::cli::Context& ctx, const std::string& message, int status) {
    try {
        const auto& g = ctx.globals;
        rt::log::configure(g.log, g.log_format == "json" ? rt::log::Format::json : rt::log::Format::text, false);
    } catch (const std::exception&) {
    }
    rt::log::fatal(message);
    return status;
}

// The command word: the first argument that is neither a global option nor
// the value of one ("" when there is none).
std::string_view command_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view word = argv[i];
        if (word == "--root" || word == "--log" || word == "--log-format" || word == "--rootless") {
            ++i;
            continue;
        }
        if (!word.empty() && word[0] == '-') continue;
        return word;
    }
    return {};
}

// True for the commands that switch to a read-only copy of rt's binary as
// they start (rt/linux/self_protect.hpp): exec, whose child joins the
// container; create and run only where the kernel cannot switch in place
// (they otherwise have their init switch, and need not themselves).
bool switches_as_it_starts(int argc, char** argv) {
    std::string_view word = command_word(argc, argv);
    if (word == "exec") return true;
    return (word == "create" || word == "run") && !rt::linux::in_place_switch_available();
}

// Only the command asked for is built: CLI11 builds every option of every
// command it is given, 1.6M of the 1.8M instructions of a short command
// (callgrind, `rt list`). Help, version and any other word (an unknown
// command, `help`, none) get all of them, so that what they print or refuse
// knows every command.
void add_commands(CLI::App& app, rt::cli::Context& ctx, int argc, char** argv) {
    std::string_view word = command_word(argc, argv);
    bool asks_for_help = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        asks_for_help |= arg == "-h" || arg == "--help" || arg == "-v" || arg == "--version";
    }
    if (!asks_for_help && word != "help") {
        for (const auto& command : commands) {
            if (command.name == word) {
                command.add(app, ctx);
                return;
            }
        }
    }
    for (const auto& command : commands) command.add(app, ctx);
}

// Before any other static initialiser, so that nothing else has run when rt
// swaps its executable for the read-only copy (and, where it must re-execute
// itself instead, the first run pays for nothing else). glibc passes argc and
// argv to initialisers, static binaries too. std::cerr does not exist yet.
__attribute__((constructor(101))) void protect_own_binary(int argc, char** argv, char**) {
    if (!switches_as_it_starts(argc, argv)) return;
    try {
        rt::linux::run_from_protected_copy(argv);
    } catch (const std::exception& e) {
        std::string message = std::string("rt: ") + e.what() + "\n";
        ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
        (void)ignored;
        ::_exit(1);
    }
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
    add_commands(app, ctx, argc, argv);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // An unknown command is an error even with --help, with runc's exit
        // status.
        if (auto name = unknown_command(app)) {
            return usage_error(ctx, rt::cli::unknown_command_message(*name), rt::cli::unknown_command_status);
        }
        if (dynamic_cast<const CLI::Success*>(&e)) return app.exit(e);  // --help, --version
        // `rt` alone: the help, as runc prints it.
        if (argc == 1) {
            std::cout << app.help();
            return 0;
        }
        return usage_error(ctx, e.what(), 1);
    }

    try {
        auto& g = ctx.globals;
        rt::log::configure(g.log, g.log_format == "json" ? rt::log::Format::json : rt::log::Format::text,
                           g.debug);
        rt::cli::resolve_globals(g, app.get_option("--root")->count() > 0);
        return ctx.action ? ctx.action() : 0;
    } catch (const std::exception& e) {
        rt::log::fatal(e.what());
        return ctx.failure_status;
    }
}
