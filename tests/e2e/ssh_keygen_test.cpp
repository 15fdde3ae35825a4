// Our ssh-keygen on its own: generation of every key type and size, the key
// management modes (-p -c -y -l -B -e -i -A -F -R -H -r), the interactive
// dialogue on a pseudo-terminal, and refusal of bad input with clear errors.
// Comparisons with Debian's ssh-keygen live in tests/interop.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/pty_session.hpp"
#include "support/temp_dir.hpp"

namespace {

using sshpp::test::PtySession;
using sshpp::test::read_text;
using sshpp::test::RunOptions;
using sshpp::test::RunResult;
using sshpp::test::TempDir;
using sshpp::test::write_text;

const std::vector<std::string> kPromptEnv = {"DISPLAY", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE"};

RunOptions with_stdin(std::string data) {
  RunOptions o;
  o.stdin_data = std::move(data);
  return o;
}
RunOptions in_dir(std::string cwd) {
  RunOptions o;
  o.cwd = std::move(cwd);
  return o;
}

// Runs our ssh-keygen without a controlling terminal, so a prompt can never
// wait on the terminal the tests were started from.
RunResult keygen(const std::vector<std::string>& args, RunOptions options = {}) {
  std::vector<std::string> argv{sshpp::test::our_bin("ssh-keygen")};
  argv.insert(argv.end(), args.begin(), args.end());
  options.new_session = true;
  options.unset_env.insert(options.unset_env.end(), kPromptEnv.begin(), kPromptEnv.end());
  return sshpp::test::run(argv, options);
}

mode_t file_mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string user_at_host() {
  const passwd* pw = ::getpwuid(::getuid());
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(pw != nullptr ? pw->pw_name : "?") + "@" + host;
}

// SHA-256 fingerprint of a public key line computed straight with OpenSSL, to
// check ours against something that is not our own code.
std::string openssl_sha256_fingerprint(const std::string& pub_line) {
  std::istringstream in(pub_line);
  std::string type, b64;
  in >> type >> b64;
  std::vector<unsigned char> blob(b64.size());
  int n = EVP_DecodeBlock(blob.data(), reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return "bad base64";
  std::size_t len = static_cast<std::size_t>(n);
  if (!b64.empty() && b64.back() == '=') --len;
  if (b64.size() > 1 && b64[b64.size() - 2] == '=') --len;
  unsigned char md[32];
  unsigned int md_len = 0;
  EVP_Digest(blob.data(), len, md, &md_len, EVP_sha256(), nullptr);
  unsigned char enc[64] = {};
  EVP_EncodeBlock(enc, md, 32);
  std::string out = "SHA256:" + std::string(reinterpret_cast<char*>(enc));
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// bcrypt_pbkdf rounds for the encrypted keys of these tests (-a): the KDF is
// exercised, and a Debug build stays quick.
const std::string kRounds = "2";

const char* kUsageStart = "usage: ssh-keygen [-q] [-a rounds] [-b bits] [-C comment] [-f output_keyfile]\n";

// ---- generation -----------------------------------------------------------------

struct TypeCase {
  std::string t;
  std::string bits;            // "" for the type's default
  std::string ssh_name;
  std::string short_name;
  std::string expected_bits;
};

class SshKeygenGenerateEveryType : public ::testing::TestWithParam<TypeCase> {};

TEST_P(SshKeygenGenerateEveryType, WritesKeyPairWithModesAndConsistentViews) {
  const TypeCase& c = GetParam();
  TempDir dir;
  std::string key = dir / "id";
  std::vector<std::string> args{"-q", "-t", c.t, "-N", "", "-C", "test comment", "-f", key};
  if (!c.bits.empty()) args.insert(args.end(), {"-b", c.bits});
  RunResult r = keygen(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(file_mode(key), 0600u);
  EXPECT_EQ(file_mode(key + ".pub"), 0644u & ~[] { mode_t m = ::umask(0); ::umask(m); return m; }());
  EXPECT_EQ(first_line(read_text(key)), "-----BEGIN OPENSSH PRIVATE KEY-----");
  // Nothing but the two files: no temporary file left behind by the atomic write.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 2u);

  std::string pub = read_text(key + ".pub");
  ASSERT_TRUE(pub.starts_with(c.ssh_name + " AAAA")) << pub;
  ASSERT_TRUE(pub.ends_with(" test comment\n")) << pub;

  RunResult y = keygen({"-y", "-f", key});
  ASSERT_EQ(y.exit_code, 0) << y.err;
  EXPECT_EQ(y.out, pub);

  std::string fp = openssl_sha256_fingerprint(pub);
  std::string expected_l = c.expected_bits + " " + fp + " test comment (" + c.short_name + ")\n";
  RunResult l = keygen({"-l", "-f", key + ".pub"});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_EQ(l.out, expected_l);
  RunResult lp = keygen({"-l", "-f", key});
  EXPECT_EQ(lp.out, expected_l);
  // Without the .pub file the private key still gives its fingerprint and comment.
  std::filesystem::remove(key + ".pub");
  RunResult lonly = keygen({"-l", "-f", key});
  ASSERT_EQ(lonly.exit_code, 0) << lonly.err;
  EXPECT_EQ(lonly.out, expected_l);
}

INSTANTIATE_TEST_SUITE_P(
    SshKeygenTypes, SshKeygenGenerateEveryType,
    ::testing::Values(TypeCase{"ed25519", "", "ssh-ed25519", "ED25519", "256"},
                      TypeCase{"ecdsa", "", "ecdsa-sha2-nistp256", "ECDSA", "256"},
                      TypeCase{"ecdsa", "384", "ecdsa-sha2-nistp384", "ECDSA", "384"},
                      TypeCase{"ecdsa", "521", "ecdsa-sha2-nistp521", "ECDSA", "521"},
                      TypeCase{"ecdsa-sha2-nistp384", "", "ecdsa-sha2-nistp384", "ECDSA", "384"},
                      TypeCase{"rsa", "1024", "ssh-rsa", "RSA", "1024"},
                      TypeCase{"RSA", "2048", "ssh-rsa", "RSA", "2048"}),
    [](const ::testing::TestParamInfo<TypeCase>& param_info) {
      std::string name = param_info.param.t + param_info.param.bits;
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

TEST(SshKeygenGenerate, DefaultTypeIsEd25519AndRsaDefaultIs3072Bits) {
  TempDir dir;
  RunResult r = keygen({"-q", "-N", "", "-f", dir / "k"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(read_text(dir / "k.pub").starts_with("ssh-ed25519 "));
  RunResult rsa = keygen({"-q", "-t", "rsa", "-N", "", "-f", dir / "r"});
  ASSERT_EQ(rsa.exit_code, 0) << rsa.err;
  EXPECT_TRUE(keygen({"-l", "-f", dir / "r"}).out.starts_with("3072 SHA256:"));
}

TEST(SshKeygenGenerate, PrintsOpenSshDialogueWithFingerprintAndRandomart) {
  TempDir dir;
  std::string key = dir / "k";
  RunResult r = keygen({"-t", "ecdsa", "-N", "", "-f", key});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 17u) << r.out;
  EXPECT_EQ(lines[0], "Generating public/private ecdsa key pair.");
  EXPECT_EQ(lines[1], "Your identification has been saved in " + key);
  EXPECT_EQ(lines[2], "Your public key has been saved in " + key + ".pub");
  EXPECT_EQ(lines[3], "The key fingerprint is:");
  EXPECT_EQ(lines[4], openssl_sha256_fingerprint(read_text(key + ".pub")) + " " + user_at_host());
  EXPECT_EQ(lines[5], "The key's randomart image is:");
  EXPECT_EQ(lines[6], "+---[ECDSA 256]---+");
  for (int i = 7; i < 16; ++i) EXPECT_TRUE(std::regex_match(lines[i], std::regex(R"(\|.{17}\|)"))) << lines[i];
  EXPECT_EQ(lines[16], "+----[SHA256]-----+");
  EXPECT_TRUE(read_text(key + ".pub").ends_with(" " + user_at_host() + "\n"));
}

TEST(SshKeygenGenerate, BitsLimitsUseOpenSshErrorTexts) {
  TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const Case cases[] = {
      {{"-t", "rsa", "-b", "1023"}, "Invalid RSA key length: minimum is 1024 bits\r\n"},
      {{"-t", "rsa", "-b", "16385"}, "Invalid RSA key length: maximum is 16384 bits\r\n"},
      {{"-t", "ecdsa", "-b", "255"}, "Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits\r\n"},
      {{"-t", "ecdsa", "-b", "512"}, "Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits\r\n"},
      {{"-b", "0"}, "Bits has bad value 0 (too small)\r\n"},
      {{"-b", "abc"}, "Bits has bad value abc (invalid)\r\n"},
      {{"-b", "99999999999"}, "Bits has bad value 99999999999 (too large)\r\n"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"-N", "", "-f", dir / "k"});
    RunResult r = keygen(args);
    EXPECT_EQ(r.exit_code, 255) << c.err;
    EXPECT_EQ(r.err, c.err);
    EXPECT_FALSE(exists(dir / "k"));
  }
  // The edges themselves are accepted; Ed25519 ignores -b.
  RunResult ed = keygen({"-q", "-t", "ed25519", "-b", "1", "-N", "", "-f", dir / "ed"});
  EXPECT_EQ(ed.exit_code, 0) << ed.err;
  RunResult small = keygen({"-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", dir / "r"});
  EXPECT_EQ(small.exit_code, 0) << small.err;
}

TEST(SshKeygenGenerate, UnsupportedTypesGiveClearErrors) {
  TempDir dir;
  RunResult dsa = keygen({"-t", "dsa", "-N", "", "-f", dir / "k"});
  EXPECT_EQ(dsa.exit_code, 255);
  EXPECT_EQ(dsa.err, "unsupported key type dsa: DSA keys are not supported\r\n");
  RunResult rsa1 = keygen({"-t", "rsa1", "-N", "", "-f", dir / "k"});
  EXPECT_EQ(rsa1.exit_code, 255);
  EXPECT_EQ(rsa1.err, "unknown key type rsa1\r\n");
  RunResult sk = keygen({"-t", "ed25519-sk", "-N", "", "-f", dir / "k"});
  EXPECT_EQ(sk.exit_code, 1);
  EXPECT_NE(sk.err.find("not supported yet"), std::string::npos) << sk.err;
  EXPECT_FALSE(exists(dir / "k"));
}

TEST(SshKeygenGenerate, PrivateKeyFormatsCipherAndRounds) {
  TempDir dir;
  struct Case {
    std::string t, m, pass, header;
  };
  const Case cases[] = {
      {"rsa", "PEM", "", "-----BEGIN RSA PRIVATE KEY-----"},
      {"rsa", "PEM", "secret1", "-----BEGIN RSA PRIVATE KEY-----"},
      {"ecdsa", "PEM", "", "-----BEGIN EC PRIVATE KEY-----"},
      {"ecdsa", "PKCS8", "", "-----BEGIN PRIVATE KEY-----"},
      {"rsa", "PKCS8", "secret1", "-----BEGIN ENCRYPTED PRIVATE KEY-----"},
      {"ed25519", "PEM", "", "-----BEGIN OPENSSH PRIVATE KEY-----"},  // as OpenSSH: never PEM
  };
  int i = 0;
  for (const Case& c : cases) {
    std::string key = dir / ("k" + std::to_string(i++));
    std::vector<std::string> args{"-q", "-t", c.t, "-m", c.m, "-N", c.pass, "-f", key};
    if (c.t == "rsa") args.insert(args.end(), {"-b", "1024"});
    RunResult r = keygen(args);
    ASSERT_EQ(r.exit_code, 0) << c.t << " " << c.m << ": " << r.err;
    EXPECT_EQ(first_line(read_text(key)), c.header) << c.t << " " << c.m;
    RunResult y = keygen({"-y", "-P", c.pass, "-f", key});
    ASSERT_EQ(y.exit_code, 0) << y.err;
    EXPECT_EQ(y.out.substr(0, y.out.rfind(' ')), read_text(key + ".pub").substr(0, y.out.rfind(' ')));
  }
  // PEM passphrases need five characters, as OpenSSL demands.
  RunResult short_pass = keygen({"-q", "-t", "ecdsa", "-m", "PEM", "-N", "abc", "-f", dir / "short"});
  EXPECT_EQ(short_pass.exit_code, 1);
  EXPECT_EQ(short_pass.err,
            "Saving key \"" + (dir / "short") + "\" failed: passphrase is too short (minimum five characters)\r\n");

  // -Z and -a end up in the OpenSSH key container.
  std::string key = dir / "z";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-Z", "aes128-cbc", "-a", "3", "-N", "pw", "-f", key}).exit_code, 0);
  std::string text = read_text(key);
  std::string body;
  for (const auto& line : split_lines(text))
    if (!line.starts_with("-----")) body += line;
  std::vector<unsigned char> raw(body.size());
  int n = EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char*>(body.data()),
                          static_cast<int>(body.size()));
  ASSERT_GT(n, 60);
  std::string container(reinterpret_cast<char*>(raw.data()), static_cast<std::size_t>(n));
  EXPECT_TRUE(container.starts_with(std::string("openssh-key-v1\0", 15)));
  EXPECT_EQ(container.substr(15, 14), std::string("\0\0\0\x0a" "aes128-cbc", 14));
  EXPECT_EQ(container.substr(29, 10), std::string("\0\0\0\x06" "bcrypt", 10));
  // kdf options: string(salt 16) then uint32 rounds = 3.
  EXPECT_EQ(container.substr(39 + 4 + 4 + 16, 4), std::string("\0\0\0\x03", 4));
  EXPECT_EQ(keygen({"-y", "-P", "pw", "-f", key}).exit_code, 0);

  RunResult bad_cipher = keygen({"-Z", "blowfish-cbc", "-N", "", "-f", dir / "bc"});
  EXPECT_EQ(bad_cipher.exit_code, 255);
  EXPECT_EQ(bad_cipher.err, "Invalid OpenSSH-format cipher 'blowfish-cbc'\r\n");
  RunResult bad_rounds = keygen({"-a", "0", "-N", "", "-f", dir / "br"});
  EXPECT_EQ(bad_rounds.exit_code, 255);
  EXPECT_EQ(bad_rounds.err, "Invalid number: 0 (too small)\r\n");
}

TEST(SshKeygenGenerate, SaveFailureLeavesNothingBehind) {
  TempDir dir;
  std::string key = dir / "missing-dir/k";
  RunResult r = keygen({"-q", "-t", "ed25519", "-N", "", "-f", key});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Saving key \"" + key + "\" failed: No such file or directory\r\n");
  // Overwriting an existing key answers "y" on stdin (no terminal) and replaces it whole.
  std::string k2 = dir / "k2";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-N", "", "-f", k2}).exit_code, 0);
  std::string before = read_text(k2);
  RunResult no = keygen({"-t", "ed25519", "-N", "", "-f", k2}, with_stdin("n\n"));
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_TRUE(no.out.ends_with(k2 + " already exists.\nOverwrite (y/n)? ")) << no.out;
  EXPECT_EQ(read_text(k2), before);
  RunResult yes = keygen({"-q", "-t", "ed25519", "-N", "", "-f", k2}, with_stdin("y\n"));
  EXPECT_EQ(yes.exit_code, 0) << yes.err;
  EXPECT_NE(read_text(k2), before);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 2u);
}

// ---- -p, -c, -y -------------------------------------------------------------------

TEST(SshKeygenManage, ChangePassphrase) {
  TempDir dir;
  std::string key = dir / "k";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-a", kRounds, "-N", "old-pass", "-C", "c1", "-f", key}).exit_code, 0);
  RunResult p = keygen({"-p", "-a", kRounds, "-P", "old-pass", "-N", "new-pass", "-f", key});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.out, "Key has comment 'c1'\nYour identification has been saved with the new passphrase.\n");
  EXPECT_EQ(file_mode(key), 0600u);
  EXPECT_EQ(keygen({"-y", "-P", "new-pass", "-f", key}).out, read_text(key + ".pub"));

  RunResult old = keygen({"-y", "-P", "old-pass", "-f", key});
  EXPECT_EQ(old.exit_code, 255);
  EXPECT_EQ(old.err, "Load key \"" + key + "\": incorrect passphrase supplied to decrypt private key\r\n");

  RunResult wrong = keygen({"-p", "-P", "nope", "-N", "x", "-f", key});
  EXPECT_EQ(wrong.exit_code, 255);
  EXPECT_EQ(wrong.err, "Failed to load key " + key + ": incorrect passphrase supplied to decrypt private key\r\n");

  // Passphrases typed on stdin (no terminal): prompts go to stderr; a mismatch ends with status 1.
  RunResult typed = keygen({"-p", "-a", kRounds, "-f", key}, with_stdin("new-pass\nthird\nthird\n"));
  // stdin is read by a single read_passphrase at a time: one line each.
  EXPECT_EQ(typed.exit_code, 0) << typed.err;
  EXPECT_EQ(typed.err,
            "Enter old passphrase: Enter new passphrase (empty for no passphrase): Enter same passphrase again: ");
  EXPECT_EQ(keygen({"-y", "-P", "third", "-f", key}).exit_code, 0);
  RunResult mismatch = keygen({"-p", "-P", "third", "-f", key}, with_stdin("a\nb\n"));
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_EQ(mismatch.out, "Key has comment 'c1'\nPass phrases do not match.  Try again.\n");
  // Removing the passphrase.
  ASSERT_EQ(keygen({"-p", "-P", "third", "-N", "", "-f", key}).exit_code, 0);
  EXPECT_EQ(keygen({"-y", "-f", key}).out, read_text(key + ".pub"));
}

TEST(SshKeygenManage, ChangeComment) {
  TempDir dir;
  std::string key = dir / "k";
  ASSERT_EQ(keygen({"-q", "-t", "ecdsa", "-N", "", "-C", "c1", "-f", key}).exit_code, 0);
  std::string pub_before = read_text(key + ".pub");
  RunResult c = keygen({"-c", "-C", "second comment", "-f", key});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "Old comment: c1\nComment 'second comment' applied\n");
  EXPECT_EQ(read_text(key + ".pub"), pub_before.substr(0, pub_before.rfind(' ')) + " second comment\n");
  EXPECT_EQ(keygen({"-y", "-f", key}).out, read_text(key + ".pub"));

  RunResult same = keygen({"-c", "-C", "second comment", "-f", key});
  EXPECT_EQ(same.out, "Old comment: second comment\nNo change to comment\n");
  RunResult removed = keygen({"-c", "-C", "", "-f", key});
  EXPECT_EQ(removed.out, "Old comment: second comment\nComment removed\n");
  EXPECT_EQ(read_text(key + ".pub"), pub_before.substr(0, pub_before.rfind(' ')) + " \n");
  RunResult from_stdin = keygen({"-c", "-f", key}, with_stdin("typed one\n"));
  EXPECT_EQ(from_stdin.out, "Old comment: \nNew comment: Comment 'typed one' applied\n");

  // An encrypted key keeps its passphrase.
  std::string enc = dir / "enc";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-a", kRounds, "-N", "pass1", "-C", "x", "-f", enc}).exit_code, 0);
  RunResult ce = keygen({"-c", "-a", kRounds, "-P", "pass1", "-C", "y", "-f", enc});
  EXPECT_EQ(ce.exit_code, 0) << ce.err;
  EXPECT_TRUE(keygen({"-y", "-P", "pass1", "-f", enc}).out.ends_with(" y\n"));
  RunResult bad = keygen({"-c", "-P", "wrong", "-C", "z", "-f", enc});
  EXPECT_EQ(bad.exit_code, 255);
  EXPECT_EQ(bad.err, "Cannot load private key \"" + enc +
                         "\": incorrect passphrase supplied to decrypt private key\r\n");

  // PEM keys have no comment; -c with -m PEM refuses.
  std::string pem = dir / "pem";
  ASSERT_EQ(keygen({"-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f", pem}).exit_code, 0);
  RunResult refused = keygen({"-c", "-m", "PEM", "-C", "z", "-f", pem});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "Comments are only supported for keys stored in the new format (-o).\r\n");
  RunResult converted = keygen({"-c", "-C", "z", "-f", pem});
  EXPECT_EQ(converted.out, "No existing comment\nComment 'z' applied\n");
  EXPECT_EQ(first_line(read_text(pem)), "-----BEGIN OPENSSH PRIVATE KEY-----");
}

TEST(SshKeygenManage, PrintPublicAsksForPassphraseOnStdinWithoutTerminal) {
  TempDir dir;
  std::string key = dir / "k";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-a", kRounds, "-N", "pw-123", "-C", "cmt", "-f", key}).exit_code, 0);
  RunResult y = keygen({"-y", "-f", key}, with_stdin("pw-123\n"));
  ASSERT_EQ(y.exit_code, 0) << y.err;
  EXPECT_EQ(y.err, "Enter passphrase: ");
  EXPECT_EQ(y.out, read_text(key + ".pub"));
  RunResult wrong = keygen({"-y", "-f", key}, with_stdin("nope\n"));
  EXPECT_EQ(wrong.exit_code, 255);
  EXPECT_EQ(wrong.err, "Enter passphrase: Load key \"" + key +
                           "\": incorrect passphrase supplied to decrypt private key\r\n");
}

TEST(SshKeygenManage, AskpassIsUsedWhenRequired) {
  TempDir dir;
  std::string key = dir / "k";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-a", kRounds, "-N", "from-askpass", "-f", key}).exit_code, 0);
  std::string askpass = dir / "askpass.sh";
  write_text(askpass, "#!/bin/sh\nprintf '%s' \"$1\" > '" + (dir / "prompt") + "'\necho from-askpass\n", 0700);
  RunOptions options;
  options.env = {{"SSH_ASKPASS", askpass}, {"SSH_ASKPASS_REQUIRE", "force"}};
  std::vector<std::string> argv{sshpp::test::our_bin("ssh-keygen"), "-y", "-f", key};
  options.new_session = true;
  RunResult y = sshpp::test::run(argv, options);
  ASSERT_EQ(y.exit_code, 0) << y.err;
  EXPECT_EQ(y.out, read_text(key + ".pub"));
  EXPECT_EQ(read_text(dir / "prompt"), "Enter passphrase: ");
  // An askpass that fails gives an empty passphrase, hence the usual error.
  write_text(askpass, "#!/bin/sh\nexit 1\n", 0700);
  RunResult failed = sshpp::test::run(argv, options);
  EXPECT_EQ(failed.exit_code, 255);
  EXPECT_NE(failed.err.find("incorrect passphrase"), std::string::npos) << failed.err;
}

// ---- -l, -B --------------------------------------------------------------------

TEST(SshKeygenFingerprint, HashesRandomartAndBubblebabble) {
  TempDir dir;
  std::string key = dir / "k";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-N", "", "-C", "me", "-f", key}).exit_code, 0);
  RunResult md5 = keygen({"-l", "-E", "md5", "-f", key});
  EXPECT_TRUE(std::regex_match(md5.out, std::regex("256 MD5:([0-9a-f]{2}:){15}[0-9a-f]{2} me \\(ED25519\\)\n")))
      << md5.out;
  RunResult sha512 = keygen({"-l", "-E", "SHA512", "-f", key});
  EXPECT_TRUE(std::regex_match(sha512.out, std::regex("256 SHA512:[A-Za-z0-9+/]{86} me \\(ED25519\\)\n")))
      << sha512.out;
  RunResult lv = keygen({"-lv", "-f", key});
  auto lines = split_lines(lv.out);
  ASSERT_EQ(lines.size(), 12u) << lv.out;
  EXPECT_EQ(lines[1], "+--[ED25519 256]--+");
  EXPECT_EQ(lines[11], "+----[SHA256]-----+");
  RunResult lv_md5 = keygen({"-lv", "-E", "md5", "-f", key});
  EXPECT_EQ(split_lines(lv_md5.out).back(), "+------[MD5]------+");
  RunResult bb = keygen({"-B", "-f", key});
  EXPECT_TRUE(std::regex_match(bb.out, std::regex("256 x[a-z]{4}(-[a-z]{5}){9}-[a-z]{4}x me \\(ED25519\\)\n")))
      << bb.out;
  RunResult bad = keygen({"-l", "-E", "sha3", "-f", key});
  EXPECT_EQ(bad.exit_code, 255);
  EXPECT_EQ(bad.err, "Invalid hash algorithm \"sha3\"\r\n");
}

TEST(SshKeygenFingerprint, FilesWithManyKeys) {
  TempDir dir;
  std::string a = dir / "a", b = dir / "b";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-N", "", "-C", "ka", "-f", a}).exit_code, 0);
  ASSERT_EQ(keygen({"-q", "-t", "ecdsa", "-N", "", "-C", "kb", "-f", b}).exit_code, 0);
  std::string pa = read_text(a + ".pub"), pb = read_text(b + ".pub");
  std::string ka = pa.substr(0, pa.rfind(' ')), kb = pb.substr(0, pb.rfind(' '));
  std::string fa = openssl_sha256_fingerprint(pa), fb = openssl_sha256_fingerprint(pb);

  // authorized_keys: options before the key; a trailing comment wins over them.
  write_text(dir / "authorized_keys", "# comment\n\ncommand=\"echo a b\",no-pty " + ka + "\n" + kb +
                                          " trailing\nnot a key line\n");
  RunResult ak = keygen({"-l", "-f", dir / "authorized_keys"});
  ASSERT_EQ(ak.exit_code, 0) << ak.err;
  EXPECT_EQ(ak.out, "256 " + fa + " command=\"echo a b\",no-pty (ED25519)\n256 " + fb + " trailing (ECDSA)\n");

  // known_hosts: the host list shows where the comment would be.
  write_text(dir / "known_hosts", "host1,10.0.0.1 " + ka + "\n[host2]:2222 " + kb + " note\n");
  RunResult kh = keygen({"-l", "-f", dir / "known_hosts"});
  EXPECT_EQ(kh.out, "256 " + fa + " host1,10.0.0.1 (ED25519)\n256 " + fb + " note (ECDSA)\n");

  // "-f -": standard input.
  RunResult in = keygen({"-l", "-f", "-"}, with_stdin(pa));
  EXPECT_EQ(in.out, "256 " + fa + " ka (ED25519)\n");
  RunResult none = keygen({"-l", "-f", "-"}, with_stdin("nothing here\n"));
  EXPECT_EQ(none.exit_code, 255);
  EXPECT_EQ(none.err, "(stdin) is not a public key file.\r\n");

  // Control characters in comments are shown escaped, as OpenSSH's mprintf() does.
  write_text(dir / "ctl.pub", ka + " a\x01" "b\x1b[31m\n");
  EXPECT_EQ(keygen({"-l", "-f", dir / "ctl.pub"}).out, "256 " + fa + " a\\001b\\033[31m (ED25519)\n");
}

// ---- bad input -------------------------------------------------------------------

TEST(SshKeygenErrors, BadOptionsPrintUsageAndExit1) {
  const std::vector<std::vector<std::string>> cases = {
      {"-x"}, {"-l", "extra"}, {"-p", "-c"}, {"-l", "-H"}, {"-f"}, {"-R", "h", "-l"}};
  const std::vector<std::string> first_lines = {"unknown option -- x\r\n",
                                                "Too many arguments.\r\n",
                                                "Can only have one of -p and -c.\r\n",
                                                "Cannot use -l with -H or -R.\r\n",
                                                "option requires an argument -- f\r\n",
                                                "Cannot use -l with -H or -R.\r\n"};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    RunResult r = keygen(cases[i]);
    EXPECT_EQ(r.exit_code, 1) << cases[i][0];
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(r.err.starts_with(first_lines[i] + kUsageStart)) << r.err;
    EXPECT_TRUE(r.err.ends_with("-n namespace -s signature_file [-r krl_file] [-O option]\n")) << r.err;
  }
  RunResult fmt = keygen({"-m", "foo"});
  EXPECT_EQ(fmt.exit_code, 255);
  EXPECT_EQ(fmt.err, "Unsupported conversion format \"foo\"\r\n");
}

TEST(SshKeygenErrors, FeaturesNotYetSupportedAreRefusedClearly) {
  TempDir dir;
  const std::vector<std::vector<std::string>> cases = {
      {"-s", "ca", "-I", "id", "k.pub"}, {"-L", "-f", "k"}, {"-k", "-f", "krl"}, {"-Q", "-f", "krl"},
      {"-Y", "sign", "-n", "file", "-f", "k"}, {"-K"}, {"-D", "/lib/p11.so"}, {"-M", "generate", "out"},
      {"-w", "provider"}, {"-O", "no-pty"}, {"-V", "+1d"}, {"-z", "1"}, {"-n", "p"}, {"-U"}};
  for (const auto& args : cases) {
    RunResult r = keygen(args, in_dir(dir.path()));
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_TRUE(r.err.starts_with("ssh-keygen: option " + args[0] + ": ")) << r.err;
    EXPECT_TRUE(r.err.ends_with(" are not supported yet\r\n")) << r.err;
  }
}

TEST(SshKeygenErrors, MissingCorruptedAndForeignFilesNeverCrash) {
  TempDir dir;
  std::string key = dir / "k";
  ASSERT_EQ(keygen({"-q", "-t", "ecdsa", "-N", "", "-f", key}).exit_code, 0);
  std::string good = read_text(key);

  write_text(dir / "truncated", good.substr(0, good.size() / 2));
  std::string corrupted = good;
  for (std::size_t i = 80; i < 200; i += 7) corrupted[i] = corrupted[i] == 'A' ? 'B' : 'A';
  write_text(dir / "corrupted", corrupted);
  std::string random_bytes;
  for (int i = 0; i < 512; ++i) random_bytes.push_back(static_cast<char>((i * 7919 + 13) % 251));
  write_text(dir / "random", random_bytes);
  write_text(dir / "empty", "");
  write_text(dir / "armor-only", "-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----\n");

  for (const char* name : {"truncated", "corrupted", "random", "empty", "armor-only"}) {
    std::string path = dir / name;
    for (const char* mode : {"-y", "-l", "-e", "-p", "-c", "-B", "-i"}) {
      std::vector<std::string> args{mode, "-f", path};
      if (std::string(mode) == "-p") args.insert(args.end(), {"-P", "x", "-N", "y"});
      if (std::string(mode) == "-c") args.insert(args.end(), {"-P", "x", "-C", "y"});
      RunResult r = keygen(args);
      // 1 or 255 (OpenSSH's fatal()); a signal would show as 128+N.
      EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 255) << mode << " " << name << ": " << r.exit_code;
      EXPECT_FALSE(r.err.empty()) << mode << " " << name;
    }
  }
  EXPECT_EQ(keygen({"-y", "-f", dir / "random"}).err, "Load key \"" + (dir / "random") + "\": invalid format\r\n");
  EXPECT_EQ(keygen({"-l", "-f", dir / "random"}).err, dir / "random" + " is not a public key file.\r\n");
  EXPECT_EQ(keygen({"-l", "-f", dir / "truncated"}).err, dir / "truncated" + " is not a key file.\r\n");

  RunResult missing = keygen({"-y", "-f", dir / "nope"});
  EXPECT_EQ(missing.exit_code, 255);
  EXPECT_EQ(missing.err, dir / "nope" + ": No such file or directory\r\n");
  RunResult missing_l = keygen({"-l", "-f", dir / "nope"});
  EXPECT_EQ(missing_l.err, "ssh-keygen: " + (dir / "nope") + ": No such file or directory\r\n");

  // A private key others may read is refused, with OpenSSH's warning.
  ::chmod(key.c_str(), 0644);
  RunResult open_perms = keygen({"-y", "-f", key});
  EXPECT_EQ(open_perms.exit_code, 255);
  EXPECT_NE(open_perms.err.find("WARNING: UNPROTECTED PRIVATE KEY FILE!"), std::string::npos);
  EXPECT_NE(open_perms.err.find("Permissions 0644 for '" + key + "' are too open.\r\n"), std::string::npos);
  EXPECT_TRUE(open_perms.err.ends_with("Load key \"" + key + "\": bad permissions\r\n")) << open_perms.err;
}

// ---- -e, -i ----------------------------------------------------------------------

TEST(SshKeygenConvert, ExportImportRoundTrips) {
  TempDir dir;
  struct Case {
    std::string t, b;
    std::vector<std::string> formats;
  };
  const Case cases[] = {{"ed25519", "256", {"RFC4716"}},
                        {"ecdsa", "384", {"RFC4716", "PKCS8"}},
                        {"rsa", "1024", {"RFC4716", "PKCS8", "PEM"}}};
  for (const Case& c : cases) {
    std::string key = dir / c.t;
    ASSERT_EQ(keygen({"-q", "-t", c.t, "-b", c.b, "-N", "", "-f", key}).exit_code, 0);
    std::string pub = read_text(key + ".pub");
    std::string bare = pub.substr(0, pub.rfind(' ')) + "\n";
    for (const std::string& m : c.formats) {
      RunResult e = keygen({"-e", "-m", m, "-f", key});
      ASSERT_EQ(e.exit_code, 0) << c.t << " " << m << ": " << e.err;
      if (m == "RFC4716") {
        EXPECT_TRUE(e.out.starts_with("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"" + c.b + "-bit ")) << e.out;
        EXPECT_TRUE(e.out.ends_with("---- END SSH2 PUBLIC KEY ----\n"));
      }
      write_text(dir / "exported", e.out);
      RunResult i = keygen({"-i", "-m", m, "-f", dir / "exported"});
      ASSERT_EQ(i.exit_code, 0) << c.t << " " << m << ": " << i.err;
      EXPECT_EQ(i.out, bare) << c.t << " " << m;
    }
  }
  // An ECDSA key's "PEM" is its SubjectPublicKeyInfo, as OpenSSH writes it; -i -m PEM
  // reads RSA keys only.
  EXPECT_EQ(keygen({"-e", "-m", "PEM", "-f", dir / "ecdsa"}).out, keygen({"-e", "-m", "PKCS8", "-f", dir / "ecdsa"}).out);
  RunResult ed_pkcs8 = keygen({"-e", "-m", "PKCS8", "-f", dir / "ed25519"});
  EXPECT_EQ(ed_pkcs8.exit_code, 255);
  EXPECT_EQ(ed_pkcs8.err, "do_convert_to_pkcs8: unsupported key type ED25519\r\n");
  RunResult not_pem = keygen({"-i", "-m", "PEM", "-f", dir / "ed25519.pub"});
  EXPECT_EQ(not_pem.exit_code, 255);
  EXPECT_EQ(not_pem.err, "do_convert_from_pem: unrecognised raw private key format\r\n");
}

// ---- -A ------------------------------------------------------------------------------

TEST(SshKeygenHostKeys, CreatesMissingDefaultHostKeysUnderPrefix) {
  TempDir dir;
  std::filesystem::create_directories(dir / "etc/ssh");
  RunResult a = keygen({"-A", "-f", dir.path()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, "ssh-keygen: generating new host keys: RSA ECDSA ED25519 \n");
  const std::pair<const char*, const char*> expected[] = {
      {"rsa", "3072"}, {"ecdsa", "256"}, {"ed25519", "256"}};
  for (const auto& [type, bits] : expected) {
    std::string path = dir / (std::string("etc/ssh/ssh_host_") + type + "_key");
    EXPECT_EQ(file_mode(path), 0600u);
    EXPECT_EQ(file_mode(path + ".pub"), 0644u);
    EXPECT_TRUE(read_text(path + ".pub").ends_with(" " + user_at_host() + "\n"));
    EXPECT_TRUE(keygen({"-l", "-f", path}).out.starts_with(std::string(bits) + " SHA256:"));
  }
  RunResult again = keygen({"-A", "-f", dir.path()});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, "");
  // An empty private key file counts as missing.
  std::filesystem::remove(dir / "etc/ssh/ssh_host_ecdsa_key.pub");
  write_text(dir / "etc/ssh/ssh_host_ecdsa_key", "");
  RunResult one = keygen({"-A", "-f", dir.path()});
  EXPECT_EQ(one.out, "ssh-keygen: generating new host keys: ECDSA \n");
  EXPECT_TRUE(exists(dir / "etc/ssh/ssh_host_ecdsa_key.pub"));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "etc/ssh")) ++entries;
  EXPECT_EQ(entries, 6u);
}

// ---- -F, -R, -H ------------------------------------------------------------------

class SshKeygenKnownHosts : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-N", "", "-f", dir_ / "a"}).exit_code, 0);
    ASSERT_EQ(keygen({"-q", "-t", "ecdsa", "-N", "", "-f", dir_ / "b"}).exit_code, 0);
    std::string pa = read_text(dir_ / "a.pub"), pb = read_text(dir_ / "b.pub");
    ka_ = pa.substr(0, pa.rfind(' '));
    kb_ = pb.substr(0, pb.rfind(' '));
    text_ = "# comment\n"
            "localhost " + ka_ + "\n"
            "host1,10.0.0.1 " + kb_ + " a note\n"
            "[host2]:2222 " + ka_ + "\n"
            "*.wild " + kb_ + "\n"
            "@cert-authority *.ca " + ka_ + "\n"
            "\n"
            "localhost " + kb_ + "\n";
    path_ = dir_ / "known_hosts";
    write_text(path_, text_, 0644);
  }
  TempDir dir_;
  std::string ka_, kb_, text_, path_;
};

TEST_F(SshKeygenKnownHosts, FindPrintsMatchingLines) {
  RunResult f = keygen({"-F", "localhost", "-f", path_});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(f.out, "# Host localhost found: line 2 \nlocalhost " + ka_ + "\n# Host localhost found: line 8 \nlocalhost " +
                       kb_ + "\n");
  EXPECT_EQ(keygen({"-F", "[host2]:2222", "-f", path_}).out, "# Host [host2]:2222 found: line 4 \n[host2]:2222 " + ka_ + "\n");
  EXPECT_EQ(keygen({"-F", "x.ca", "-f", path_}).out, "# Host x.ca found: line 6 CA\n@cert-authority *.ca " + ka_ + "\n");
  EXPECT_EQ(keygen({"-q", "-F", "a.wild", "-f", path_}).out, "*.wild " + kb_ + "\n");
  RunResult missing = keygen({"-F", "nowhere", "-f", path_});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");
  RunResult l = keygen({"-F", "10.0.0.1", "-l", "-f", path_});
  EXPECT_EQ(l.out, "# Host 10.0.0.1 found: line 3 \n10.0.0.1 ECDSA " +
                       openssl_sha256_fingerprint(read_text(dir_ / "b.pub")) + " a note\n");
  RunResult no_file = keygen({"-F", "x", "-f", dir_ / "nothing"});
  EXPECT_EQ(no_file.exit_code, 255);
  EXPECT_EQ(no_file.err, "Cannot stat " + (dir_ / "nothing") + ": No such file or directory\r\n");
}

TEST_F(SshKeygenKnownHosts, RemoveKeepsOldFile) {
  RunResult r = keygen({"-R", "localhost", "-f", path_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "# Host localhost found: line 2\n# Host localhost found: line 8\n" + path_ + " updated.\n" +
                       "Original contents retained as " + path_ + ".old\n");
  EXPECT_EQ(read_text(path_ + ".old"), text_);
  std::string expected = text_;
  for (const std::string& gone : {"localhost " + ka_ + "\n", "localhost " + kb_ + "\n"})
    expected.erase(expected.find(gone), gone.size());
  EXPECT_EQ(read_text(path_), expected);
  EXPECT_EQ(file_mode(path_), 0644u);

  RunResult none = keygen({"-R", "localhost", "-f", path_});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.err, "Host localhost not found in " + path_ + "\r\n");
  // CA lines are never removed.
  EXPECT_EQ(keygen({"-R", "x.ca", "-f", path_}).err, "Host x.ca not found in " + path_ + "\r\n");

  // An invalid line stops the edit.
  write_text(path_, text_ + "garbage-only-host\n", 0644);
  RunResult bad = keygen({"-R", "localhost", "-f", path_});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, path_ + ":9: invalid line\r\n" + path_ + " is not a valid known_hosts file.\r\n" +
                         "Not replacing existing known_hosts file because of errors\r\n");
  EXPECT_EQ(read_text(path_), text_ + "garbage-only-host\n");
}

TEST_F(SshKeygenKnownHosts, HashThenFindAndRemoveHashedEntries) {
  RunResult h = keygen({"-H", "-f", path_});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_EQ(h.out, path_ + " updated.\nOriginal contents retained as " + path_ + ".old\n");
  EXPECT_EQ(h.err, path_ + ":5: ignoring host name with wildcard: *.wild\r\n" + path_ +
                       ":6: ignoring host name with wildcard: *.ca\r\n" + "WARNING: " + path_ +
                       ".old contains unhashed entries\r\n" + "Delete this file to ensure privacy of hostnames\r\n");
  auto lines = split_lines(read_text(path_));
  ASSERT_EQ(lines.size(), 9u);
  const std::regex hashed(R"(\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= .*)");
  for (int i : {1, 2, 3, 4, 8}) EXPECT_TRUE(std::regex_match(lines[i], hashed)) << lines[i];
  EXPECT_TRUE(lines[2].ends_with(" " + kb_ + " a note"));
  EXPECT_EQ(lines[5], "*.wild " + kb_);

  RunResult f = keygen({"-F", "10.0.0.1", "-f", path_});
  ASSERT_EQ(f.exit_code, 0);
  EXPECT_EQ(f.out, "# Host 10.0.0.1 found: line 4 \n" + lines[3] + "\n");
  EXPECT_EQ(keygen({"-F", "HOST1", "-f", path_}).exit_code, 1);  // hashed names are exact

  RunResult r = keygen({"-R", "[host2]:2222", "-f", path_});
  EXPECT_EQ(r.out, "# Host [host2]:2222 found: line 5\n" + path_ + " updated.\nOriginal contents retained as " +
                       path_ + ".old\n");
  EXPECT_EQ(keygen({"-F", "[host2]:2222", "-f", path_}).exit_code, 1);

  // -HF prints the matching lines hashed, without touching the file.
  write_text(path_, text_, 0644);
  RunResult hf = keygen({"-H", "-F", "localhost", "-f", path_});
  EXPECT_EQ(hf.exit_code, 0);
  auto out = split_lines(hf.out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(std::regex_match(out[1], hashed));
  EXPECT_EQ(read_text(path_), text_);
}

// ---- -r -------------------------------------------------------------------------------

TEST(SshKeygenSshfp, ResourceRecordsMatchFingerprints) {
  TempDir dir;
  const std::pair<const char*, const char*> types[] = {{"ed25519", "4"}, {"ecdsa", "3"}, {"rsa", "1"}};
  for (const auto& [t, number] : types) {
    std::string key = dir / t;
    ASSERT_EQ(keygen({"-q", "-t", t, "-b", std::string(t) == "rsa" ? "1024" : "256", "-N", "", "-f", key}).exit_code,
              0);
    RunResult r = keygen({"-r", "host.example.", "-f", key + ".pub"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto lines = split_lines(r.out);
    ASSERT_EQ(lines.size(), 2u) << r.out;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[0], std::regex(std::string("host\\.example\\. IN SSHFP ") + number +
                                                     " 1 [0-9a-f]{40}")));
    ASSERT_TRUE(std::regex_match(lines[1], m, std::regex(std::string("host\\.example\\. IN SSHFP ") + number +
                                                        " 2 ([0-9a-f]{64})")));
    // The SHA-256 record is the -l fingerprint in hex.
    std::string fp = openssl_sha256_fingerprint(read_text(key + ".pub")).substr(7) + "=";
    std::vector<unsigned char> raw(64);
    int n = EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char*>(fp.data()), static_cast<int>(fp.size()));
    ASSERT_GE(n, 32);
    std::string hex;
    for (int i = 0; i < 32; ++i) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", raw[static_cast<std::size_t>(i)]);
      hex += b;
    }
    EXPECT_EQ(m[1].str(), hex);
    RunResult g = keygen({"-r", "h", "-g", "-f", key});
    auto glines = split_lines(g.out);
    ASSERT_EQ(glines.size(), 2u);
    EXPECT_EQ(glines[1], std::string("h IN TYPE44 \\# 34 0") + number + " 02 " + hex);
  }
  RunResult missing = keygen({"-r", "h", "-f", dir / "none"});
  EXPECT_EQ(missing.exit_code, 255);
  EXPECT_EQ(missing.err, dir / "none" + ": No such file or directory\r\n");
}

// ---- the interactive dialogue ------------------------------------------------------

std::vector<std::string> pty_args(std::vector<std::string> args) {
  args.insert(args.begin(), sshpp::test::our_bin("ssh-keygen"));
  return args;
}

TEST(SshKeygenDialogue, GenerateAsksFileAndPassphraseTwice) {
  TempDir dir;
  std::string key = dir / "dlg";
  PtySession s(pty_args({"-t", "ed25519", "-a", kRounds, "-C", "dialogue"}), {}, kPromptEnv);
  ASSERT_TRUE(s.started());
  const passwd* pw = ::getpwuid(::getuid());
  ASSERT_TRUE(s.expect("Generating public/private ed25519 key pair.\r\nEnter file in which to save the key (" +
                       std::string(pw->pw_dir) + "/.ssh/id_ed25519): "))
      << s.output();
  s.send(key + "\n");
  ASSERT_TRUE(s.expect("Enter passphrase (empty for no passphrase): ")) << s.output();
  s.send("first\n");
  ASSERT_TRUE(s.expect("\r\nEnter same passphrase again: ")) << s.output();
  s.send("second\n");
  ASSERT_TRUE(s.expect("\r\nPassphrases do not match.  Try again.\r\nEnter passphrase (empty for no passphrase): "))
      << s.output();
  s.send("good-pass\n");
  ASSERT_TRUE(s.expect("Enter same passphrase again: ")) << s.output();
  s.send("good-pass\n");
  ASSERT_TRUE(s.expect("\r\nYour identification has been saved in " + key + "\r\nYour public key has been saved in " +
                       key + ".pub\r\nThe key fingerprint is:\r\nSHA256:"))
      << s.output();
  ASSERT_TRUE(s.expect(" dialogue\r\nThe key's randomart image is:\r\n+--[ED25519 256]--+\r\n")) << s.output();
  EXPECT_EQ(s.wait(), 0) << s.output();
  // What was typed at the passphrase prompts was not echoed.
  EXPECT_EQ(s.output().find("good-pass"), std::string::npos) << s.output();
  EXPECT_EQ(s.output().find("second"), std::string::npos);
  EXPECT_EQ(keygen({"-y", "-P", "good-pass", "-f", key}).out, read_text(key + ".pub"));
}

TEST(SshKeygenDialogue, OverwriteQuestion) {
  TempDir dir;
  std::string key = dir / "k";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-N", "", "-f", key}).exit_code, 0);
  std::string before = read_text(key);
  {
    PtySession s(pty_args({"-t", "ecdsa", "-f", key}), {}, kPromptEnv);
    ASSERT_TRUE(s.expect("Generating public/private ecdsa key pair.\r\n" + key + " already exists.\r\nOverwrite (y/n)? "))
        << s.output();
    s.send("n\n");
    EXPECT_EQ(s.wait(), 1);
    EXPECT_EQ(read_text(key), before);
  }
  {
    PtySession s(pty_args({"-t", "ecdsa", "-f", key}), {}, kPromptEnv);
    ASSERT_TRUE(s.expect("Overwrite (y/n)? ")) << s.output();
    s.send("y\n");
    ASSERT_TRUE(s.expect("Enter passphrase (empty for no passphrase): ")) << s.output();
    s.send("\n");
    ASSERT_TRUE(s.expect("Enter same passphrase again: ")) << s.output();
    s.send("\n");
    ASSERT_TRUE(s.expect("Your identification has been saved in " + key)) << s.output();
    EXPECT_EQ(s.wait(), 0) << s.output();
    EXPECT_TRUE(read_text(key + ".pub").starts_with("ecdsa-sha2-nistp256 "));
  }
}

TEST(SshKeygenDialogue, ChangePassphraseAndPrintPublicOnTerminal) {
  TempDir dir;
  std::string key = dir / "k";
  ASSERT_EQ(keygen({"-q", "-t", "ed25519", "-a", kRounds, "-N", "old-one", "-C", "cmt", "-f", key}).exit_code, 0);
  {
    PtySession s(pty_args({"-p", "-a", kRounds, "-f", key}), {}, kPromptEnv);
    ASSERT_TRUE(s.expect("Enter old passphrase: ")) << s.output();
    s.send("old-one\n");
    ASSERT_TRUE(s.expect("\r\nKey has comment 'cmt'\r\nEnter new passphrase (empty for no passphrase): ")) << s.output();
    s.send("new-one\n");
    ASSERT_TRUE(s.expect("\r\nEnter same passphrase again: ")) << s.output();
    s.send("new-one\n");
    ASSERT_TRUE(s.expect("\r\nYour identification has been saved with the new passphrase.\r\n")) << s.output();
    EXPECT_EQ(s.wait(), 0);
  }
  {
    PtySession s(pty_args({"-p", "-a", kRounds, "-f", key}), {}, kPromptEnv);
    ASSERT_TRUE(s.expect("Enter old passphrase: "));
    s.send("new-one\n");
    ASSERT_TRUE(s.expect("Enter new passphrase (empty for no passphrase): "));
    s.send("x1\n");
    ASSERT_TRUE(s.expect("Enter same passphrase again: "));
    s.send("x2\n");
    ASSERT_TRUE(s.expect("\r\nPass phrases do not match.  Try again.\r\n")) << s.output();
    EXPECT_EQ(s.wait(), 1);
  }
  {
    PtySession s(pty_args({"-y", "-f", key}), {}, kPromptEnv);
    ASSERT_TRUE(s.expect("Enter passphrase: ")) << s.output();
    s.send("new-one\n");
    std::string pub = read_text(key + ".pub");
    pub.insert(pub.size() - 1, "\r");
    ASSERT_TRUE(s.expect("\r\n" + pub)) << s.output();
    EXPECT_EQ(s.wait(), 0);
  }
  {
    PtySession s(pty_args({"-c", "-f", key}), {}, kPromptEnv);
    ASSERT_TRUE(s.expect("Enter passphrase: ")) << s.output();
    s.send("new-one\n");
    ASSERT_TRUE(s.expect("\r\nOld comment: cmt\r\nNew comment: ")) << s.output();
    s.send("typed comment\n");
    ASSERT_TRUE(s.expect("Comment 'typed comment' applied\r\n")) << s.output();
    EXPECT_EQ(s.wait(), 0);
    EXPECT_TRUE(read_text(key + ".pub").ends_with(" typed comment\n"));
  }
}

TEST(SshKeygenDialogue, FileNamePromptEndsAtEof) {
  PtySession s(pty_args({"-l"}), {}, kPromptEnv);
  const passwd* pw = ::getpwuid(::getuid());
  ASSERT_TRUE(s.expect("Enter file in which the key is (" + std::string(pw->pw_dir) + "/.ssh/id_ed25519): "))
      << s.output();
  s.send("\x04");  // ^D: end of input on the terminal
  EXPECT_EQ(s.wait(), 1);
}

}  // namespace
