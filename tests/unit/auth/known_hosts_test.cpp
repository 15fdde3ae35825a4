// known_hosts parsing, matching and the ssh-keygen -F/-R/-H edits, checked against Debian's
// ssh-keygen run at test time on the same files (both directions for hashed names).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "sshcore/auth/known_hosts.hpp"
#include "sshcore/base/encoding.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace sshcore;
using namespace sshcore::auth;
using sshpp::test::read_text;
using sshpp::test::run;
using sshpp::test::RunResult;
using sshpp::test::TempDir;
using sshpp::test::test_data;
using sshpp::test::write_text;

namespace {

const char* kSshKeygen = "/usr/bin/ssh-keygen";

// "type base64" of a committed public key (no comment).
std::string key_of(const std::string& name) {
  std::string text = read_text(test_data("openssh-fingerprints/" + name + ".pub"));
  std::size_t sp1 = text.find(' ');
  std::size_t sp2 = text.find_first_of(" \n", sp1 + 1);
  return text.substr(0, sp2);
}

Bytes salt_of_field(std::string_view field) {
  std::string_view b64 = field.substr(3, field.find('|', 3) - 3);
  auto salt = base64_decode(b64);
  EXPECT_TRUE(salt);
  return salt ? *salt : Bytes{};
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string line(text.substr(0, nl));
    if (!line.empty() && line.back() == '\r') line.pop_back();  // OpenSSH logs end in "\r\n"
    out.push_back(line);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return out;
}

// A file every line of which OpenSSH accepts: comments, blanks, markers, wildcards,
// negation, [host]:port, mixed case, a hashed name, an unsupported key type (DSA).
std::string clean_fixture() {
  const std::string ed = key_of("ed25519"), ec = key_of("ecdsa256"), rsa = key_of("rsa1024");
  auto hashed = hash_known_host_name("hashed.example.com", Bytes(20, 0x5a));
  EXPECT_TRUE(hashed);
  return "# known_hosts fixture\n"
         "localhost " + ed + "\n"
         "[localhost]:2222,other.example.com " + ec + " hello world\n"
         "   \n"
         "\n"
         "@cert-authority *.example.com " + ed + " ca key\n"
         "@revoked localhost " + ec + "\n"
         "*.wild.example,!bad.wild.example " + rsa + "\n"
         "  \t# indented comment\n"
         "10.0.0.?,Mixed.Case.Host\t" + ed + " trailing  comment \n"
         + *hashed + " " + rsa + " hashed\n"
         "a,,b " + ed + "\n"
         ",c " + ed + "\n"
         "A.B,C\t" + ec + " x  y \n"
         "host.dss ssh-dss AAAAB3NzaC1kc3MAAAAA\n"
         "localhost ED25519 AAAA\n"
         "last.example.com " + ed;  // no final newline
}

// Lines OpenSSH calls invalid, each at a known line number of the file below.
std::string dirty_fixture() {
  const std::string ed = key_of("ed25519");
  return clean_fixture() + "\n"
         "garbage\n"                                  // no key type
         "localhost\n"                                // truncated before key type
         "localhost ssh-foo AAAA\n"                   // unknown type
         "localhost ssh-rsa\n"                        // truncated after key type
         "localhost ssh-rsa   # comment\n"            // still truncated
         "@bogus host " + ed + "\n"                   // unknown marker
         "@revoked @revoked host " + ed + "\n"        // two markers
         "@cert-authority\n"                          // marker only
         "|1|bad|x " + ed + "\n"                      // bad salt (invalid only when matching)
         "12345 65537 1234 host\n"                    // SSH-1 style
         "x 1 AAAA\n"                                 // one-character type
         "@revoked\t*.example.com " + ed + "\n";     // OpenSSH wants a space after a marker first
}

std::string render_find(std::span<const KnownHostsEntry> entries, const std::string& name) {
  std::string out;
  for (const KnownHostsEntry* e : find_known_host(entries, name)) {
    out += "# Host " + name + " found: line " + std::to_string(e->line_number) + " " +
           std::string(found_marker_label(e->marker)) + "\n";
    out += e->line + "\n";
  }
  return out;
}

std::string render_find_fingerprints(std::span<const KnownHostsEntry> entries, const std::string& name) {
  std::string out;
  for (const KnownHostsEntry* e : find_known_host(entries, name, true)) {
    out += "# Host " + name + " found: line " + std::to_string(e->line_number) + " " +
           std::string(found_marker_label(e->marker)) + "\n";
    out += name + " " + std::string(e->key->info().short_name) + " " + keys::fingerprint(*e->key) +
           (e->comment.empty() ? "" : " ") + e->comment + "\n";
  }
  return out;
}

const std::vector<std::string> kNames = {
    "localhost", "LOCALHOST", "[localhost]:2222", "other.example.com", "x.example.com",
    "x.wild.example", "bad.wild.example", "10.0.0.5", "10.0.0.55", "mixed.case.host",
    "MIXED.case.host", "hashed.example.com", "a", "b", "c", "a.b", "nothere", "last.example.com",
    "host.dss", ""};

}  // namespace

TEST(KnownHostName, PortForms) {
  EXPECT_EQ(known_host_name("host", 22), "host");
  EXPECT_EQ(known_host_name("host", 0), "host");
  EXPECT_EQ(known_host_name("host", 2222), "[host]:2222");
  EXPECT_EQ(known_host_name("::1", 830), "[::1]:830");
}

// Fields written by Debian's ssh-keygen 9.2 (`ssh-keygen -H -f F` on a file F holding the line
// "NAME <tests/data/openssh-fingerprints/ed25519.pub key>"): same salt, same field.
TEST(HashKnownHostName, MatchesOpenSshVectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"vector.example.com", "|1|k6GwdeNQlM4xU2QQwt/FjR60R38=|s2bCBlUrkQODP37Zu3kF3GhslV8="},
      {"[vector.example.com]:2222", "|1|2kfCRX8lVim5Ya3rqYWkHlZ8Bck=|beWskYBTkS06UHTtQ5ocwQaGPFY="},
  };
  for (auto [name, field] : vectors) {
    auto ours = hash_known_host_name(name, salt_of_field(field));
    ASSERT_TRUE(ours);
    EXPECT_EQ(*ours, field);
    EXPECT_EQ(match_known_host(field, name), HostMatch::kYes);
    EXPECT_EQ(match_known_host(field, "vector.example.org"), HostMatch::kNo);
  }
  EXPECT_FALSE(hash_known_host_name("x", Bytes(19, 0)));
  std::string a = hash_known_host_name("x"), b = hash_known_host_name("x");
  EXPECT_NE(a, b);  // fresh salts
  EXPECT_EQ(a.size(), 3 + 28 + 1 + 28u);
  EXPECT_EQ(match_known_host(a, "x"), HostMatch::kYes);
  EXPECT_EQ(match_known_host(b, "x"), HostMatch::kYes);
}

TEST(MatchKnownHost, PatternsAndHashes) {
  EXPECT_EQ(match_known_host("a,b,c", "b"), HostMatch::kYes);
  EXPECT_EQ(match_known_host("a,b,c", "B"), HostMatch::kYes);   // name lowercased
  EXPECT_EQ(match_known_host("A,B", "b"), HostMatch::kYes);     // patterns lowercased
  EXPECT_EQ(match_known_host("*.x,!y.x", "y.x"), HostMatch::kNo);
  EXPECT_EQ(match_known_host("*.x,!y.x", "z.x"), HostMatch::kYes);
  EXPECT_EQ(match_known_host("!y.x", "z.x"), HostMatch::kNo);
  EXPECT_EQ(match_known_host("[h]:2222", "[h]:2222"), HostMatch::kYes);
  EXPECT_EQ(match_known_host("[h]:2222", "h"), HostMatch::kNo);
  EXPECT_EQ(match_known_host("h", "[h]:2222"), HostMatch::kNo);
  EXPECT_EQ(match_known_host("", "h"), HostMatch::kNo);
  std::string good = *hash_known_host_name("h", Bytes(20, 1));
  EXPECT_EQ(match_known_host(good, "h"), HostMatch::kYes);
  EXPECT_EQ(match_known_host(good, "H"), HostMatch::kNo);  // hashed names compare exactly
  EXPECT_EQ(match_known_host(good + ",h", "h"), HostMatch::kNo);
  EXPECT_EQ(match_known_host(good.substr(0, good.size() - 1), "h"), HostMatch::kNo);
  // Salts that OpenSSH's extract_salt() refuses make the line invalid.
  EXPECT_EQ(match_known_host("|1|bad|x", "h"), HostMatch::kBadHash);
  EXPECT_EQ(match_known_host("|2|" + good.substr(3), "h"), HostMatch::kBadHash);
  EXPECT_EQ(match_known_host("|1|", "h"), HostMatch::kBadHash);
  EXPECT_EQ(match_known_host("|1||x", "h"), HostMatch::kBadHash);
  EXPECT_EQ(match_known_host("|", "h"), HostMatch::kBadHash);
  EXPECT_EQ(match_known_host("|1|AAAA|x", "h"), HostMatch::kBadHash);  // 3-byte salt
  // An unpadded 20-byte salt does not decode for OpenSSH (b64_pton wants padding).
  std::string unpadded = "|1|" + base64_encode(Bytes(20, 1), false) + good.substr(good.rfind('|'));
  EXPECT_EQ(match_known_host(unpadded, "h"), HostMatch::kBadHash);
}

TEST(ParseKnownHosts, KindsMarkersKeysComments) {
  auto entries = parse_known_hosts(clean_fixture());
  ASSERT_EQ(entries.size(), 17u);
  for (std::size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].line_number, i + 1);
  EXPECT_EQ(entries[0].kind, KnownHostsLineKind::kComment);
  EXPECT_EQ(entries[3].kind, KnownHostsLineKind::kBlank);
  EXPECT_EQ(entries[3].line, "   ");
  EXPECT_EQ(entries[4].kind, KnownHostsLineKind::kBlank);
  EXPECT_EQ(entries[8].kind, KnownHostsLineKind::kComment);

  const KnownHostsEntry& plain = entries[1];
  EXPECT_EQ(plain.kind, KnownHostsLineKind::kEntry);
  EXPECT_EQ(plain.hosts, "localhost");
  EXPECT_FALSE(plain.hashed);
  EXPECT_EQ(plain.marker, HostMarker::kNone);
  ASSERT_TRUE(plain.key);
  EXPECT_EQ(plain.key->info().ssh_name, "ssh-ed25519");
  EXPECT_EQ(plain.comment, "");
  EXPECT_FALSE(plain.invalid);

  EXPECT_EQ(entries[2].hosts, "[localhost]:2222,other.example.com");
  EXPECT_EQ(entries[2].comment, "hello world");
  ASSERT_TRUE(entries[2].key);
  EXPECT_EQ(entries[2].key->bits(), 256u);

  EXPECT_EQ(entries[5].marker, HostMarker::kCertAuthority);
  EXPECT_EQ(entries[5].hosts, "*.example.com");
  EXPECT_EQ(entries[5].comment, "ca key");
  EXPECT_EQ(entries[6].marker, HostMarker::kRevoked);

  EXPECT_EQ(entries[9].hosts, "10.0.0.?,Mixed.Case.Host");
  EXPECT_EQ(entries[9].comment, "trailing  comment ");
  EXPECT_EQ(entries[9].key_text.substr(0, 12), "ssh-ed25519 ");

  EXPECT_TRUE(entries[10].hashed);
  ASSERT_TRUE(entries[10].key);
  EXPECT_EQ(entries[10].key->info().ssh_name, "ssh-rsa");

  // DSA: a type OpenSSH knows, so the line is valid, but we do not parse the key.
  EXPECT_FALSE(entries[14].invalid);
  EXPECT_FALSE(entries[14].key);
  ASSERT_TRUE(entries[14].key_error);
  EXPECT_EQ(entries[14].key_error->code, Errc::kKeyTypeUnsupported);
  // A short type name passes OpenSSH's quick check, but is never a parseable key.
  EXPECT_FALSE(entries[15].invalid);
  EXPECT_FALSE(entries[15].key);
  EXPECT_EQ(entries[16].line, "last.example.com " + key_of("ed25519"));
  EXPECT_TRUE(entries[16].key);
}

TEST(ParseKnownHosts, LinesAsOpenSshSeesThem) {
  EXPECT_TRUE(parse_known_hosts("").empty());
  EXPECT_EQ(parse_known_hosts("\n").size(), 1u);
  EXPECT_EQ(parse_known_hosts("a\nb").size(), 2u);
  EXPECT_EQ(parse_known_hosts("a\nb\n").size(), 2u);
  auto nul = parse_known_hosts(std::string("# x\0y\nz", 7));
  ASSERT_EQ(nul.size(), 2u);
  EXPECT_EQ(nul[0].line, "# x");
  EXPECT_EQ(nul[1].line, "z");
  auto crlf = parse_known_hosts("h " + key_of("ed25519") + "\r\n");
  ASSERT_EQ(crlf.size(), 1u);
  EXPECT_EQ(crlf[0].line.back(), '\r');
  EXPECT_TRUE(crlf[0].key);  // b64_pton skips the '\r', as in OpenSSH
}

TEST(ParseKnownHosts, GarbageLinesAreReportedNotFatal) {
  auto entries = parse_known_hosts(dirty_fixture());
  std::vector<std::size_t> invalid;
  for (const auto& e : entries)
    if (e.invalid) invalid.push_back(e.line_number);
  // Lines 18-29 but 26, the bad salt, which is only invalid when a name is matched against it.
  EXPECT_EQ(invalid, (std::vector<std::size_t>{18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 29}));
  // "@revoked<TAB>..." is a bad marker for OpenSSH, which looks for a space first.
  EXPECT_EQ(entries[28].marker, HostMarker::kNone);
  EXPECT_EQ(entries[28].invalid->detail, "invalid marker");
}

TEST(ParseKnownHosts, RandomBytesNeverCrash) {
  std::mt19937 rng(12345);
  const std::string alphabet = std::string("abc|1*?!,@# \t\n\r=+/AZaz09[]:") + std::string(1, '\0');
  for (int round = 0; round < 300; ++round) {
    std::string text;
    std::size_t len = rng() % 400;
    for (std::size_t i = 0; i < len; ++i)
      text += (round % 2) ? static_cast<char>(rng() & 0xff) : alphabet[rng() % alphabet.size()];
    if (round % 5 == 0) text = "|1|" + base64_encode(Bytes(20, 3)) + "|" + text + " ssh-ed25519 AAAA\n" + text;
    auto entries = parse_known_hosts(text);
    for (const auto& e : entries) {
      EXPECT_GE(e.line_number, 1u);
      EXPECT_LE(e.line_number, entries.size());
      if (e.invalid) {
        EXPECT_FALSE(e.key);
      }
    }
    (void)find_known_host(entries, "a");
    auto removed = remove_known_host(entries, "a");
    auto hashed = hash_known_hosts(entries);
    for (const auto& n : removed.notes) EXPECT_LE(n.line_number, entries.size());
    for (const auto& n : hashed.notes) EXPECT_LE(n.line_number, entries.size());
  }
}

class KnownHostsVsOpenSsh : public ::testing::Test {
 protected:
  TempDir dir;
  std::string path(const std::string& name) { return dir / name; }
  RunResult keygen(std::vector<std::string> args) {
    args.insert(args.begin(), kSshKeygen);
    return run(args);
  }
};

TEST_F(KnownHostsVsOpenSsh, FindPrintsWhatSshKeygenPrints) {
  const std::string file = path("kh");
  write_text(file, dirty_fixture());
  auto entries = parse_known_hosts(read_text(file));
  for (const std::string& name : kNames) {
    SCOPED_TRACE(name);
    RunResult r = keygen({"-F", name, "-f", file});
    std::string ours = render_find(entries, name);
    EXPECT_EQ(ours, r.out);
    EXPECT_EQ(r.exit_code, ours.empty() ? 1 : 0);
  }
}

TEST_F(KnownHostsVsOpenSsh, FindWithFingerprintsPrintsWhatSshKeygenPrints) {
  const std::string file = path("kh");
  write_text(file, dirty_fixture());
  auto entries = parse_known_hosts(read_text(file));
  for (const std::string& name : kNames) {
    if (name == "host.dss") continue;  // DSA: OpenSSH prints it, we cannot parse the key
    SCOPED_TRACE(name);
    RunResult r = keygen({"-F", name, "-l", "-f", file});
    EXPECT_EQ(render_find_fingerprints(entries, name), r.out);
  }
}

TEST_F(KnownHostsVsOpenSsh, RemoveMatchesSshKeygen) {
  const std::string clean = clean_fixture();
  for (const std::string& name : kNames) {
    if (name.empty()) continue;
    SCOPED_TRACE(name);
    const std::string file = path("kh-" + std::to_string(&name - kNames.data()));
    write_text(file, clean);
    RunResult r = keygen({"-R", name, "-f", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    KnownHostsEdit edit = remove_known_host(parse_known_hosts(clean), name);
    EXPECT_FALSE(edit.invalid);
    std::string stdout_expected;
    for (const auto& n : edit.notes) {
      ASSERT_EQ(n.kind, KnownHostsNoteKind::kRemoved);
      stdout_expected += "# Host " + name + " found: line " + std::to_string(n.line_number) + "\n";
    }
    if (edit.found) {
      stdout_expected += file + " updated.\nOriginal contents retained as " + file + ".old\n";
      EXPECT_EQ(read_text(file), edit.text);
    } else {
      EXPECT_EQ(read_text(file), clean);  // untouched
      EXPECT_NE(r.err.find("Host " + name + " not found in " + file), std::string::npos);
    }
    EXPECT_EQ(r.out, stdout_expected);
  }
}

TEST_F(KnownHostsVsOpenSsh, InvalidLinesStopEditsLikeSshKeygen) {
  const std::string file = path("kh");
  const std::string dirty = dirty_fixture();
  auto entries = parse_known_hosts(dirty);
  for (const std::string op : {"-R", "-H"}) {
    SCOPED_TRACE(op);
    write_text(file, dirty);
    RunResult r = op == "-R" ? keygen({"-R", "localhost", "-f", file})
                                          : keygen({"-H", "-f", file});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(read_text(file), dirty);
    KnownHostsEdit edit = op == "-R" ? remove_known_host(entries, "localhost")
                                                  : hash_known_hosts(entries);
    EXPECT_TRUE(edit.invalid);
    std::vector<std::string> expected_err;
    for (const auto& n : edit.notes) {
      if (n.kind == KnownHostsNoteKind::kInvalidLine)
        expected_err.push_back(file + ":" + std::to_string(n.line_number) + ": invalid line");
      else if (n.kind == KnownHostsNoteKind::kWildcardKept)
        expected_err.push_back(file + ":" + std::to_string(n.line_number) +
                               ": ignoring host name with wildcard: " + n.hosts.substr(0, 64));
    }
    expected_err.push_back(file + " is not a valid known_hosts file.");
    expected_err.push_back("Not replacing existing known_hosts file because of errors");
    EXPECT_EQ(split_lines(r.err), expected_err);
  }
}

TEST_F(KnownHostsVsOpenSsh, HashMatchesSshKeygenBothWays) {
  const std::string clean = clean_fixture();
  const std::string theirs_file = path("theirs");
  write_text(theirs_file, clean);
  RunResult r = keygen({"-H", "-f", theirs_file});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  auto entries = parse_known_hosts(clean);
  KnownHostsEdit edit = hash_known_hosts(entries);
  EXPECT_FALSE(edit.invalid);
  EXPECT_TRUE(edit.had_unhashed);
  EXPECT_EQ(r.out, theirs_file + " updated.\nOriginal contents retained as " + theirs_file + ".old\n");
  std::vector<std::string> expected_err;
  for (const auto& n : edit.notes) {
    ASSERT_EQ(n.kind, KnownHostsNoteKind::kWildcardKept);
    expected_err.push_back(theirs_file + ":" + std::to_string(n.line_number) +
                           ": ignoring host name with wildcard: " + n.hosts.substr(0, 64));
  }
  expected_err.push_back("WARNING: " + theirs_file + ".old contains unhashed entries");
  expected_err.push_back("Delete this file to ensure privacy of hostnames");
  EXPECT_EQ(split_lines(r.err), expected_err);

  // Line by line: kept lines identical, hashed lines hashed at the same places with the
  // same key text, and their hashes (random salts) hold the same names.
  std::vector<std::string> theirs = split_lines(read_text(theirs_file));
  std::vector<std::string> ours = split_lines(edit.text);
  ASSERT_EQ(theirs.size(), ours.size());
  std::vector<std::string> hashed_names;  // the name behind each output line, or ""
  for (const auto& e : entries) {
    HashedEntry h = hash_known_hosts_entry(e);
    std::vector<std::string> names;
    if (h.hashed_now) {
      std::string_view hosts = e.hosts;
      while (names.size() < h.lines.size()) {
        std::size_t comma = hosts.find(',');
        names.push_back(ascii_lowercase(hosts.substr(0, comma)));
        hosts.remove_prefix(comma == std::string_view::npos ? hosts.size() : comma + 1);
      }
    } else {
      names.assign(h.lines.size(), "");
    }
    hashed_names.insert(hashed_names.end(), names.begin(), names.end());
  }
  ASSERT_EQ(hashed_names.size(), ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    SCOPED_TRACE(ours[i]);
    if (hashed_names[i].empty()) {
      EXPECT_EQ(ours[i], theirs[i]);
      continue;
    }
    std::string our_field = ours[i].substr(0, ours[i].find(' '));
    std::string their_field = theirs[i].substr(0, theirs[i].find(' '));
    EXPECT_EQ(ours[i].substr(our_field.size()), theirs[i].substr(their_field.size()));
    EXPECT_EQ(match_known_host(their_field, hashed_names[i]), HostMatch::kYes);
    EXPECT_EQ(match_known_host(our_field, hashed_names[i]), HostMatch::kYes);
    EXPECT_EQ(*hash_known_host_name(hashed_names[i], salt_of_field(their_field)), their_field);
  }

  // Debian's ssh-keygen -F finds our hashed names at the same lines as in its own file, and
  // our find agrees with it on both files.
  const std::string ours_file = path("ours");
  write_text(ours_file, edit.text);
  auto their_entries = parse_known_hosts(read_text(theirs_file));
  auto our_entries = parse_known_hosts(edit.text);
  for (const std::string& name : kNames) {
    SCOPED_TRACE(name);
    RunResult on_ours = keygen({"-F", name, "-f", ours_file});
    RunResult on_theirs = keygen({"-F", name, "-f", theirs_file});
    EXPECT_EQ(on_ours.out, render_find(our_entries, name));
    EXPECT_EQ(on_theirs.out, render_find(their_entries, name));
    EXPECT_EQ(find_known_host(our_entries, name).size(), find_known_host(their_entries, name).size());
  }
}

TEST_F(KnownHostsVsOpenSsh, HashFindPrintsWhatSshKeygenPrints) {
  // ssh-keygen -HF: the matching lines, hashed, on stdout; structure compared since salts differ.
  const std::string file = path("kh");
  write_text(file, clean_fixture());
  auto entries = parse_known_hosts(clean_fixture());
  for (const std::string& name : {std::string("localhost"), std::string("a.b"), std::string("c"),
                                  std::string("x.wild.example")}) {
    SCOPED_TRACE(name);
    RunResult r = keygen({"-H", "-F", name, "-f", file});
    std::vector<std::string> theirs = split_lines(r.out);
    std::vector<std::string> ours;
    for (const KnownHostsEntry* e : find_known_host(entries, name)) {
      ours.push_back("# Host " + name + " found: line " + std::to_string(e->line_number) + " " +
                     std::string(found_marker_label(e->marker)));
      for (auto& l : hash_known_hosts_entry(*e).lines) ours.push_back(l);
    }
    ASSERT_EQ(ours.size(), theirs.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
      if (ours[i] == theirs[i]) continue;
      ASSERT_EQ(ours[i].substr(0, 3), "|1|");
      ASSERT_EQ(theirs[i].substr(0, 3), "|1|");
      EXPECT_EQ(ours[i].substr(ours[i].find(' ')), theirs[i].substr(theirs[i].find(' ')));
    }
  }
}

TEST(HashKnownHostsEntry, SplitsLowercasesAndKeeps) {
  const std::string ed = key_of("ed25519");
  auto entries = parse_known_hosts("A.B,C\t" + ed + " x  y \n"
                                   "a,,b " + ed + "\n"
                                   ",c " + ed + "\n"
                                   "*.w " + ed + "\n"
                                   "@revoked h " + ed + "\n"
                                   "# c\n");
  HashedEntry two = hash_known_hosts_entry(entries[0]);
  ASSERT_EQ(two.lines.size(), 2u);
  EXPECT_TRUE(two.hashed_now);
  EXPECT_EQ(two.lines[0].substr(two.lines[0].find(' ')), " " + ed + " x  y ");
  EXPECT_EQ(match_known_host(two.lines[0].substr(0, two.lines[0].find(' ')), "a.b"), HostMatch::kYes);
  EXPECT_EQ(match_known_host(two.lines[1].substr(0, two.lines[1].find(' ')), "c"), HostMatch::kYes);
  EXPECT_EQ(hash_known_hosts_entry(entries[1]).lines.size(), 1u);
  EXPECT_TRUE(hash_known_hosts_entry(entries[2]).lines.empty());
  HashedEntry wild = hash_known_hosts_entry(entries[3]);
  EXPECT_TRUE(wild.wildcard_kept);
  EXPECT_EQ(wild.lines, std::vector<std::string>{entries[3].line});
  EXPECT_EQ(hash_known_hosts_entry(entries[4]).lines, std::vector<std::string>{entries[4].line});
  EXPECT_EQ(hash_known_hosts_entry(entries[5]).lines, std::vector<std::string>{"# c"});
}

TEST(KnownHostsLine, LowercasedAndOptionallyHashed) {
  auto entries = parse_known_hosts("h " + key_of("ecdsa256") + "\n");
  ASSERT_TRUE(entries[0].key);
  const keys::PublicKey& key = *entries[0].key;
  EXPECT_EQ(known_hosts_line("Host.Example", key, false), "host.example " + key_of("ecdsa256"));
  std::string hashed = known_hosts_line("Host.Example", key, true);
  std::string field = hashed.substr(0, hashed.find(' '));
  EXPECT_EQ(match_known_host(field, "host.example"), HostMatch::kYes);
  EXPECT_EQ(hashed.substr(field.size()), " " + key_of("ecdsa256"));
}
