// update, pause, resume, ps, events: the commands that watch and steer a
// running container through its cgroups, with runc's flags.
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <optional>

#include "commands.hpp"
#include "rt/container/container.hpp"
#include "rt/spec/parse.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"
#include "rt/util/units.hpp"

namespace rt::cli {
namespace {

struct UpdateArgs {
    std::string id;
    std::string resources;  // -r FILE or "-"
    std::optional<std::string> memory, memory_swap, memory_reservation, kernel_memory, kernel_memory_tcp;
    std::optional<std::string> cpu_shares, cpu_quota, cpu_period, cpu_burst, cpu_rt_period, cpu_rt_runtime,
        cpu_idle;
    std::optional<std::string> cpuset_cpus, cpuset_mems;
    std::optional<int64_t> pids_limit;
    std::optional<uint16_t> blkio_weight;
    std::optional<std::string> l3_cache_schema, mem_bw_schema;
};

template <typename T>
T parse_number(const std::string& flag, const std::string& text) {
    try {
        size_t used = 0;
        long long value = std::stoll(text, &used);
        if (used != text.size() || value < 0) throw std::invalid_argument(text);
        return static_cast<T>(value);
    } catch (const std::exception&) {
        throw Error("invalid value for --" + flag + ": \"" + text + "\"");
    }
}

int64_t parse_signed(const std::string& flag, const std::string& text) {
    try {
        size_t used = 0;
        long long value = std::stoll(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
        return value;
    } catch (const std::exception&) {
        throw Error("invalid value for --" + flag + ": \"" + text + "\"");
    }
}

int64_t parse_size(const std::string& flag, const std::string& text) {
    if (text == "-1") return -1;
    try {
        return parse_ram_size(text);
    } catch (const Error& e) {
        throw e.with_context("--" + flag);
    }
}

// The flags as a LinuxResources, as runc's update builds it.
spec::Resources resources_from_flags(const UpdateArgs& a) {
    spec::Resources r;
    spec::Memory memory;
    if (a.memory) memory.limit = parse_size("memory", *a.memory);
    if (a.memory_swap) memory.swap = parse_size("memory-swap", *a.memory_swap);
    if (a.memory_reservation) memory.reservation = parse_size("memory-reservation", *a.memory_reservation);
    if (a.kernel_memory) memory.kernel = parse_size("kernel-memory", *a.kernel_memory);
    if (a.kernel_memory_tcp) memory.kernel_tcp = parse_size("kernel-memory-tcp", *a.kernel_memory_tcp);
    if (memory.limit || memory.swap || memory.reservation || memory.kernel || memory.kernel_tcp) r.memory = memory;

    spec::Cpu cpu;
    if (a.cpu_shares) cpu.shares = parse_number<uint64_t>("cpu-shares", *a.cpu_shares);
    if (a.cpu_quota) cpu.quota = parse_signed("cpu-quota", *a.cpu_quota);
    if (a.cpu_period) cpu.period = parse_number<uint64_t>("cpu-period", *a.cpu_period);
    if (a.cpu_burst) cpu.burst = parse_number<uint64_t>("cpu-burst", *a.cpu_burst);
    if (a.cpu_rt_period) cpu.realtime_period = parse_number<uint64_t>("cpu-rt-period", *a.cpu_rt_period);
    if (a.cpu_rt_runtime) cpu.realtime_runtime = parse_signed("cpu-rt-runtime", *a.cpu_rt_runtime);
    if (a.cpu_idle) cpu.idle = parse_signed("cpu-idle", *a.cpu_idle);
    if (a.cpuset_cpus) cpu.cpus = *a.cpuset_cpus;
    if (a.cpuset_mems) cpu.mems = *a.cpuset_mems;
    if (cpu.shares || cpu.quota || cpu.period || cpu.burst || cpu.realtime_period || cpu.realtime_runtime ||
        cpu.idle || cpu.cpus || cpu.mems) {
        r.cpu = cpu;
    }
    if (a.pids_limit) r.pids = spec::Pids{*a.pids_limit};
    if (a.blkio_weight) {
        r.block_io = spec::BlockIo{};
        r.block_io->weight = *a.blkio_weight;
    }
    return r;
}

spec::Resources resources_from_json(const std::string& source) {
    std::string text;
    if (source == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        text = read_file(source);
    }
    try {
        return spec::parse_resources(text);
    } catch (const Error& e) {
        throw e.with_context(source == "-" ? "resources (standard input)" : "resources " + source);
    }
}

}  // namespace

void add_update(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<UpdateArgs>();
    auto* sub = app.add_subcommand("update", "change the resource limits of a container");
    sub->add_option("-r,--resources", a->resources,
                    "LinuxResources JSON file, or - for standard input (the other options are then ignored)");
    sub->add_option("--memory", a->memory, "memory limit in bytes (512m, 1g, -1 for none)");
    sub->add_option("--memory-swap", a->memory_swap, "memory + swap limit (-1 for unlimited swap)");
    sub->add_option("--memory-reservation", a->memory_reservation, "memory soft limit");
    sub->add_option("--kernel-memory", a->kernel_memory, "kernel memory limit (cgroup v1)");
    sub->add_option("--kernel-memory-tcp", a->kernel_memory_tcp, "kernel TCP buffer limit (cgroup v1)");
    sub->add_option("--cpu-shares,--cpu-share", a->cpu_shares, "CPU weight relative to other cgroups");
    sub->add_option("--cpu-quota", a->cpu_quota, "CPU time (usec) allowed in each period");
    sub->add_option("--cpu-period", a->cpu_period, "CFS period (usec)");
    sub->add_option("--cpu-burst", a->cpu_burst, "CPU time (usec) that may be accumulated for bursts");
    sub->add_option("--cpu-rt-period", a->cpu_rt_period, "realtime period (usec, cgroup v1)");
    sub->add_option("--cpu-rt-runtime", a->cpu_rt_runtime, "realtime runtime (usec, cgroup v1)");
    sub->add_option("--cpu-idle", a->cpu_idle, "1: the cgroup gets SCHED_IDLE");
    sub->add_option("--cpuset-cpus", a->cpuset_cpus, "CPUs to run on (0-3,7)");
    sub->add_option("--cpuset-mems", a->cpuset_mems, "memory nodes to use");
    sub->add_option("--pids-limit", a->pids_limit, "maximum number of processes (-1 for none)");
    sub->add_option("--blkio-weight", a->blkio_weight, "block I/O weight, 10 to 1000");
    sub->add_option("--l3-cache-schema", a->l3_cache_schema, "Intel RDT L3 cache schema (not supported)");
    sub->add_option("--mem-bw-schema", a->mem_bw_schema, "Intel RDT memory bandwidth schema (not supported)");
    sub->add_option("id", a->id, "container ID")->required();
    sub->callback([&ctx, a] {
        ctx.action = [&ctx, a] {
            if (a->l3_cache_schema || a->mem_bw_schema) {
                throw Error("Intel RDT is not supported by rt (--l3-cache-schema, --mem-bw-schema)");
            }
            spec::Resources r = a->resources.empty() ? resources_from_flags(*a) : resources_from_json(a->resources);
            container::update(ctx.store(), a->id, r);
            return 0;
        };
    });
}

void add_pause(CLI::App& app, Context& ctx) {
    auto id = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("pause", "freeze all processes of a container");
    sub->add_option("id", *id, "container ID")->required();
    sub->callback([&ctx, id] {
        ctx.action = [&ctx, id] {
            container::pause(ctx.store(), *id);
            return 0;
        };
    });
}

void add_resume(CLI::App& app, Context& ctx) {
    auto id = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("resume", "thaw a paused container");
    sub->add_option("id", *id, "container ID")->required();
    sub->callback([&ctx, id] {
        ctx.action = [&ctx, id] {
            container::resume(ctx.store(), *id);
            return 0;
        };
    });
}

void add_ps(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<container::PsOptions>();
    auto format = std::make_shared<std::string>("table");
    auto* sub = app.add_subcommand("ps", "show the processes of a container");
    sub->add_option("-f,--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
    // `rt ps [-f FORMAT] ID [--] [PS-OPTION...]`: what follows the ID goes to
    // ps(1) as it is, with or without "--" (runc takes both). CLI11 keeps
    // the order of such arguments only when they all come as "extras": the
    // ID is the first of them.
    sub->prefix_command();
    sub->fallthrough(false);
    sub->footer("Usage: rt ps [-f table|json] CONTAINER-ID [--] [PS-OPTION...]\n"
                "The PS-OPTIONs are passed to ps(1) (default -ef).");
    sub->callback([&ctx, options, format, sub] {
        options->json = *format == "json";
        std::vector<std::string> rest = sub->remaining();
        if (rest.empty() || rest.front() == "--") throw CLI::RequiredError("container ID");
        reject_unknown_option(rest.front());
        options->id = rest.front();
        rest.erase(rest.begin());
        if (!rest.empty() && rest.front() == "--") rest.erase(rest.begin());
        options->ps_args = rest;
        ctx.action = [&ctx, options] {
            std::cout << container::ps(ctx.store(), *options) << std::flush;
            return 0;
        };
    });
}

void add_events(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<container::EventsOptions>();
    auto interval = std::make_shared<std::string>("5s");
    auto* sub = app.add_subcommand("events", "print the statistics and OOM events of a container");
    sub->add_flag("--stats", options->stats_only, "print the statistics once and exit");
    sub->add_option("--interval", *interval, "time between two statistics (5s, 500ms, ...)")->capture_default_str();
    sub->add_option("id", options->id, "container ID")->required();
    sub->callback([&ctx, options, interval] {
        ctx.action = [&ctx, options, interval] {
            try {
                options->interval = parse_duration(*interval);
            } catch (const Error& e) {
                throw e.with_context("--interval");
            }
            container::events(ctx.store(), *options, std::cout);
            return 0;
        };
    });
}

}  // namespace rt::cli
