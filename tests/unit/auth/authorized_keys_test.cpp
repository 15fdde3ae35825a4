// authorized_keys files: line handling, statuses with line numbers, lookups with sshd's log
// lines, and the set of keys compared with Debian's `ssh-keygen -l -f` run at test time.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "sshcore/auth/authorized_keys.hpp"
#include "sshcore/base/encoding.hpp"
#include "sshcore/keys/fingerprint.hpp"
#include "sshcore/keys/key_files.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

using namespace sshcore;
using namespace sshcore::auth;
using sshpp::test::read_text;
using sshpp::test::run;
using sshpp::test::TempDir;
using sshpp::test::test_data;
using sshpp::test::write_text;

namespace {

const char* kSshKeygen = "/usr/bin/ssh-keygen";
const TimeZone kUtc = TimeZone::utc();

// Fingerprints as Debian's ssh-keygen -l prints them for the committed keys.
const char* kFpAlice = "SHA256:S10hUHjO2tudyIQr1rK45Yt7+WioUMaiYTfBrMwj8MU";
const char* kFpBob = "SHA256:JBQ4XJJYYm7tw2+hBz3xMo5gYUdeLXj7oocBLdo0TRM";

std::string pub_line(const std::string& name) {
  std::string text = read_text(test_data("authorized_keys/" + name + ".pub"));
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}
// "type base64" without the comment.
std::string key_text(const std::string& name) {
  std::string line = pub_line(name);
  return line.substr(0, line.find(' ', line.find(' ') + 1));
}
keys::PublicKey key_of(const std::string& name) {
  auto k = keys::parse_public_key_line(pub_line(name));
  EXPECT_TRUE(k);
  return k->key;
}

KeyCheckContext context(std::string_view ip = "192.0.2.1", std::int64_t now = 1700000000) {
  KeyCheckContext c;
  c.user = "fred";
  c.remote_ip = ip;
  c.remote_host = ip;
  c.now = now;
  c.zone = kUtc;
  return c;
}

TEST(AuthorizedKeys, MixedFileStatusesAndLineNumbers) {
  auto file = parse_authorized_keys(read_text(test_data("authorized_keys/mixed_authorized_keys")), kUtc);
  EXPECT_EQ(file.line_count, 17u);
  struct Expect {
    std::size_t line;
    AuthorizedKeyStatus status;
    const char* key;  // committed key name, or ""
    const char* error;
  };
  const Expect expected[] = {
      {3, AuthorizedKeyStatus::kValid, "ed25519_a", ""},
      {4, AuthorizedKeyStatus::kValid, "rsa_2048", ""},
      {5, AuthorizedKeyStatus::kValid, "ecdsa_p256", ""},
      {6, AuthorizedKeyStatus::kBadOptions, "ed25519_b", "unknown key option"},
      {7, AuthorizedKeyStatus::kUnsupportedKey, "", "key type ssh-dss is not supported"},
      {8, AuthorizedKeyStatus::kNoKey, "", nullptr},
      {9, AuthorizedKeyStatus::kValid, "ecdsa_p384", ""},
      {10, AuthorizedKeyStatus::kBadQuote, "", "invalid key option string"},
      {11, AuthorizedKeyStatus::kValid, "ed25519_b", ""},
      {12, AuthorizedKeyStatus::kNoKey, "", nullptr},
      {13, AuthorizedKeyStatus::kNoKey, "", nullptr},
      {14, AuthorizedKeyStatus::kNoKey, "", nullptr},
      {15, AuthorizedKeyStatus::kValid, "rsa_2048", ""},
      {17, AuthorizedKeyStatus::kValid, "ed25519_b", ""},
  };
  ASSERT_EQ(file.entries.size(), std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    const auto& e = file.entries[i];
    const auto& x = expected[i];
    EXPECT_EQ(e.line_number, x.line) << i;
    EXPECT_EQ(e.status, x.status) << "line " << x.line << ": " << e.error;
    if (*x.key) {
      ASSERT_TRUE(e.key) << "line " << x.line;
      EXPECT_EQ(*e.key, key_of(x.key)) << "line " << x.line;
    } else {
      EXPECT_FALSE(e.key) << "line " << x.line;
    }
    if (x.error) {
      EXPECT_EQ(e.error, x.error) << "line " << x.line;
    }
    if (x.status != AuthorizedKeyStatus::kValid) {
      EXPECT_FALSE(e.error.empty()) << "line " << x.line;
    }
  }
  const auto& rsa = file.entries[1];
  EXPECT_EQ(rsa.options_text, R"(command="echo \"hi\"",no-pty)");
  EXPECT_EQ(rsa.options.force_command, "echo \"hi\"");
  EXPECT_FALSE(rsa.options.permit_pty);
  EXPECT_EQ(rsa.comment, "rsa@example");
  EXPECT_EQ(file.entries[2].options.from, "10.0.0.0/8,!10.1.2.3");
  EXPECT_TRUE(file.entries[6].options.restricted);
  EXPECT_TRUE(file.entries[6].options.permit_pty);
  EXPECT_EQ(file.entries[8].options.environment, std::vector<std::string>{"FOO=bar"});
  EXPECT_EQ(file.entries[8].comment, "second-b");
  EXPECT_EQ(file.entries[12].key_type, "rsa-sha2-256");
  EXPECT_TRUE(file.entries[13].options.cert_authority);
  EXPECT_EQ(file.entries[0].options_text, "");
}

struct KeygenLine {
  std::string bits, fingerprint, comment, type;
};

// "256 SHA256:... comment (ED25519)" lines of ssh-keygen -l.
std::vector<KeygenLine> keygen_fingerprints(const std::string& path) {
  auto r = run({kSshKeygen, "-l", "-f", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<KeygenLine> out;
  std::size_t pos = 0;
  while (pos < r.out.size()) {
    std::size_t nl = r.out.find('\n', pos);
    std::string line = r.out.substr(pos, nl - pos);
    pos = nl == std::string::npos ? r.out.size() : nl + 1;
    KeygenLine k;
    std::size_t s1 = line.find(' '), s2 = line.find(' ', s1 + 1), lp = line.rfind(" (");
    k.bits = line.substr(0, s1);
    k.fingerprint = line.substr(s1 + 1, s2 - s1 - 1);
    k.comment = s2 < lp ? line.substr(s2 + 1, lp - s2 - 1) : "";
    // ssh-keygen prints the CR of a CRLF line as part of the comment; we drop it.
    if (!k.comment.empty() && k.comment.back() == '\r') k.comment.pop_back();
    k.type = line.substr(lp + 2, line.size() - lp - 3);
    out.push_back(k);
  }
  return out;
}

// Every key ssh-keygen -l finds (it skips options as sshd does, without judging them) is
// one of our entries holding a key, in the same order, and the other way round. Two
// ssh-keygen quirks are kept out of the files compared: it accepts only one blank between
// options and key (sshd skips any run of blanks), and for a key without comment it prints the
// options field (read as known_hosts host names) or the previous line's comment.
void expect_same_keys_as_keygen(const std::string& path) {
  auto file = parse_authorized_keys(read_text(path), kUtc);
  auto theirs = keygen_fingerprints(path);
  std::vector<const AuthorizedKeysEntry*> ours;
  for (const auto& e : file.entries)
    if (e.key || e.status == AuthorizedKeyStatus::kUnsupportedKey) ours.push_back(&e);
  ASSERT_EQ(ours.size(), theirs.size()) << path;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const AuthorizedKeysEntry& e = *ours[i];
    EXPECT_EQ(e.comment, theirs[i].comment) << "line " << e.line_number;
    if (e.key) {
      EXPECT_EQ(keys::fingerprint(*e.key), theirs[i].fingerprint) << "line " << e.line_number;
      EXPECT_EQ(std::to_string(e.key->bits()), theirs[i].bits) << "line " << e.line_number;
      EXPECT_EQ(e.key->info().short_name, theirs[i].type) << "line " << e.line_number;
    } else {
      EXPECT_EQ(theirs[i].type, "DSA") << "line " << e.line_number;
    }
  }
}

TEST(AuthorizedKeys, SameKeysAsSshKeygenOnTheMixedFile) {
  expect_same_keys_as_keygen(test_data("authorized_keys/mixed_authorized_keys"));
  auto theirs = keygen_fingerprints(test_data("authorized_keys/mixed_authorized_keys"));
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(theirs[0].fingerprint, kFpAlice);
}

TEST(AuthorizedKeys, SameKeysAsSshKeygenWithTrickyOptions) {
  TempDir dir;
  const std::string a = key_text("ed25519_a"), b = key_text("ed25519_b"), r = key_text("rsa_2048"),
                    p = key_text("ecdsa_p384");
  std::string text;
  text += R"(command="echo \"a b\" c",no-pty )" + a + " quoted-escapes\n";
  text += R"(from="a, b",permitopen="[::1]:22" )" + b + " space-in-quotes\n";
  text += "\t  environment=\"X=1\"\t" + r + " tab-separated\r\n";
  text += R"(restrict,command="x\\" )" + p + " escaped-backslash-quote\n";
  text += "no-pty\t" + a + " tab-after-options\n";
  text += a + " plain\n";
  text += "ssh-ed25519\n";
  text += "ecdsa-sha2-nistp256 " + key_text("ecdsa_p384").substr(20) + " curve-mismatch\n";
  text += R"(no-pty,command="open )" + b + " never-closed\n";
  text += "ssh-rsa " + a.substr(12) + " type-mismatch\n";
  text += R"(tunnel="1",expiry-time="20991231" )" + r + " last-line-no-newline";
  std::string path = dir / "authorized_keys";
  write_text(path, text);
  expect_same_keys_as_keygen(path);
  auto file = parse_authorized_keys(text, kUtc);
  ASSERT_GE(file.entries.size(), 5u);
  EXPECT_EQ(file.entries[0].options.force_command, "echo \"a b\" c");
  EXPECT_EQ(file.entries[1].options.from, "a, b");
  EXPECT_EQ(file.entries[2].comment, "tab-separated");
  EXPECT_EQ(file.line_count, 11u);
}

TEST(AuthorizedKeys, LineHandling) {
  EXPECT_EQ(parse_authorized_keys("", kUtc).line_count, 0u);
  EXPECT_EQ(parse_authorized_keys("\n", kUtc).line_count, 1u);
  const std::string a = key_text("ed25519_a");
  // CRLF, leading blanks, NUL cutting the line, comment after blanks.
  auto f = parse_authorized_keys(" \t" + a + " c1\r\n  # x\n" + a + std::string(1, '\0') + "garbage\n\r\n", kUtc);
  EXPECT_EQ(f.line_count, 4u);
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[0].status, AuthorizedKeyStatus::kValid);
  EXPECT_EQ(f.entries[0].comment, "c1");
  EXPECT_EQ(f.entries[1].line_number, 3u);
  EXPECT_EQ(f.entries[1].status, AuthorizedKeyStatus::kValid);
  EXPECT_EQ(f.entries[1].comment, "");
  EXPECT_EQ(f.entries[2].line_number, 4u);  // a lone CR is not blank for sshd
  EXPECT_EQ(f.entries[2].status, AuthorizedKeyStatus::kNoKey);
  // sshd skips any run of blanks between the options and the key.
  auto g = parse_authorized_keys("no-pty \t  " + a + "\n", kUtc);
  ASSERT_EQ(g.entries.size(), 1u);
  EXPECT_EQ(g.entries[0].status, AuthorizedKeyStatus::kValid);
  EXPECT_FALSE(g.entries[0].options.permit_pty);
}

TEST(AuthorizedKeys, UnsupportedTypesAreSkippedWithAReason) {
  std::string blob = base64_encode(as_bytes(std::string_view("anything")));
  for (const char* type : {"ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
                           "ssh-ed25519-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com"}) {
    auto f = parse_authorized_keys(std::string("no-pty ") + type + " " + blob + " c\n", kUtc);
    ASSERT_EQ(f.entries.size(), 1u);
    EXPECT_EQ(f.entries[0].status, AuthorizedKeyStatus::kUnsupportedKey) << type;
    EXPECT_EQ(f.entries[0].error, std::string("key type ") + type + " is not supported");
  }
  auto unknown = parse_authorized_keys("ssh-foo " + blob + "\n", kUtc);
  EXPECT_EQ(unknown.entries.at(0).status, AuthorizedKeyStatus::kNoKey);
}

TEST(AuthorizedKeys, FindSkipsBadLinesAndCertAuthorities) {
  auto file = parse_authorized_keys(read_text(test_data("authorized_keys/mixed_authorized_keys")), kUtc);
  const AuthorizedKeysEntry* bob = find_authorized_key(file, key_of("ed25519_b"));
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->line_number, 11u);  // line 6 has bad options, line 17 is cert-authority
  const AuthorizedKeysEntry* rsa = find_authorized_key(file, key_of("rsa_2048"));
  ASSERT_NE(rsa, nullptr);
  EXPECT_EQ(rsa->line_number, 4u);  // the first of lines 4 and 15
  EXPECT_EQ(find_authorized_key(parse_authorized_keys("cert-authority " + key_text("ed25519_b") + "\n", kUtc),
                                key_of("ed25519_b")),
            nullptr);
  EXPECT_EQ(find_authorized_key(parse_authorized_keys(key_text("ed25519_a") + "\n", kUtc), key_of("ed25519_b")),
            nullptr);
}

TEST(AuthorizedKeys, AuthorizeLogsAsSshd) {
  auto file = parse_authorized_keys(read_text(test_data("authorized_keys/mixed_authorized_keys")), kUtc);
  auto d = authorize_key(file, "/home/fred/.ssh/authorized_keys", key_of("ed25519_b"), context());
  ASSERT_TRUE(d.match);
  EXPECT_EQ(d.match->line_number, 11u);
  EXPECT_EQ(d.match->options.environment, std::vector<std::string>{"FOO=bar"});
  const std::vector<AuthLogLine> expected = {
      {log::Level::kDebug1, "/home/fred/.ssh/authorized_keys:6: bad key options: unknown key option"},
      {log::Level::kError, "invalid key option string"},
      {log::Level::kDebug1, std::string("/home/fred/.ssh/authorized_keys:11: matching key found: ED25519 ") + kFpBob},
      {log::Level::kDebug1,
       "/home/fred/.ssh/authorized_keys:11: key options: agent-forwarding port-forwarding pty user-rc x11-forwarding"},
      {log::Level::kVerbose,
       std::string("Accepted key ED25519 ") + kFpBob + " found at /home/fred/.ssh/authorized_keys:11"},
      {log::Level::kDebug2, "auth_check_authkeys_file: /home/fred/.ssh/authorized_keys: processed 9/17 lines"},
  };
  EXPECT_EQ(d.log, expected);

  // An RSA key does not see the Ed25519 line's bad options.
  auto r = authorize_key(file, "f", key_of("rsa_2048"), context());
  ASSERT_TRUE(r.match);
  EXPECT_EQ(r.match->line_number, 4u);
  for (const auto& l : r.log) EXPECT_EQ(l.text.find("bad key options"), std::string::npos) << l.text;

  // The p256 key sits behind from="10.0.0.0/8,!10.1.2.3".
  EXPECT_TRUE(authorize_key(file, "f", key_of("ecdsa_p256"), context("10.9.9.9")).match);
  EXPECT_FALSE(authorize_key(file, "f", key_of("ecdsa_p256"), context("10.1.2.3")).match);
  EXPECT_FALSE(authorize_key(file, "f", key_of("ecdsa_p256"), context("192.0.2.1")).match);
}

TEST(AuthorizedKeys, RefusedLineDoesNotStopTheScan) {
  const std::string b = key_text("ed25519_b");
  std::string text = "from=\"10.0.0.0/8\" " + b + "\n" + "expiry-time=\"20200101\" " + b + "\n" + "no-pty " + b + "\n";
  auto file = parse_authorized_keys(text, kUtc);
  auto d = authorize_key(file, "ak", key_of("ed25519_b"), context("192.0.2.1", 1700000000));
  ASSERT_TRUE(d.match);
  EXPECT_EQ(d.match->line_number, 3u);
  EXPECT_FALSE(d.match->options.permit_pty);
  const std::vector<AuthLogLine> expected = {
      {log::Level::kDebug1, std::string("ak:1: matching key found: ED25519 ") + kFpBob},
      {log::Level::kInfo,
       "ak:1: Authentication tried for fred with correct key but not from a permitted host (host=192.0.2.1, "
       "ip=192.0.2.1, required=10.0.0.0/8)."},
      {log::Level::kError, "Refused by key options"},
      {log::Level::kDebug1, std::string("ak:2: matching key found: ED25519 ") + kFpBob},
      {log::Level::kDebug1, "ak:2: entry expired at 2020-01-01T00:00:00"},
      {log::Level::kError, "Refused by key options"},
      {log::Level::kDebug1, std::string("ak:3: matching key found: ED25519 ") + kFpBob},
      {log::Level::kDebug1, "ak:3: key options: agent-forwarding port-forwarding user-rc x11-forwarding"},
      {log::Level::kVerbose, std::string("Accepted key ED25519 ") + kFpBob + " found at ak:3"},
      {log::Level::kDebug2, "auth_check_authkeys_file: ak: processed 3/3 lines"},
  };
  EXPECT_EQ(d.log, expected);
  // From inside the network the first line wins.
  EXPECT_EQ(authorize_key(file, "ak", key_of("ed25519_b"), context("10.0.0.1")).match->line_number, 1u);
}

TEST(AuthorizedKeys, ExpiryWithInjectedClock) {
  std::string text = "expiry-time=\"203001011200\" " + key_text("ed25519_a") + "\n";
  auto file = parse_authorized_keys(text, kUtc);
  const std::int64_t noon = 1893456000 + 12 * 3600;
  EXPECT_TRUE(authorize_key(file, "f", key_of("ed25519_a"), context("1.2.3.4", noon)).match);
  EXPECT_FALSE(authorize_key(file, "f", key_of("ed25519_a"), context("1.2.3.4", noon + 1)).match);
  // The same text read in UTC+2 expires two hours earlier.
  auto east = parse_authorized_keys(text, TimeZone::fixed_offset(7200));
  EXPECT_FALSE(authorize_key(east, "f", key_of("ed25519_a"), context("1.2.3.4", noon - 7199)).match);
  EXPECT_TRUE(authorize_key(east, "f", key_of("ed25519_a"), context("1.2.3.4", noon - 7200)).match);
}

TEST(AuthorizedKeys, LongPathIsCutInLocations) {
  std::string path(300, 'p');
  auto file = parse_authorized_keys(key_text("ed25519_a") + "\n", kUtc);
  auto d = authorize_key(file, path, key_of("ed25519_a"), context());
  ASSERT_TRUE(d.match);
  EXPECT_EQ(d.log[0].text.substr(0, 203), std::string(200, 'p') + ":1:");
}

TEST(AuthorizedKeys, GarbageNeverCrashes) {
  std::mt19937 rng(12345);
  std::string base = read_text(test_data("authorized_keys/mixed_authorized_keys"));
  const std::string alphabet = " \t\n\",=!*:/[]\\#abcAZ09-\r";
  const keys::PublicKey offered = key_of("ed25519_b");
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text;
    if (iter % 2 == 0) {
      text = base;
      int edits = 1 + static_cast<int>(rng() % 20);
      for (int k = 0; k < edits && !text.empty(); ++k) {
        std::size_t at = rng() % text.size();
        switch (rng() % 3) {
          case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
          case 1: text.erase(at, 1 + rng() % 8); break;
          default: text.insert(at, 1, static_cast<char>(rng() % 256)); break;
        }
      }
    } else {
      std::size_t n = rng() % 400;
      for (std::size_t k = 0; k < n; ++k)
        text += rng() % 3 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256);
    }
    auto file = parse_authorized_keys(text, kUtc);
    std::size_t last = 0;
    for (const auto& e : file.entries) {
      ASSERT_GT(e.line_number, last);
      ASSERT_LE(e.line_number, file.line_count);
      last = e.line_number;
      if (e.status == AuthorizedKeyStatus::kValid || e.status == AuthorizedKeyStatus::kBadOptions) {
        ASSERT_TRUE(e.key);
      } else {
        ASSERT_FALSE(e.key);
      }
    }
    auto d = authorize_key(file, "f", offered, context("10.1.2.3"));
    if (d.match) {
      ASSERT_EQ(d.match->entry->status, AuthorizedKeyStatus::kValid);
      ASSERT_EQ(*d.match->entry->key, offered);
    }
    ASSERT_FALSE(d.log.empty());
  }
}


// Debian's sshd reads the same file for a real login: the lines it logs while scanning must be
// exactly our authorize_key() log (debug1 and above; the test sshd runs at LogLevel DEBUG1).
TEST(AuthorizedKeysVsDebianSshd, ScanLogsTheSameLines) {
  TempDir dir;
  for (const char* k : {"user", "other"}) {
    auto g = run({kSshKeygen, "-q", "-t", std::string(k) == "user" ? "ed25519" : "ecdsa", "-N", "", "-C", k, "-f",
                  dir / k});
    ASSERT_EQ(g.exit_code, 0) << g.err;
  }
  auto key_line = [&](const std::string& name) {
    std::string t = read_text(dir / (name + ".pub"));
    return t.substr(0, t.find(' ', t.find(' ') + 1));
  };
  const std::string uk = key_line("user"), ok = key_line("other");
  std::string ak;
  ak += "# options sshd must judge as we do\n";
  ak += "frm=\"typo\" " + uk + " c1\n";
  ak += "no-pty,command=\"open " + uk + " c2\n";
  ak += "from=\"10.0.0.0/8,!127.0.0.1\" " + uk + " c3\n";
  ak += "expiry-time=\"20200101\" " + uk + " c4\n";
  ak += ok + " c5\n";
  ak += "principals=\"ops\" " + uk + " c6\n";
  ak += "environment=\"A=1\",restrict,pty,command=\"true\",permitopen=\"localhost:22\",permitlisten=\"8080\","
        "expiry-time=\"20991231\",tunnel=\"3\",no-touch-required " + uk + " c7\n";
  ak += uk + " c8\n";
  const std::string ak_path = dir / "authorized_keys";
  write_text(ak_path, ak);

  auto user = run({"id", "-un"});
  ASSERT_EQ(user.exit_code, 0);
  std::string user_name = user.out.substr(0, user.out.find('\n'));

  sshpp::test::DebianSshd sshd(dir.path(), "AuthorizedKeysFile " + ak_path + "\nPubkeyAuthentication yes\n");
  auto ssh = run({"/usr/bin/ssh", "-F", "/dev/null", "-p", std::to_string(sshd.port()), "-i", dir / "user", "-o",
                  "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o",
                  "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null", user_name + "@127.0.0.1",
                  "true"});
  ASSERT_EQ(ssh.exit_code, 0) << ssh.err << sshd.log();

  auto file = parse_authorized_keys(ak, TimeZone::system());
  auto offered = keys::parse_public_key_line(uk);
  ASSERT_TRUE(offered);
  KeyCheckContext ctx;
  ctx.user = user_name;
  ctx.remote_ip = "127.0.0.1";
  ctx.remote_host = "127.0.0.1";
  ctx.now = static_cast<std::int64_t>(std::time(nullptr));
  auto d = authorize_key(file, ak_path, offered->key, ctx);
  ASSERT_TRUE(d.match);
  EXPECT_EQ(d.match->line_number, 8u);
  std::vector<std::string> ours;
  for (const auto& l : d.log) {
    if (l.level >= log::Level::kDebug2) continue;
    ours.push_back((l.level == log::Level::kDebug1 ? "debug1: " : "") + l.text);
  }
  ASSERT_GE(ours.size(), 10u);

  std::vector<std::string> theirs;
  std::string text = sshd.log();
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    while (!line.empty() && line.back() == '\r') line.pop_back();
    theirs.push_back(line);
  }
  auto it = std::search(theirs.begin(), theirs.end(), ours.begin(), ours.end());
  std::string joined;
  for (const auto& l : ours) joined += l + "\n";
  EXPECT_NE(it, theirs.end()) << "ours:\n" << joined << "sshd:\n" << text;
}

}  // namespace
