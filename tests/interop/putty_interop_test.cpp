// PuTTY 0.78's plink (Debian's putty-tools) against our server engines (in-process,
// in-memory policy): Ed25519, ECDSA and RSA keys converted by puttygen to .ppk, a
// password from -pwfile, our host key pinned with -hostkey (so plink -batch refuses
// any other), stdin, stdout, stderr and exit status. Our server offers one key exchange and one
// cipher at a time, so each row is a key exchange that PuTTY's own code computed
// with ours, including the sntrup761x25519 hybrid and AES-GCM; -C covers zlib, and
// a re-exchange we start mid-stream.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <future>

#include "sshcore/keys/fingerprint.hpp"
#include "support/engine_exec.hpp"
#include "support/other_peers.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_pair.hpp"

using namespace sshcore;
using namespace sshcore::transport;
using namespace sshpp::test;

namespace {

struct PlinkRun {
  RunResult client;
  ServedExec served;
};

PlinkRun run_plink(TempDir& tmp, MemoryPolicy& policy, const ServerExec& server, std::vector<std::string> args,
                   const std::string& stdin_data) {
  int port = 0;
  int listener = listen_loopback(port);
  EXPECT_GE(listener, 0);
  std::string host_key = keys::fingerprint(TransportPair::host_key(keys::KeyType::kEd25519)->public_key());
  std::vector<std::string> argv = {"/usr/bin/plink", "-ssh", "-batch", "-noagent", "-T", "-P", std::to_string(port),
                                   "-l", "tester", "-hostkey", host_key};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.env["HOME"] = tmp.path();   // PuTTY keeps its random seed in ~/.putty
  options.stdin_data = stdin_data;
  options.timeout_seconds = 60;
  auto client = std::async(std::launch::async, [argv, options] { return run(argv, options); });
  PlinkRun out;
  out.served = serve_exec(listener, policy, server);
  out.client = client.get();
  return out;
}

struct PlinkCase {
  const char* kex;
  const char* cipher;
  const char* mac;   // what our server offers and expects negotiated ("<implicit>" for AEAD)
};
void PrintTo(const PlinkCase& c, std::ostream* os) { *os << c.kex << " " << c.cipher << " " << c.mac; }


class PlinkAlgorithms : public ::testing::TestWithParam<PlinkCase> {};

TEST_P(PlinkAlgorithms, PublickeyEd25519Exec) {
  const PlinkCase& c = GetParam();
  TempDir tmp;
  keys::PublicKey key = make_openssh_key(tmp / "id_ed25519", "ed25519");
  convert_key_for_putty(tmp / "id_ed25519", tmp / "id.ppk");
  MemoryPolicy policy;
  policy.users["tester"].authorized_keys.push_back(key);
  ServerExec server;
  server.transport.kex = c.kex;
  server.transport.ciphers = c.cipher;
  if (std::string(c.mac) != "<implicit>") server.transport.macs = c.mac;
  server.exit_status = 9;
  PlinkRun r = run_plink(tmp, policy, server, {"-i", tmp / "id.ppk", "127.0.0.1", "plink says hi"}, "from plink\n");
  EXPECT_EQ(r.served.error, "");
  EXPECT_TRUE(r.served.authenticated) << r.client.err;
  EXPECT_EQ(r.served.methods, std::vector<std::string>{"publickey"});
  EXPECT_EQ(policy.verified_algorithms, std::vector<std::string>{"ssh-ed25519"});
  EXPECT_TRUE(r.served.peer_software.starts_with("PuTTY_Release_0.78")) << r.served.peer_software;
  ASSERT_TRUE(r.served.negotiated);
  EXPECT_EQ(kex_name(*r.served.negotiated), c.kex);
  EXPECT_EQ(cipher_name(*r.served.negotiated), c.cipher);
  EXPECT_EQ(mac_name(*r.served.negotiated), c.mac);
  EXPECT_EQ(r.served.command, "plink says hi");
  EXPECT_EQ(r.served.stdin_data, "from plink\n");
  EXPECT_EQ(r.client.out, "exec: plink says hi\nfrom plink\n");
  EXPECT_EQ(r.client.err, "sshpp stderr\n");
  EXPECT_EQ(r.client.exit_code, 9);   // plink exits with the remote exit-status
}

INSTANTIATE_TEST_SUITE_P(
    Kex, PlinkAlgorithms,
    ::testing::Values(PlinkCase{"sntrup761x25519-sha512@openssh.com", "aes256-gcm@openssh.com", "<implicit>"},
                      PlinkCase{"curve25519-sha256", "chacha20-poly1305@openssh.com", "<implicit>"},
                      PlinkCase{"ecdh-sha2-nistp256", "aes128-ctr", "hmac-sha2-256-etm@openssh.com"},
                      PlinkCase{"ecdh-sha2-nistp521", "aes256-ctr", "hmac-sha1-etm@openssh.com"},
                      PlinkCase{"diffie-hellman-group-exchange-sha256", "aes128-gcm@openssh.com", "<implicit>"},
                      PlinkCase{"diffie-hellman-group16-sha512", "aes256-ctr", "hmac-sha1"},
                      PlinkCase{"diffie-hellman-group14-sha256", "aes128-ctr", "hmac-sha2-256"}),
    [](const ::testing::TestParamInfo<PlinkCase>& p) {
      std::string name = std::string(p.param.kex) + "_" + p.param.cipher;
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

// PuTTY reads our EXT_INFO's server-sig-algs: RSA signs with rsa-sha2-512, not ssh-rsa.
TEST(PlinkAuth, EcdsaAndRsaKeys) {
  struct Case {
    const char* type;
    const char* signature;
  };
  for (Case c : {Case{"ecdsa", "ecdsa-sha2-nistp256"}, Case{"rsa", "rsa-sha2-512"}}) {
    TempDir tmp;
    keys::PublicKey key = make_openssh_key(tmp / "id", c.type);
    convert_key_for_putty(tmp / "id", tmp / "id.ppk");
    MemoryPolicy policy;
    policy.users["tester"].authorized_keys.push_back(key);
    PlinkRun r = run_plink(tmp, policy, ServerExec{}, {"-i", tmp / "id.ppk", "127.0.0.1", c.type}, "");
    EXPECT_TRUE(r.served.authenticated) << c.type << r.client.err;
    EXPECT_EQ(policy.verified_algorithms, std::vector<std::string>{c.signature});
    EXPECT_EQ(r.client.out, std::string("exec: ") + c.type + "\n");
    EXPECT_EQ(r.client.exit_code, 0) << r.client.err;
  }
}

TEST(PlinkAuth, PasswordFromFile) {
  TempDir tmp;
  write_text(tmp / "pw", "open sesame\n");
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  PlinkRun r = run_plink(tmp, policy, ServerExec{}, {"-pwfile", tmp / "pw", "127.0.0.1", "pw"}, "");
  EXPECT_TRUE(r.served.authenticated) << r.client.err;
  EXPECT_EQ(r.served.methods, std::vector<std::string>{"password"});
  EXPECT_EQ(r.client.out, "exec: pw\n");
  EXPECT_EQ(r.client.exit_code, 0) << r.client.err;
}

// plink -C: PuTTY's zlib against ours, delayed (zlib@openssh.com) and from NEWKEYS (zlib).
TEST(PlinkAuth, Compression) {
  for (std::string method : {"zlib@openssh.com", "zlib"}) {
    TempDir tmp;
    write_text(tmp / "pw", "open sesame\n");
    std::string input;
    for (int i = 0; input.size() < 300000; ++i) input += "squeeze me " + std::to_string(i % 7) + "\n";
    MemoryPolicy policy;
    policy.users["tester"].password = "open sesame";
    ServerExec server;
    server.transport.compression = method + ",none";
    PlinkRun r = run_plink(tmp, policy, server, {"-C", "-pwfile", tmp / "pw", "127.0.0.1", "zip"}, input);
    EXPECT_TRUE(r.served.authenticated) << method << r.client.err;
    ASSERT_TRUE(r.served.negotiated) << method;
    EXPECT_EQ(compression_name(*r.served.negotiated), method);
    EXPECT_EQ(r.served.stdin_data.size(), input.size()) << method;
    EXPECT_TRUE(r.client.out == "exec: zip\n" + input) << method;
    EXPECT_EQ(r.client.exit_code, 0) << method << r.client.err;
  }
}

TEST(PlinkAuth, FollowsOurRekey) {
  TempDir tmp;
  write_text(tmp / "pw", "open sesame\n");
  std::string input;
  for (int i = 0; input.size() < 400000; ++i) input += "rekey " + std::to_string(i) + "\n";
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  ServerExec server;
  server.rekey_after_stdin = 100000;
  PlinkRun r = run_plink(tmp, policy, server, {"-pwfile", tmp / "pw", "127.0.0.1", "cat"}, input);
  EXPECT_EQ(r.served.error, "");
  EXPECT_EQ(r.served.kex_count, 2u);
  EXPECT_TRUE(r.client.out == "exec: cat\n" + input);
  EXPECT_EQ(r.client.exit_code, 0) << r.client.err;
}

TEST(PlinkAuth, WrongPinnedHostKeyIsRefused) {
  TempDir tmp;
  keys::PublicKey key = make_openssh_key(tmp / "id_ed25519", "ed25519");
  convert_key_for_putty(tmp / "id_ed25519", tmp / "id.ppk");
  MemoryPolicy policy;
  policy.users["tester"].authorized_keys.push_back(key);
  ServerExec server;
  server.host_key_types = {keys::KeyType::kEcdsaP256};   // not the key -hostkey pins
  PlinkRun r = run_plink(tmp, policy, server, {"-i", tmp / "id.ppk", "127.0.0.1", "true"}, "");
  EXPECT_FALSE(r.served.authenticated);
  EXPECT_NE(r.client.exit_code, 0);
  EXPECT_EQ(r.client.out, "");
  EXPECT_NE(r.client.err.find("Host key not in manually configured list"), std::string::npos) << r.client.err;
}

}  // namespace
