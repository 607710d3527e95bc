// rt help [COMMAND], as runc's `help` (alias `h`).
#include <iostream>

#include "commands.hpp"
#include "rt/util/error.hpp"

namespace rt::cli {

std::string unknown_command_message(const std::string& name) { return "unknown command \"" + name + "\""; }

void add_help(CLI::App& app, Context& ctx) {
    auto topic = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("help", "print the help of rt, or of one command");
    sub->alias("h");
    sub->add_option("command", *topic, "the command");
    sub->callback([&app, &ctx, topic] {
        ctx.action = [&app, &ctx, topic] {
            // Through the formatter: App::help() would describe `help`
            // itself, the command being run.
            const auto& formatter = *app.get_formatter();
            if (topic->empty()) {
                std::cout << formatter.make_help(&app, "rt", CLI::AppFormatMode::Normal);
                return 0;
            }
            for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
                if (command->check_name(*topic)) {
                    std::cout << formatter.make_help(command, "rt " + command->get_name(), CLI::AppFormatMode::Normal);
                    return 0;
                }
            }
            ctx.failure_status = unknown_command_status;
            throw Error(unknown_command_message(*topic));
        };
    });
}

}  // namespace rt::cli
