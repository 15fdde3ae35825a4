#include "sshcore/auth/host_key_check.hpp"

namespace sshcore::auth {

void KnownHostsDatabase::add_file(std::string path, std::string display_path, std::string_view text) {
  files_.push_back(File{std::move(path), std::move(display_path), parse_known_hosts(text)});
}

HostKeyCheck KnownHostsDatabase::check(std::string_view name, const keys::PublicKey& key) const {
  HostKeyCheck out;
  bool revoked = false;
  bool done = false;
  for (const File& f : files_) {
    // load_hostkeys() keeps only parsed keys of entries matching the name, in file order.
    for (const KnownHostsEntry* e : find_known_host(f.entries, name, /*require_key=*/true)) {
      if (e->marker == HostMarker::kRevoked) {
        if (*e->key == key) revoked = true;
        continue;
      }
      if (e->marker != HostMarker::kNone || done) continue;  // @cert-authority: certificates only
      KnownHostLocation at{f.path, e->line_number, *e->key, e->hosts};
      if (*e->key == key) {
        out.status = HostKeyStatus::kOk;
        out.found = std::move(at);
        done = true;
        continue;
      }
      // Any other key, whatever its type, is a changed key (check_hostkeys_by_key_or_type).
      out.status = HostKeyStatus::kChanged;
      out.found = std::move(at);
    }
  }
  if (revoked) return HostKeyCheck{HostKeyStatus::kRevoked, std::nullopt};
  return out;
}

std::vector<keys::KeyType> KnownHostsDatabase::known_key_types(std::string_view name) const {
  std::vector<keys::KeyType> types;
  for (const File& f : files_) {
    for (const KnownHostsEntry* e : find_known_host(f.entries, name, true)) {
      if (e->marker != HostMarker::kNone) continue;
      const keys::KeyType t = e->key->type();
      bool seen = false;
      for (keys::KeyType k : types) seen = seen || k == t;
      if (!seen) types.push_back(t);
    }
  }
  return types;
}

bool KnownHostsDatabase::knows(std::string_view name) const {
  for (const File& f : files_)
    if (!find_known_host(f.entries, name, true).empty()) return true;
  return false;
}

std::vector<std::string> KnownHostsDatabase::other_names(const keys::PublicKey& key) const {
  std::vector<std::string> names;
  for (const File& f : files_) {
    for (const KnownHostsEntry& e : f.entries) {
      if (e.kind != KnownHostsLineKind::kEntry || e.invalid || !e.key || e.marker != HostMarker::kNone) continue;
      if (!(*e.key == key)) continue;
      names.push_back(f.display_path + ":" + std::to_string(e.line_number) + ": " +
                      (e.hashed ? std::string("[hashed name]") : e.hosts));
    }
  }
  return names;
}

std::string other_names_message(const std::vector<std::string>& names) {
  if (names.empty()) return "This key is not known by any other names.";
  std::string out = "This host key is known by the following other names/addresses:";
  const std::size_t shown = names.size() < kMaxOtherHostNames ? names.size() : kMaxOtherHostNames;
  for (std::size_t i = 0; i < shown; ++i) out += "\n    " + names[i];
  if (shown < names.size())
    out += "\n    (" + std::to_string(names.size() - shown) + " additional names omitted)";
  return out;
}

}  // namespace sshcore::auth
