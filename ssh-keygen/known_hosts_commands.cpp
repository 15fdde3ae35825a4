// -F / -R / -H: finding, removing and hashing known_hosts entries, printing what
// OpenSSH's do_known_hosts() prints. The file logic lives in the core
// (auth/known_hosts.hpp); edits replace the file atomically and keep "FILE.old".
#include <cstdio>
#include <cstring>

#include "diagnostics.hpp"
#include "fingerprint_print.hpp"
#include "invocation.hpp"
#include "key_loading.hpp"
#include "sshcore/auth/known_hosts.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/keys/fingerprint.hpp"

namespace sshkeygen {

namespace auth = sshcore::auth;
namespace io = sshcore::io;
namespace keys = sshcore::keys;

namespace {

void print_notes(const Options& o, const std::string& path, const std::string& name,
                 const auth::KnownHostsEdit& edit) {
  for (const auth::KnownHostsNote& note : edit.notes) {
    switch (note.kind) {
      case auth::KnownHostsNoteKind::kRemoved:
        if (!o.quiet) fmt::print(stdout, "# Host {} found: line {}\n", name, note.line_number);
        break;
      case auth::KnownHostsNoteKind::kInvalidLine:
        logit("{}:{}: invalid line", path, note.line_number);
        break;
      case auth::KnownHostsNoteKind::kWildcardKept:
        logit("{}:{}: ignoring host name with wildcard: {:.64}", path, note.line_number, note.hosts);
        break;
    }
  }
}

// -F: every matching entry, as it stands, hashed (-H) or as a fingerprint (-l).
int find_hosts(const Options& o, const std::string& name, std::span<const auth::KnownHostsEntry> entries) {
  auto found = auth::find_known_host(entries, name, /*require_key=*/o.print_fingerprint);
  for (const auth::KnownHostsEntry* e : found) {
    if (!o.quiet)
      fmt::print(stdout, "# Host {} found: line {} {}\n", name, e->line_number, auth::found_marker_label(e->marker));
    if (o.hash_hosts) {
      for (const std::string& line : auth::hash_known_hosts_entry(*e).lines) fmt::print(stdout, "{}\n", line);
    } else if (o.print_fingerprint) {
      std::string text = fmt::format("{} {} {}{}{}\n", name, e->key->info().short_name,
                                     display_fingerprint(o, *e->key), e->comment.empty() ? "" : " ", e->comment);
      fmt::print(stdout, "{}", printable(text));
      if (wants_randomart(o)) fmt::print(stdout, "{}\n", keys::randomart(*e->key, o.fingerprint_hash));
    } else {
      fmt::print(stdout, "{}\n", e->line);
    }
  }
  return found.empty() ? 1 : 0;
}

// -F together with -R: OpenSSH runs its delete logic on the matching lines only
// (hostkeys_foreach reports nothing else when asked for matches) and writes to stdout.
int find_and_delete_to_stdout(const Options& o, const std::string& path, const std::string& name,
                              std::span<const auth::KnownHostsEntry> entries) {
  bool found = false;
  for (const auth::KnownHostsEntry* e : auth::find_known_host(entries, name, false)) {
    if (e->marker != auth::HostMarker::kNone) {
      fmt::print(stdout, "{}\n", e->line);
      continue;
    }
    found = true;
    if (!o.quiet) fmt::print(stdout, "# Host {} found: line {}\n", name, e->line_number);
  }
  if (found) return 0;
  logit("Host {} not found in {}", name, path);
  return 1;
}

}  // namespace

int do_known_hosts(Invocation& inv) {
  Options& o = inv.options;
  if (!o.have_identity) {
    o.identity_file = inv.home_dir + "/.ssh/known_hosts";
    o.have_identity = true;
  }
  const std::string path = o.identity_file;
  io::PathStatus st = io::stat_path(path);
  if (!st.ok()) fatal("Cannot stat {}: {}", path, std::strerror(st.error));
  auto data = io::read_file(path);
  if (!data) fatal("hostkeys_foreach: {}", ssh_err(data.error()));
  // Only -F -l prints keys; finding, removing and hashing need the hosts fields.
  std::vector<auth::KnownHostsEntry> entries = auth::parse_known_hosts(
      sshcore::as_chars(*data), o.find_host && o.print_fingerprint ? auth::KnownHostsKeys::kParse
                                                                    : auth::KnownHostsKeys::kSkip);
  const std::string name = o.rr_hostname.value_or("");

  if (o.find_host && o.delete_host) return find_and_delete_to_stdout(o, path, name, entries);
  if (o.find_host) return find_hosts(o, name, entries);

  auth::KnownHostsEdit edit =
      o.delete_host ? auth::remove_known_host(entries, name) : auth::hash_known_hosts(entries);
  print_notes(o, path, name, edit);
  if (edit.invalid) {
    error("{} is not a valid known_hosts file.", path);
    error("Not replacing existing known_hosts file because of errors");
    return 1;
  }
  if (o.delete_host && !edit.found) {
    logit("Host {} not found in {}", name, path);
    return 0;
  }
  const std::string old = path + ".old";
  io::WriteOptions mode{static_cast<mode_t>(st.status.mode & 0644), false};
  if (auto replaced = io::replace_file_keep_backup(path, sshcore::as_bytes(edit.text), old, mode); !replaced) {
    const std::string& why = replaced.error().detail;
    if (why.starts_with("rename")) {
      error("{}", why);
      return 1;
    }
    if (why.starts_with("unlink ") || why.starts_with("link ")) fatal("{}", why);
    fatal("mkstemp: {}", why);
  }
  fmt::print(stdout, "{} updated.\n", path);
  fmt::print(stdout, "Original contents retained as {}\n", old);
  if (edit.had_unhashed) {
    logit("WARNING: {} contains unhashed entries", old);
    logit("Delete this file to ensure privacy of hostnames");
  }
  return 0;
}

}  // namespace sshkeygen
