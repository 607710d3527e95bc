// rt spec: write a default config.json into a bundle directory, runc's
// template (rt/spec/default_config.hpp).
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
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
        bool seccomp = false;
    };
    auto args = std::make_shared<Args>();
    auto* sub = app.add_subcommand("spec", "write a default config.json");
    sub->add_option("-b,--bundle", args->bundle, "bundle directory (default: current directory)");
    sub->add_flag("--rootless", args->rootless, "a config for a rootless container");
    sub->add_flag("--seccomp", args->seccomp,
                  "add rt's default seccomp profile (a Docker-style allow-list; runc's template has none)");
    sub->callback([&ctx, args] {
        ctx.action = [args] {
            std::string path = args->bundle + "/config.json";
            spec::TemplateOptions options;
            options.rootless = args->rootless;
            options.seccomp = args->seccomp;
            // As runc: a cgroup namespace where cgroup v2 is all there is.
            struct statfs fs {};
            options.cgroup_namespace =
                ::statfs("/sys/fs/cgroup", &fs) == 0 && static_cast<unsigned long>(fs.f_type) == CGROUP2_SUPER_MAGIC;
            std::string text = spec::default_config_json(options);
            // O_EXCL: never overwrite someone's config. 0666 less the umask,
            // as runc.
            unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
            if (!fd) {
                if (errno == EEXIST) throw Error("File " + path + " exists. Remove it first", EEXIST);
                throw_errno("create " + path);
            }
            if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
                throw_errno("write " + path);
            }
            return 0;
        };
    });
}

}  // namespace rt::cli
