// Our ssh-keygen against Debian's OpenSSH 9.2 /usr/bin/ssh-keygen, both ways:
// keys made by one tool are read by the other, and the same command on the same
// files prints the same bytes (stdout, stderr, exit status) with either tool.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
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

const std::string kDebianKeygen = "/usr/bin/ssh-keygen";
const std::vector<std::string> kPromptEnv = {"DISPLAY", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE"};
// bcrypt_pbkdf rounds for encrypted test keys: enough to exercise the KDF, cheap to run.
const std::string kRounds = "4";

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

enum class Tool { kOurs, kDebian };

RunResult keygen(Tool tool, const std::vector<std::string>& args, RunOptions options = {}) {
  std::vector<std::string> argv{tool == Tool::kOurs ? sshpp::test::our_bin("ssh-keygen") : kDebianKeygen};
  argv.insert(argv.end(), args.begin(), args.end());
  options.new_session = true;
  options.unset_env.insert(options.unset_env.end(), kPromptEnv.begin(), kPromptEnv.end());
  return sshpp::test::run(argv, options);
}
RunResult ours(const std::vector<std::string>& args, RunOptions options = {}) {
  return keygen(Tool::kOurs, args, std::move(options));
}
RunResult debian(const std::vector<std::string>& args, RunOptions options = {}) {
  return keygen(Tool::kDebian, args, std::move(options));
}

std::string join(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

// The same command with both tools: identical stdout, stderr and exit status.
void expect_same(const std::vector<std::string>& args, RunOptions options = {}) {
  RunResult a = debian(args, options);
  RunResult b = ours(args, options);
  EXPECT_EQ(b.exit_code, a.exit_code) << join(args) << "\n" << a.err << "\n" << b.err;
  EXPECT_EQ(b.out, a.out) << join(args);
  EXPECT_EQ(b.err, a.err) << join(args);
}

std::string key_part(const std::string& pub_line) {
  std::size_t first = pub_line.find(' ');
  std::size_t second = pub_line.find_first_of(" \n", first + 1);
  return pub_line.substr(0, second);
}

void copy_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

struct TypeCase {
  std::string t, bits, name;
};
const TypeCase kTypes[] = {{"ed25519", "256", "ed25519"},
                           {"ecdsa", "256", "ecdsa256"},
                           {"ecdsa", "384", "ecdsa384"},
                           {"ecdsa", "521", "ecdsa521"},
                           {"rsa", "2048", "rsa2048"}};

class SshKeygenKeysBothWays : public ::testing::TestWithParam<TypeCase> {};

TEST_P(SshKeygenKeysBothWays, EachToolReadsTheOthersKeysAndPrintsTheSame) {
  ASSERT_TRUE(std::filesystem::exists(kDebianKeygen)) << "Debian's ssh-keygen is the reference";
  const TypeCase& c = GetParam();
  TempDir dir;
  struct Made {
    Tool maker;
    std::string path, pass;
  };
  std::vector<Made> keys = {{Tool::kOurs, dir / "ours", ""},
                            {Tool::kOurs, dir / "ours_enc", "pass-ours"},
                            {Tool::kDebian, dir / "deb", ""},
                            {Tool::kDebian, dir / "deb_enc", "pass-deb"}};
  for (const Made& k : keys) {
    RunResult r = keygen(k.maker, {"-q", "-t", c.t, "-b", c.bits, "-a", kRounds, "-N", k.pass, "-C",
                                   "comment of " + k.path.substr(k.path.rfind('/') + 1), "-f", k.path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  for (const Made& k : keys) {
    SCOPED_TRACE(k.path);
    std::string pub = read_text(k.path + ".pub");
    // Both tools give back the public key line from the private key.
    EXPECT_EQ(debian({"-y", "-P", k.pass, "-f", k.path}).out, pub);
    EXPECT_EQ(ours({"-y", "-P", k.pass, "-f", k.path}).out, pub);
    if (!k.pass.empty()) expect_same({"-y", "-P", "wrong-pass", "-f", k.path});

    // Fingerprints, randomart, bubblebabble: byte for byte.
    for (const std::string& file : {k.path, k.path + ".pub"}) {
      expect_same({"-l", "-f", file});
      expect_same({"-l", "-E", "md5", "-f", file});
      expect_same({"-lv", "-f", file});
      expect_same({"-lv", "-E", "sha512", "-f", file});
      expect_same({"-B", "-f", file});
      expect_same({"-r", "host.example.com", "-f", file});
      expect_same({"-r", "host.example.com", "-g", "-f", file});
    }
    // The private file alone (no .pub beside it).
    std::string alone = dir / "alone";
    copy_file(k.path, alone);
    ::chmod(alone.c_str(), 0600);
    expect_same({"-l", "-f", alone});
    expect_same({"-e", "-P", k.pass, "-f", alone});

    // Export: same text; each tool's export is imported the same way by both, and
    // gives back the key (-i -m PEM reads RSA keys only, in both tools).
    for (const std::string m : {"RFC4716", "PKCS8", "PEM"}) {
      expect_same({"-e", "-m", m, "-f", k.path});
      RunResult exported = debian({"-e", "-m", m, "-f", k.path});
      if (exported.exit_code != 0) continue;  // Ed25519 has no PKCS8/PEM form (compared above)
      bool importable = m != "PEM" || c.t == "rsa";
      for (Tool exporter : {Tool::kDebian, Tool::kOurs}) {
        write_text(dir / "exported", keygen(exporter, {"-e", "-m", m, "-f", k.path}).out);
        expect_same({"-i", "-m", m, "-f", dir / "exported"});
        RunResult imported = ours({"-i", "-m", m, "-f", dir / "exported"});
        EXPECT_EQ(imported.exit_code, importable ? 0 : 255) << m << imported.err;
        if (importable) {
          EXPECT_EQ(imported.out, key_part(pub) + "\n") << m;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SshKeygenTypes, SshKeygenKeysBothWays, ::testing::ValuesIn(kTypes),
                         [](const ::testing::TestParamInfo<TypeCase>& param_info) { return param_info.param.name; });

TEST(SshKeygenInterop, PemAndPkcs8PrivateKeysBothWays) {
  TempDir dir;
  struct Case {
    std::string t, bits, m, pass;
  };
  const Case cases[] = {{"rsa", "1024", "PEM", ""},      {"rsa", "1024", "PEM", "pem-pass"},
                        {"rsa", "1024", "PKCS8", ""},    {"rsa", "1024", "PKCS8", "pkcs8-pass"},
                        {"ecdsa", "256", "PEM", ""},     {"ecdsa", "384", "PEM", "pem-pass"},
                        {"ecdsa", "521", "PKCS8", ""},   {"ecdsa", "256", "PKCS8", "pkcs8-pass"}};
  int i = 0;
  for (const Case& c : cases) {
    for (Tool maker : {Tool::kOurs, Tool::kDebian}) {
      std::string key = dir / ("k" + std::to_string(i++));
      SCOPED_TRACE(c.t + " " + c.m + " " + c.pass + (maker == Tool::kOurs ? " by ours" : " by debian"));
      ASSERT_EQ(keygen(maker, {"-q", "-t", c.t, "-b", c.bits, "-m", c.m, "-N", c.pass, "-f", key}).exit_code, 0);
      std::string expected = key_part(read_text(key + ".pub")) + "\n";
      RunResult d = debian({"-y", "-P", c.pass, "-f", key});
      EXPECT_EQ(d.out, expected) << d.err;
      RunResult o = ours({"-y", "-P", c.pass, "-f", key});
      EXPECT_EQ(o.out, expected) << o.err;
      if (!c.pass.empty()) {
        RunResult wrong = ours({"-y", "-P", "not-it", "-f", key});
        EXPECT_EQ(wrong.exit_code, 255);
        EXPECT_EQ(wrong.err, "Load key \"" + key + "\": incorrect passphrase supplied to decrypt private key\r\n");
      }
      std::filesystem::remove(key + ".pub");
      expect_same({"-l", "-f", key});
    }
  }
}

TEST(SshKeygenInterop, PassphraseAndCommentChangesBothWays) {
  TempDir dir;
  for (Tool maker : {Tool::kOurs, Tool::kDebian}) {
    Tool changer = maker == Tool::kOurs ? Tool::kDebian : Tool::kOurs;
    std::string key = dir / (maker == Tool::kOurs ? "by_ours" : "by_debian");
    ASSERT_EQ(keygen(maker, {"-q", "-t", "ecdsa", "-a", kRounds, "-N", "first-pass", "-C", "c1", "-f", key}).exit_code,
              0);
    std::string pub = read_text(key + ".pub");
    RunResult p = keygen(changer, {"-p", "-a", kRounds, "-P", "first-pass", "-N", "second-pass", "-f", key});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_EQ(p.out, "Key has comment 'c1'\nYour identification has been saved with the new passphrase.\n");
    EXPECT_EQ(keygen(maker, {"-y", "-P", "second-pass", "-f", key}).out, pub);
    EXPECT_EQ(keygen(maker, {"-y", "-P", "first-pass", "-f", key}).exit_code, 255);

    RunResult c = keygen(changer, {"-c", "-a", kRounds, "-P", "second-pass", "-C", "c2", "-f", key});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    EXPECT_EQ(c.out, "Old comment: c1\nComment 'c2' applied\n");
    EXPECT_EQ(keygen(maker, {"-y", "-P", "second-pass", "-f", key}).out, key_part(pub) + " c2\n");
    expect_same({"-l", "-f", key});

    // Passphrase removed by the other tool, then to PEM and back.
    ASSERT_EQ(keygen(changer, {"-p", "-P", "second-pass", "-N", "", "-f", key}).exit_code, 0);
    EXPECT_EQ(keygen(maker, {"-y", "-f", key}).out, key_part(pub) + " c2\n");
    ASSERT_EQ(keygen(maker, {"-p", "-m", "PEM", "-N", "pem-pass", "-f", key}).exit_code, 0);
    EXPECT_EQ(keygen(changer, {"-y", "-P", "pem-pass", "-f", key}).out, key_part(pub) + "\n");
  }
}

// ---- known_hosts -------------------------------------------------------------------

class SshKeygenKnownHostsInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> k;
    int i = 0;
    for (const char* t : {"ed25519", "ecdsa", "rsa"}) {
      std::string path = dir_ / ("hk" + std::to_string(i++));
      ASSERT_EQ(debian({"-q", "-t", t, "-b", std::string(t) == "rsa" ? "1024" : "256", "-N", "", "-f", path}).exit_code,
                0);
      k.push_back(key_part(read_text(path + ".pub")));
    }
    text_ = "# a comment\n"
            "localhost " + k[0] + "\n"
            "host1,10.0.0.1 " + k[1] + " some comment\n"
            "[host2]:2222,Host3 " + k[2] + "\n"
            "*.wild,!no.wild " + k[0] + "\n"
            "@cert-authority *.ca " + k[1] + "\n"
            "@revoked revoked.example " + k[2] + "\n"
            "\n"
            "localhost " + k[1] + "\n"
            "   \tspaced.example " + k[2] + " c\n";
    path_ = dir_ / "known_hosts";
    write_text(path_, text_, 0644);
  }
  TempDir dir_;
  std::string text_, path_;
  const std::vector<std::string> names_ = {"localhost", "host1", "10.0.0.1", "[host2]:2222", "host3",
                                           "a.wild",    "no.wild", "x.ca", "revoked.example", "spaced.example",
                                           "nothere"};
};

TEST_F(SshKeygenKnownHostsInterop, FindPrintsTheSame) {
  for (const std::string& name : names_) {
    expect_same({"-F", name, "-f", path_});
    expect_same({"-F", name, "-l", "-f", path_});
    expect_same({"-F", name, "-lv", "-f", path_});
    expect_same({"-q", "-F", name, "-f", path_});
  }
  expect_same({"-l", "-f", path_});
  expect_same({"-F", "nothere", "-f", dir_ / "missing"});
}

TEST_F(SshKeygenKnownHostsInterop, RemoveLeavesIdenticalFiles) {
  for (const std::string& name : names_) {
    SCOPED_TRACE(name);
    std::string a = dir_ / "a", b = dir_ / "b";
    write_text(a, text_, 0640);
    write_text(b, text_, 0640);
    RunResult d = debian({"-R", name, "-f", a});
    RunResult o = ours({"-R", name, "-f", b});
    EXPECT_EQ(o.exit_code, d.exit_code);
    std::string d_out = std::regex_replace(d.out, std::regex(a), "FILE");
    std::string o_out = std::regex_replace(o.out, std::regex(b), "FILE");
    EXPECT_EQ(o_out, d_out);
    EXPECT_EQ(std::regex_replace(o.err, std::regex(b), "FILE"), std::regex_replace(d.err, std::regex(a), "FILE"));
    EXPECT_EQ(read_text(b), read_text(a));
    EXPECT_EQ(std::filesystem::exists(b + ".old"), std::filesystem::exists(a + ".old"));
    if (std::filesystem::exists(a + ".old")) {
      EXPECT_EQ(read_text(b + ".old"), text_);
      struct stat sa {}, sb {};
      ::stat(a.c_str(), &sa);
      ::stat(b.c_str(), &sb);
      EXPECT_EQ(sb.st_mode, sa.st_mode);
    }
    std::filesystem::remove(a + ".old");
    std::filesystem::remove(b + ".old");
  }
}

TEST_F(SshKeygenKnownHostsInterop, HashedByOneFoundAndRemovedByTheOther) {
  const std::regex salt_and_hash(R"(\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+)");
  std::string a = dir_ / "a", b = dir_ / "b";
  write_text(a, text_, 0600);
  write_text(b, text_, 0600);
  RunResult d = debian({"-H", "-f", a});
  RunResult o = ours({"-H", "-f", b});
  EXPECT_EQ(o.exit_code, d.exit_code);
  EXPECT_EQ(std::regex_replace(o.out, std::regex(b), "FILE"), std::regex_replace(d.out, std::regex(a), "FILE"));
  EXPECT_EQ(std::regex_replace(o.err, std::regex(b), "FILE"), std::regex_replace(d.err, std::regex(a), "FILE"));
  EXPECT_EQ(std::regex_replace(read_text(b), salt_and_hash, "HASHED"),
            std::regex_replace(read_text(a), salt_and_hash, "HASHED"));
  EXPECT_NE(read_text(b), text_);

  // Every host is found in both hashed files by both tools, on the same lines.
  for (const std::string& name : names_) {
    for (const std::string& file : {a, b}) {
      RunResult fd = debian({"-F", name, "-f", file});
      RunResult fo = ours({"-F", name, "-f", file});
      EXPECT_EQ(fo.exit_code, fd.exit_code) << name << " in " << file;
      EXPECT_EQ(fo.out, fd.out) << name << " in " << file;
    }
  }
  EXPECT_EQ(ours({"-F", "10.0.0.1", "-f", a}).exit_code, 0);
  EXPECT_EQ(debian({"-F", "host1", "-f", b}).exit_code, 0);

  // -R on a hashed file: both tools leave the same file.
  for (const std::string name : {"localhost", "[host2]:2222", "host1"}) {
    std::string da = dir_ / "da", ob = dir_ / "ob";
    copy_file(b, da);
    copy_file(b, ob);
    RunResult rd = debian({"-R", name, "-f", da});
    RunResult ro = ours({"-R", name, "-f", ob});
    EXPECT_EQ(ro.exit_code, rd.exit_code);
    EXPECT_EQ(read_text(ob), read_text(da)) << name;
    EXPECT_EQ(read_text(ob + ".old"), read_text(b));
  }
  // -HF: the matching lines hashed on stdout.
  RunResult hf_d = debian({"-H", "-F", "localhost", "-f", path_});
  RunResult hf_o = ours({"-H", "-F", "localhost", "-f", path_});
  EXPECT_EQ(std::regex_replace(hf_o.out, salt_and_hash, "HASHED"),
            std::regex_replace(hf_d.out, salt_and_hash, "HASHED"));
}

TEST_F(SshKeygenKnownHostsInterop, InvalidLinesAreReportedTheSame) {
  std::string a = dir_ / "a", b = dir_ / "b";
  std::string bad = text_ + "only-a-host\nbad.example ssh-ed25519\n@bogus x " +
                    key_part(read_text(dir_ / "hk0.pub")) + "\n";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-R", "localhost"}, std::vector<std::string>{"-H"},
        std::vector<std::string>{"-F", "localhost"}}) {
    write_text(a, bad, 0600);
    write_text(b, bad, 0600);
    std::vector<std::string> da = args, ob = args;
    da.insert(da.end(), {"-f", a});
    ob.insert(ob.end(), {"-f", b});
    RunResult d = debian(da), o = ours(ob);
    EXPECT_EQ(o.exit_code, d.exit_code) << join(args);
    EXPECT_EQ(std::regex_replace(o.err, std::regex(b), "FILE"), std::regex_replace(d.err, std::regex(a), "FILE"))
        << join(args);
    EXPECT_EQ(read_text(b), read_text(a));
  }
}

// ---- -A, errors, dialogue ----------------------------------------------------------

TEST(SshKeygenInterop, HostKeysUnderPrefix) {
  TempDir dir;
  for (const char* who : {"d", "o"}) std::filesystem::create_directories(dir / (std::string(who) + "/etc/ssh"));
  RunResult d = debian({"-A", "-f", dir / "d"});
  RunResult o = ours({"-A", "-f", dir / "o"});
  EXPECT_EQ(o.exit_code, d.exit_code);
  EXPECT_EQ(o.out, d.out);
  EXPECT_EQ(o.err, d.err);
  for (const char* t : {"rsa", "ecdsa", "ed25519"}) {
    std::string name = std::string("etc/ssh/ssh_host_") + t + "_key";
    for (const std::string suffix : {"", ".pub"}) {
      struct stat sd {}, so {};
      ASSERT_EQ(::stat((dir / ("d/" + name + suffix)).c_str(), &sd), 0);
      ASSERT_EQ(::stat((dir / ("o/" + name + suffix)).c_str(), &so), 0);
      EXPECT_EQ(so.st_mode, sd.st_mode) << name << suffix;
    }
    std::string ours_key = dir / ("o/" + name);
    EXPECT_EQ(debian({"-y", "-f", ours_key}).out, read_text(ours_key + ".pub"));
    // The same size and type as Debian's.
    std::string dl = debian({"-l", "-f", dir / ("d/" + name)}).out;
    std::string ol = debian({"-l", "-f", ours_key}).out;
    EXPECT_EQ(ol.substr(0, ol.find(' ')), dl.substr(0, dl.find(' ')));
    EXPECT_EQ(ol.substr(ol.rfind(' ')), dl.substr(dl.rfind(' ')));
  }
  expect_same({"-A", "-f", dir / "d"});
}

TEST(SshKeygenInterop, ErrorsAndUsageAreTheSame) {
  TempDir dir;
  ASSERT_EQ(debian({"-q", "-t", "ed25519", "-N", "pw-pw-pw", "-f", dir / "enc"}).exit_code, 0);
  ASSERT_EQ(debian({"-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", dir / "rsa"}).exit_code, 0);
  const std::vector<std::vector<std::string>> cases = {
      {"-x"},
      {"-l", "-f", dir / "rsa", "extra"},
      {"-p", "-c"},
      {"-l", "-R", "x"},
      {"-f"},
      {"-b", "0"},
      {"-b", "17x"},
      {"-t", "rsa", "-b", "1000", "-N", "", "-f", dir / "n"},
      {"-t", "rsa", "-b", "16400", "-N", "", "-f", dir / "n"},
      {"-t", "ecdsa", "-b", "257", "-N", "", "-f", dir / "n"},
      {"-t", "nonsense", "-N", "", "-f", dir / "n"},
      {"-t", "rsa1", "-N", "", "-f", dir / "n"},
      {"-E", "sha3", "-l", "-f", dir / "rsa"},
      {"-m", "X509"},
      {"-Z", "nope-cipher"},
      {"-a", "-3"},
      {"-y", "-f", dir / "missing"},
      {"-l", "-f", dir / "missing"},
      {"-e", "-f", dir / "missing"},
      {"-i", "-f", dir / "missing"},
      {"-p", "-f", dir / "missing"},
      {"-c", "-f", dir / "missing"},
      {"-r", "h", "-f", dir / "missing"},
      {"-R", "h", "-f", dir / "missing"},
      {"-y", "-P", "wrong", "-f", dir / "enc"},
      {"-p", "-P", "wrong", "-N", "x", "-f", dir / "enc"},
      {"-c", "-P", "wrong", "-C", "x", "-f", dir / "enc"},
      {"-p", "-m", "PEM", "-N", "abc", "-f", dir / "rsa"},
      {"-c", "-m", "PEM", "-C", "abc", "-f", dir / "rsa"},
      {"-e", "-m", "PKCS8", "-f", dir / "enc.pub"},
      {"-e", "-m", "PEM", "-f", dir / "enc.pub"},
      {"-i", "-m", "PKCS8", "-f", dir / "rsa.pub"},
      {"-i", "-m", "PEM", "-f", dir / "rsa.pub"},
      {"-l", "-f", dir.path()},
  };
  for (const auto& args : cases) expect_same(args, in_dir(dir.path()));
  // Passphrases read from stdin without a terminal: same prompts on stderr.
  expect_same({"-y", "-f", dir / "enc"}, with_stdin("pw-pw-pw\n"));
  expect_same({"-y", "-f", dir / "enc"}, with_stdin("nope\n"));
}

// Both tools through the same dialogue on a terminal; only the key material
// (fingerprint and randomart) may differ.
std::string dialogue(const std::string& program, const std::string& key) {
  PtySession s({program, "-t", "ed25519", "-C", "dialogue"}, {}, kPromptEnv);
  if (!s.expect("save the key (")) return "no file prompt: " + s.output();
  if (!s.expect("): ")) return "no file prompt end: " + s.output();
  s.send(key + "\n");
  for (const char* answer : {"one\n", "two\n", "same\n", "same\n"}) {
    if (!s.expect("passphrase")) return "no passphrase prompt: " + s.output();
    if (!s.expect(": ")) return "no prompt end: " + s.output();
    s.send(answer);
  }
  int status = s.wait();
  std::string text = s.output() + "\nexit " + std::to_string(status);
  text = std::regex_replace(text, std::regex("SHA256:[A-Za-z0-9+/]{43}"), "SHA256:FP");
  text = std::regex_replace(text, std::regex(R"(\|[^|\r\n]{17}\|)"), "|ART|");
  return std::regex_replace(text, std::regex(key), "KEY");
}

TEST(SshKeygenInterop, GenerationDialogueOnATerminal) {
  TempDir dir;
  std::string d = dialogue(kDebianKeygen, dir / "d");
  std::string o = dialogue(sshpp::test::our_bin("ssh-keygen"), dir / "o");
  EXPECT_EQ(o, d);
  EXPECT_NE(d.find("Passphrases do not match.  Try again."), std::string::npos) << d;
  EXPECT_EQ(debian({"-y", "-P", "same", "-f", dir / "o"}).out, read_text(dir / "o.pub"));
}

}  // namespace
