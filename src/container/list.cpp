// rt list: every container under --root, as runc's table, JSON or IDs.
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

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
    for (const auto& id : store.list()) {
        try {
            Row row{store.load(id), Status::creating, ""};
            row.status = status_of(store, row.state);
            row.state.cgroup_paths.clear();  // not shown: its memory serves the next container
            struct stat st {};
            if (::stat(store.dir(id).c_str(), &st) == 0) {
                auto [owner, unseen] = owners.try_emplace(st.st_uid);
                if (unseen) {
                    auto user = host_user(st.st_uid);
                    owner->second = user ? user->name : std::to_string(st.st_uid);
                }
                row.owner = owner->second;
            }
            rows.push_back(std::move(row));
        } catch (const state::NotFound&) {
            // Being created or deleted right now: not listed, as with runc.
        }
    }

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
