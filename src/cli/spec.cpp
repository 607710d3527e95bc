// rt spec: write a default config.json into a bundle directory.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "commands.hpp"
#include "rt/spec/default_config.hpp"
#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt::cli {

void add_spec(CLI::App& app, Context& ctx) {
    struct Args {
        std::string bundle = ".";
        bool rootless = false;
    };
    auto args = std::make_shared<Args>();
    auto* sub = app.add_subcommand("spec", "write a default config.json");
    sub->add_option("-b,--bundle", args->bundle, "bundle directory (default: current directory)");
    sub->add_flag("--rootless", args->rootless, "a config for a rootless container");
    sub->callback([&ctx, args] {
        ctx.action = [args] {
            std::string path = args->bundle + "/config.json";
            // O_EXCL: never overwrite someone's config.
            unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
            if (!fd) {
                if (errno == EEXIST) throw Error("File " + path + " exists. Remove it first", EEXIST);
                throw_errno("create " + path);
            }
            std::string text = spec::default_config_json(args->rootless);
            if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
                throw_errno("write " + path);
            }
            return 0;
        };
    });
}

}  // namespace rt::cli
