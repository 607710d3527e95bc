// The flags of checkpoint and restore checked, and the criu(8) command lines
// built from them: pure functions (rt/container/checkpoint.hpp).
#include <nlohmann/json.hpp>

#include <sstream>

#include "rt/container/checkpoint.hpp"
#include "rt/util/error.hpp"

namespace rt::container {
namespace {

std::string absolute(const std::string& path, const std::string& cwd) {
    if (path.empty() || path[0] == '/') return path;
    return cwd + "/" + path;
}

bool all_digits(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// ADDRESS:PORT, the address maybe in brackets (IPv6), as Go's SplitHostPort.
void parse_page_server(const std::string& text, CriuPlan& plan) {
    auto bad = [] { return Error("--page-server: use --page-server ADDRESS:PORT"); };
    std::string address, port;
    if (!text.empty() && text[0] == '[') {
        auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') throw bad();
        address = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) throw bad();
        address = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (address.empty() || port.empty()) throw bad();
    if (!all_digits(port) || port.size() > 5 || std::stoul(port) > 65535) {
        throw Error("--page-server: invalid port number \"" + port + "\"");
    }
    plan.page_server_address = address;
    plan.page_server_port = port;
}

void add_flag(std::vector<std::string>& args, bool on, const char* flag) {
    if (on) args.emplace_back(flag);
}

// What dump and restore pass alike.
void add_common(std::vector<std::string>& args, const CriuOptions& o, const CriuPlan& plan, const char* log) {
    args.insert(args.end(), {"-D", plan.image_dir});
    if (!plan.work_dir.empty()) args.insert(args.end(), {"-W", plan.work_dir});
    args.insert(args.end(), {"-o", log, "-v4", "--manage-cgroups=" + plan.cgroups_mode});
    add_flag(args, o.tcp_established, "--tcp-established");
    add_flag(args, o.ext_unix_sk, "--ext-unix-sk");
    add_flag(args, o.shell_job, "--shell-job");
    add_flag(args, o.file_locks, "--file-locks");
    add_flag(args, o.auto_dedup, "--auto-dedup");
    add_flag(args, o.lazy_pages, "--lazy-pages");
}

void add_external_mounts(std::vector<std::string>& args, const std::vector<ExternalMount>& mounts) {
    for (const auto& m : mounts) args.insert(args.end(), {"--external", "mnt[" + m.destination + "]:" + m.key});
}

}  // namespace

CriuPlan plan_criu(const CriuOptions& o, const std::string& cwd) {
    CriuPlan plan;
    plan.image_dir = absolute(o.image_path.empty() ? "checkpoint" : o.image_path, cwd);
    plan.work_dir = absolute(o.work_path, cwd);
    if (!o.manage_cgroups_mode.empty()) {
        const auto& m = o.manage_cgroups_mode;
        if (m != "soft" && m != "full" && m != "strict" && m != "ignore") {
            throw Error("--manage-cgroups-mode: invalid value \"" + m + "\" (soft, full, strict or ignore)");
        }
        plan.cgroups_mode = m;
    }
    for (const auto& ns : o.empty_ns) {
        if (ns != "network") throw Error("--empty-ns: namespace \"" + ns + "\" is not supported (only network)");
    }
    if (!o.page_server.empty()) parse_page_server(o.page_server, plan);
    if (!o.parent_path.empty()) {
        if (o.parent_path[0] == '/') throw Error("--parent-path must be relative (to --image-path)");
        plan.parent_path = o.parent_path;
    }
    return plan;
}

std::vector<std::string> criu_dump_args(const CriuOptions& o, const CriuPlan& plan, const DumpInputs& in) {
    std::vector<std::string> args{"criu", o.pre_dump ? "pre-dump" : "dump", "-t", std::to_string(in.pid)};
    add_common(args, o, plan, "dump.log");
    add_flag(args, o.leave_running, "--leave-running");
    add_flag(args, o.tcp_skip_in_flight, "--skip-in-flight");
    add_flag(args, o.link_remap, "--link-remap");
    if (o.lazy_pages && o.status_fd >= 0) args.insert(args.end(), {"--status-fd", std::to_string(o.status_fd)});
    if (!plan.page_server_address.empty()) {
        args.insert(args.end(), {"--page-server", "--address", plan.page_server_address, "--port",
                                 plan.page_server_port});
    }
    if (!plan.parent_path.empty()) args.insert(args.end(), {"--prev-images-dir", plan.parent_path, "--track-mem"});
    if (!in.freezer_cgroup.empty()) args.insert(args.end(), {"--freeze-cgroup", in.freezer_cgroup});
    // A pre-dump saves memory only: no mounts, no namespaces.
    if (!o.pre_dump) {
        add_external_mounts(args, in.mounts);
        for (const auto& ns : in.external_namespaces) args.insert(args.end(), {"--external", ns});
        // As runc: the network namespace's links and settings are not
        // saved (a veth's peer is the caller's, who sets it up again).
        if (plan.empty_net && in.own_net) args.insert(args.end(), {"--empty-ns", "net"});
    }
    return args;
}

std::vector<std::string> criu_restore_args(const CriuOptions& o, const CriuPlan& plan, const RestoreInputs& in) {
    std::vector<std::string> args{"criu", "restore"};
    add_common(args, o, plan, "restore.log");
    // The restored init becomes rt's child (as runc's rst_sibling), and CRIU
    // leaves once it runs.
    args.insert(args.end(), {"--root", in.root, "--restore-detached", "--restore-sibling", "--pidfile",
                             in.pidfile, "--evasive-devices"});
    // runc's empty network namespace (callers set the network up again),
    // for a container with a network namespace of its own.
    if (plan.empty_net && in.own_net) args.insert(args.end(), {"--empty-ns", "net"});
    if (!o.lsm_profile.empty()) args.insert(args.end(), {"--lsm-profile", o.lsm_profile});
    if (!o.lsm_mount_context.empty()) args.insert(args.end(), {"--lsm-mount-context", o.lsm_mount_context});
    add_external_mounts(args, in.mounts);
    for (const auto& fd : in.inherit_fds) args.insert(args.end(), {"--inherit-fd", fd});
    for (const auto& ns : in.join_ns) args.insert(args.end(), {"--join-ns", ns});
    return args;
}

std::string descriptors_json(const std::vector<std::string>& links) { return nlohmann::json(links).dump(); }

std::vector<std::string> descriptors_from_json(const std::string& text) {
    std::vector<std::string> links;
    try {
        links = nlohmann::json::parse(text).get<std::vector<std::string>>();
    } catch (const std::exception& e) {
        throw Error(std::string("descriptors.json: ") + e.what());
    }
    // fds 0, 1 and 2 and nothing else: the image directory is input, and
    // each entry becomes an --inherit-fd of rt's own fd of that number.
    if (links.size() > 3) throw Error("descriptors.json: more than 3 descriptors (stdin, stdout, stderr)");
    return links;
}

// "pipe:[INODE]" as /proc/PID/fd says a pipe, and nothing more.
bool is_pipe_link(const std::string& link) {
    const std::string head = "pipe:[";
    if (link.size() <= head.size() + 1 || link.compare(0, head.size(), head) != 0 || link.back() != ']') return false;
    return all_digits(link.substr(head.size(), link.size() - head.size() - 1));
}

std::vector<std::string> inherit_fds_for(const std::vector<std::string>& descriptors) {
    std::vector<std::string> out;
    for (size_t fd = 0; fd < descriptors.size() && fd < 3; ++fd) {
        if (is_pipe_link(descriptors[fd])) out.push_back("fd[" + std::to_string(fd) + "]:" + descriptors[fd]);
    }
    return out;
}

std::vector<std::string> cgroup_roots_from(const std::string& proc_pid_cgroup) {
    std::vector<std::string> roots;
    std::istringstream lines(proc_pid_cgroup);
    std::string line;
    while (std::getline(lines, line)) {
        auto first = line.find(':');
        if (first == std::string::npos) continue;
        auto second = line.find(':', first + 1);
        if (second == std::string::npos) continue;
        std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        // "0::/path" (cgroup v2): no controller names it; CRIU takes it as
        // the root of every controller not named otherwise.
        roots.push_back(controllers.empty() ? path : controllers + ":" + path);
    }
    return roots;
}

}  // namespace rt::container
