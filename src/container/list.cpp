// rt list: every container under --root, as runc's table, JSON or IDs.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "container_cgroups.hpp"
#include "internal.hpp"
#include "rt/util/passwd.hpp"

namespace rt::container {

std::string list(const state::Store& store, const ListOptions& options) {
    std::string out;
    if (options.quiet) {
        // The names only: no state is read (with 1,000 containers, reading
        // them was 60 ms of the 60).
        for (const auto& id : store.list()) out += id + "\n";
        return out;
    }
    struct Row {
        state::ContainerState state;
        Status status;
        std::string owner;
    };
    std::vector<Row> rows;
    std::map<uid_t, std::string> owners;  // /etc/passwd is read once per owner, not per container
    // Each state is read without its cgroup paths (most of a v1 state file):
    // they are needed only to read the freezer, and then read in full.
    store.for_each_listed(false, [&](state::Store::Listed& listed) {
        const int dir = listed.dir.get();
        Row row{std::move(listed.state), Status::creating, ""};
        row.status = live_status(
            row.state,
            [&] {
                try {
                    return is_frozen(store.load(row.state.id));
                } catch (const state::NotFound&) {
                    return false;
                }
            },
            [&] {
                struct stat st {};
                return ::fstatat(dir, "exec.fifo", &st, AT_SYMLINK_NOFOLLOW) == 0;
            });
        auto [owner, unseen] = owners.try_emplace(listed.owner);
        if (unseen) {
            auto user = host_user(listed.owner);
            owner->second = user ? user->name : std::to_string(listed.owner);
        }
        row.owner = owner->second;
        rows.push_back(std::move(row));
    });

    if (options.json) {
        nlohmann::ordered_json array = nlohmann::ordered_json::array();
        for (const auto& row : rows) {
            auto entry = nlohmann::ordered_json::parse(oci_state_json(row.state, row.status, false));
            entry["owner"] = row.owner;
            array.push_back(entry);
        }
        return array.dump() + "\n";
    }
    // runc's table: tab-aligned columns, at least 12 wide.
    std::vector<std::vector<std::string>> table = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
    for (const auto& row : rows) {
        int pid = row.status == Status::stopped ? 0 : row.state.pid;
        table.push_back({row.state.id, std::to_string(pid), to_string(row.status), row.state.bundle,
                         row.state.created, row.owner});
    }
    std::vector<size_t> widths(table[0].size(), 11);
    for (const auto& cells : table) {
        for (size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], cells[i].size());
    }
    for (const auto& cells : table) {
        std::string line;
        for (size_t i = 0; i < cells.size(); ++i) {
            line += cells[i];
            if (i + 1 < cells.size()) line += std::string(widths[i] - cells[i].size() + 3, ' ');
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace rt::container
