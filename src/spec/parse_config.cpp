// config.json as a whole (config.md): the top-level fields, root, mounts, hooks,
// and the entry points parse_config() and load_config().
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "parse_internal.hpp"
#include "rt/spec/parse.hpp"
#include "rt/util/error.hpp"
#include "rt/util/fd.hpp"

namespace rt::spec {

namespace json {

void decode(const Node& node, IdMapping& out) {
    node.required("containerID", out.container_id);
    node.required("hostID", out.host_id);
    node.required("size", out.size);
}

static void decode(const Node& node, Root& out) {
    node.required("path", out.path);
    node.optional("readonly", out.readonly);
}

static void decode(const Node& node, Mount& out) {
    node.required("destination", out.destination);
    node.optional("source", out.source);
    node.optional("options", out.options);
    node.optional("type", out.type);
    node.optional("uidMappings", out.uid_mappings);
    node.optional("gidMappings", out.gid_mappings);
}

static void decode(const Node& node, Hook& out) {
    node.required("path", out.path);
    node.optional("args", out.args);
    node.optional("env", out.env);
    node.optional("timeout", out.timeout);
}

static void decode(const Node& node, Hooks& out) {
    node.optional("prestart", out.prestart);
    node.optional("createRuntime", out.create_runtime);
    node.optional("createContainer", out.create_container);
    node.optional("startContainer", out.start_container);
    node.optional("poststart", out.poststart);
    node.optional("poststop", out.poststop);
}

// Platform objects other than "linux" (windows, solaris, vm, zos, freebsd) are
// not read at all: unknown and foreign fields are ignored, as the spec requires.
static void decode(const Node& node, Spec& out) {
    node.required("ociVersion", out.oci_version);
    node.optional("root", out.root);
    node.optional("mounts", out.mounts);
    node.optional("process", out.process);
    node.optional("hostname", out.hostname);
    node.optional("domainname", out.domainname);
    node.optional("hooks", out.hooks);
    node.optional("annotations", out.annotations);
    node.optional("linux", out.linux);
}

}  // namespace json

namespace {

std::string base_name(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The whole content of `path`; errors name `shown` ("config.json: No such file or directory").
std::string read_file(const std::string& path, const std::string& shown) {
    const unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno(shown);
    std::string content;
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(shown);
        }
        if (n == 0) break;
        content.append(buffer, static_cast<size_t>(n));
    }
    return content;
}

}  // namespace

Spec parse_config(std::string_view json_text) {
    const nlohmann::json document = json::parse_document(json_text);
    Spec spec;
    json::decode(json::Node(document), spec);
    return spec;
}

Spec load_config(const std::string& path) {
    const std::string shown = base_name(path);
    const std::string text = read_file(path, shown);
    try {
        return parse_config(text);
    } catch (const Error& e) {
        throw e.with_context(shown);
    }
}

}  // namespace rt::spec
