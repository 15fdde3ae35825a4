// Our engines against paramiko 2.12 (Debian's python3-paramiko), both directions,
// through the scripts in tests/data/peers/:
//   paramiko's client against our server engines (in-process, in-memory policy):
//   each key exchange paramiko has that we serve (curve25519, ECDH, DH group14/16,
//   DH group exchange with our moduli), aes-ctr with plain and EtM MACs, Ed25519 and
//   RSA user keys (rsa-sha2-512 from our server-sig-algs), password (also through
//   paramiko's keyboard-interactive fallback), a wrong password,
//   zlib@openssh.com and zlib, a re-exchange we start; paramiko checks our host key
//   against its known_hosts.
//   Our client engines against a paramiko ServerInterface: Ed25519, ECDSA and RSA
//   host keys, DH group exchange, publickey, password and keyboard-interactive, a
//   re-exchange we start,
//   stdin, stdout, stderr and exit status.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <sstream>

#include "sshcore/keys/key_files.hpp"
#include "support/engine_exec.hpp"
#include "support/other_peers.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_pair.hpp"

using namespace sshcore;
using namespace sshcore::auth;
using namespace sshcore::transport;
using namespace sshpp::test;

namespace {

std::string sanitized(std::string name) {
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

// ---- paramiko's client against our server engines ---------------------------------

struct ParamikoClientRun {
  RunResult client;
  ServedExec served;
  std::string report;   // the script's key=value lines
  std::string log;      // paramiko's debug log
};

ParamikoClientRun run_paramiko_client(TempDir& tmp, MemoryPolicy& policy, std::vector<std::string> args,
                                      ServerExec server = {}) {
  int port = 0;
  int listener = listen_loopback(port);
  EXPECT_GE(listener, 0);
  write_text(tmp / "known_hosts", "[127.0.0.1]:" + std::to_string(port) + " " +
                                      public_line(TransportPair::host_key(keys::KeyType::kEd25519)->public_key()) +
                                      "\n");
  std::vector<std::string> argv = {kSystemPython, peer_script("paramiko_client.py"), "--port", std::to_string(port),
                                   "--user", "tester", "--known-hosts", tmp / "known_hosts", "--report",
                                   tmp / "report", "--log", tmp / "paramiko.log"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.timeout_seconds = 60;
  auto client = std::async(std::launch::async, [argv, options] { return run(argv, options); });
  ParamikoClientRun out;
  out.served = serve_exec(listener, policy, server);
  out.client = client.get();
  std::ifstream report(tmp / "report");
  std::ostringstream text;
  text << report.rdbuf();
  out.report = text.str();
  out.log = read_text(tmp / "paramiko.log");
  return out;
}

struct ClientAlgorithms {
  const char* kex;
  const char* cipher;
  const char* mac;
};
void PrintTo(const ClientAlgorithms& a, std::ostream* os) { *os << a.kex << " " << a.cipher << " " << a.mac; }


class ParamikoClientAlgorithms : public ::testing::TestWithParam<ClientAlgorithms> {};

TEST_P(ParamikoClientAlgorithms, PublickeyEd25519Exec) {
  const ClientAlgorithms& a = GetParam();
  TempDir tmp;
  keys::PublicKey key = make_openssh_key(tmp / "id_ed25519", "ed25519");
  MemoryPolicy policy;
  policy.users["tester"].authorized_keys.push_back(key);
  ServerExec server;
  server.exit_status = 42;
  ParamikoClientRun r = run_paramiko_client(
      tmp, policy,
      {"--key", tmp / "id_ed25519", "--command", "run this please", "--stdin", "paramiko's stdin\n", "--kex", a.kex,
       "--cipher", a.cipher, "--mac", a.mac},
      server);
  EXPECT_EQ(r.served.error, "");
  EXPECT_TRUE(r.served.authenticated) << r.client.err;
  EXPECT_EQ(r.served.methods, std::vector<std::string>{"publickey"});
  EXPECT_EQ(policy.verified_algorithms, std::vector<std::string>{"ssh-ed25519"});
  EXPECT_TRUE(r.served.peer_software.starts_with("paramiko_")) << r.served.peer_software;
  ASSERT_TRUE(r.served.negotiated);
  EXPECT_EQ(kex_name(*r.served.negotiated), a.kex);
  EXPECT_EQ(cipher_name(*r.served.negotiated), a.cipher);
  EXPECT_EQ(mac_name(*r.served.negotiated), a.mac);
  EXPECT_EQ(r.served.command, "run this please");
  EXPECT_EQ(r.served.stdin_data, "paramiko's stdin\n");
  EXPECT_EQ(r.client.out, "exec: run this please\nparamiko's stdin\n");
  EXPECT_EQ(r.client.err, "sshpp stderr\n");
  EXPECT_EQ(r.client.exit_code, 42);
  // paramiko's own view of the same session.
  EXPECT_NE(r.report.find(std::string("cipher=") + a.cipher + "\n"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find(std::string("mac=") + a.mac + "\n"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("host_key=ssh-ed25519\n"), std::string::npos) << r.report;
}

INSTANTIATE_TEST_SUITE_P(
    Kex, ParamikoClientAlgorithms,
    ::testing::Values(ClientAlgorithms{"curve25519-sha256@libssh.org", "aes128-ctr", "hmac-sha2-256"},
                      ClientAlgorithms{"ecdh-sha2-nistp256", "aes256-ctr", "hmac-sha2-512-etm@openssh.com"},
                      ClientAlgorithms{"ecdh-sha2-nistp521", "aes192-ctr", "hmac-sha2-256-etm@openssh.com"},
                      ClientAlgorithms{"diffie-hellman-group16-sha512", "aes128-ctr", "hmac-sha2-512"},
                      ClientAlgorithms{"diffie-hellman-group14-sha256", "aes256-ctr", "hmac-sha1"},
                      ClientAlgorithms{"diffie-hellman-group-exchange-sha256", "aes128-ctr", "hmac-sha2-256"}),
    [](const ::testing::TestParamInfo<ClientAlgorithms>& p) { return sanitized(p.param.kex); });

// zlib@openssh.com starts after USERAUTH_SUCCESS, plain zlib right after NEWKEYS (so
// the userauth messages are compressed too): paramiko's zlib reads ours and back.
TEST(ParamikoClient, Compression) {
  for (std::string method : {"zlib@openssh.com", "zlib"}) {
    TempDir tmp;
    std::string input;
    for (int i = 0; input.size() < 300000; ++i) input += "squeeze me " + std::to_string(i % 7) + "\n";
    write_text(tmp / "input", input);
    MemoryPolicy policy;
    policy.users["tester"].password = "open sesame";
    ServerExec server;
    server.transport.compression = method + ",none";
    ParamikoClientRun r = run_paramiko_client(
        tmp, policy, {"--compress", "--password", "open sesame", "--command", "zip", "--stdin-file", tmp / "input"},
        server);
    EXPECT_TRUE(r.served.authenticated) << method << r.client.err;
    ASSERT_TRUE(r.served.negotiated) << method;
    EXPECT_EQ(compression_name(*r.served.negotiated), method);
    EXPECT_NE(r.report.find("compression=" + method + "\n"), std::string::npos) << r.report;
    EXPECT_EQ(r.served.stdin_data.size(), input.size()) << method;
    EXPECT_TRUE(r.client.out == "exec: zip\n" + input) << method;
    EXPECT_EQ(r.client.exit_code, 0) << method << r.client.err;
  }
}

TEST(ParamikoClient, FollowsOurRekey) {
  TempDir tmp;
  std::string input;
  for (int i = 0; input.size() < 400000; ++i) input += "rekey " + std::to_string(i) + "\n";
  write_text(tmp / "input", input);
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  ServerExec server;
  server.rekey_after_stdin = 100000;
  ParamikoClientRun r = run_paramiko_client(
      tmp, policy, {"--password", "open sesame", "--command", "cat", "--stdin-file", tmp / "input"}, server);
  EXPECT_EQ(r.served.error, "") << r.log;
  EXPECT_EQ(r.served.kex_count, 2u);
  EXPECT_TRUE(r.client.out == "exec: cat\n" + input);
  EXPECT_EQ(r.client.exit_code, 0) << r.client.err;
}

TEST(ParamikoClient, RsaKeySignsWithRsaSha2_512) {
  TempDir tmp;
  keys::PublicKey key = make_openssh_key(tmp / "id_rsa", "rsa");
  MemoryPolicy policy;
  policy.users["tester"].authorized_keys.push_back(key);
  ParamikoClientRun r = run_paramiko_client(tmp, policy, {"--key", tmp / "id_rsa", "--command", "rsa"});
  EXPECT_TRUE(r.served.authenticated) << r.client.err;
  // paramiko picks from the server-sig-algs of our EXT_INFO, not ssh-rsa.
  EXPECT_EQ(policy.verified_algorithms, std::vector<std::string>{"rsa-sha2-512"});
  EXPECT_EQ(r.client.out, "exec: rsa\n");
  EXPECT_EQ(r.client.exit_code, 0);
}

TEST(ParamikoClient, Password) {
  TempDir tmp;
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  ParamikoClientRun r = run_paramiko_client(tmp, policy, {"--password", "open sesame", "--command", "pw"});
  EXPECT_TRUE(r.served.authenticated) << r.client.err;
  EXPECT_EQ(r.served.methods, std::vector<std::string>{"password"});
  EXPECT_EQ(r.client.out, "exec: pw\n");
  EXPECT_EQ(r.client.exit_code, 0) << r.client.err;
}

// paramiko sends SERVICE_REQUEST "ssh-userauth" again before each method it tries;
// sshd 9.2 accepts it again until success (auth2.c keeps the handler), so a second
// method after a refused first one works with Debian's sshd. These two fail while
// our UserauthServer refuses a repeated SERVICE_REQUEST ("protocol error: rcvd type 5").
TEST(ParamikoClient, PasswordAfterRefusedKey) {
  TempDir tmp;
  make_openssh_key(tmp / "id_unknown", "ed25519");
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  ParamikoClientRun r = run_paramiko_client(
      tmp, policy, {"--key", tmp / "id_unknown", "--password", "open sesame", "--command", "second"});
  EXPECT_TRUE(r.served.authenticated) << r.client.err;
  EXPECT_EQ(r.served.methods, std::vector<std::string>{"password"});
  EXPECT_EQ(r.client.out, "exec: second\n");
  EXPECT_EQ(r.client.exit_code, 0);
}

// With only keyboard-interactive on offer, paramiko answers a single prompt with its
// password (auth_password's fallback, after the password method was refused).
TEST(ParamikoClient, KeyboardInteractiveFallback) {
  TempDir tmp;
  MemoryPolicy policy;
  policy.settings.password = false;
  policy.settings.keyboard_interactive = true;
  policy.users["tester"].kbdint_rounds = {{{"Password: ", "open sesame"}}};
  ParamikoClientRun r = run_paramiko_client(tmp, policy, {"--password", "open sesame", "--command", "kbd"});
  EXPECT_TRUE(r.served.authenticated) << r.client.err;
  EXPECT_EQ(r.served.methods, std::vector<std::string>{"keyboard-interactive:pam"});
  EXPECT_EQ(r.client.out, "exec: kbd\n");
  EXPECT_EQ(r.client.exit_code, 0);
}

TEST(ParamikoClient, WrongPasswordIsRefused) {
  TempDir tmp;
  MemoryPolicy policy;
  policy.users["tester"].password = "open sesame";
  ParamikoClientRun r = run_paramiko_client(tmp, policy, {"--password", "guess", "--command", "pw"});
  EXPECT_FALSE(r.served.authenticated);
  EXPECT_EQ(r.served.command, "");
  EXPECT_NE(r.client.exit_code, 0);
  EXPECT_NE(r.client.err.find("paramiko.ssh_exception.AuthenticationException: Authentication failed."),
            std::string::npos)
      << r.client.err;
  EXPECT_EQ(std::count(policy.log.begin(), policy.log.end(), "Failed password for tester"), 1);
}

// ---- our client engines against paramiko's server ----------------------------------

struct ServerCase {
  const char* host_key_type;   // ssh-keygen -t
  const char* host_key_algorithm;   // negotiated
  const char* kex;             // ours to offer ("" = default list)
  const char* expected_kex;
};
void PrintTo(const ServerCase& c, std::ostream* os) { *os << c.host_key_algorithm << " " << c.expected_kex; }


class ParamikoServerCases : public ::testing::TestWithParam<ServerCase> {};

TEST_P(ParamikoServerCases, OurClientPublickeyExec) {
  const ServerCase& c = GetParam();
  TempDir tmp;
  keys::PublicKey host = make_openssh_key(tmp / "host_key", c.host_key_type);
  write_text(tmp / "authorized", public_line(user_key(keys::KeyType::kEd25519).public_key()) + "\n");
  ParamikoServer server(tmp.path(), {"--host-key", tmp / "host_key", "--user", "tester", "--authorized-key",
                                     tmp / "authorized", "--exit-status", "7"});
  ScriptedUi ui;
  ClientExec x;
  x.port = server.port();
  x.user = "tester";
  x.command = "printf hi";
  x.stdin_data = "to paramiko\n";
  x.identities = {file_identity(ui, "/tmp/id_ed25519", user_key(keys::KeyType::kEd25519))};
  if (*c.kex) x.transport.kex = c.kex;
  ClientExecResult r = run_client_exec(x, ui);
  EXPECT_EQ(server.wait(), 0) << server.log();
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.outcome, UserauthOutcome::kSuccess) << server.log();
  EXPECT_EQ(r.method, "publickey");
  EXPECT_TRUE(r.peer_software.starts_with("paramiko_")) << r.peer_software;
  ASSERT_TRUE(r.negotiated);
  EXPECT_EQ(kex_name(*r.negotiated), c.expected_kex);
  EXPECT_EQ(r.negotiated->host_key_alg, c.host_key_algorithm);
  EXPECT_EQ(cipher_name(*r.negotiated), "aes128-ctr");   // our first that paramiko has
  EXPECT_EQ(mac_name(*r.negotiated), "hmac-sha2-256-etm@openssh.com");
  ASSERT_TRUE(r.server_host_key);
  EXPECT_EQ(*r.server_host_key, host);
  EXPECT_EQ(r.stdout_text, "paramiko ran: printf hi\nto paramiko\n");
  EXPECT_EQ(r.stderr_text, "paramiko stderr\n");
  EXPECT_EQ(r.exit_status, 7u);
  EXPECT_TRUE(r.closed);
  std::string log = server.log();
  EXPECT_NE(log.find("publickey tester ssh-ed25519 accepted"), std::string::npos) << log;
  EXPECT_NE(log.find("exec printf hi"), std::string::npos) << log;
  EXPECT_NE(log.find("cipher aes128-ctr mac hmac-sha2-256-etm@openssh.com"), std::string::npos) << log;
}

INSTANTIATE_TEST_SUITE_P(
    HostKeys, ParamikoServerCases,
    ::testing::Values(ServerCase{"ed25519", "ssh-ed25519", "", "curve25519-sha256@libssh.org"},
                      ServerCase{"ecdsa", "ecdsa-sha2-nistp256", "", "curve25519-sha256@libssh.org"},
                      ServerCase{"rsa", "rsa-sha2-512", "", "curve25519-sha256@libssh.org"},
                      ServerCase{"ed25519", "ssh-ed25519", "diffie-hellman-group-exchange-sha256",
                                 "diffie-hellman-group-exchange-sha256"},
                      ServerCase{"ed25519", "ssh-ed25519", "ecdh-sha2-nistp384,diffie-hellman-group16-sha512",
                                 "ecdh-sha2-nistp384"}),
    [](const ::testing::TestParamInfo<ServerCase>& p) {
      return sanitized(std::string(p.param.host_key_type) + "_" + (*p.param.kex ? p.param.kex : "default"));
    });

TEST(ParamikoServerAuth, OurClientRekeysMidStream) {
  TempDir tmp;
  make_openssh_key(tmp / "host_key", "ed25519");
  write_text(tmp / "authorized", public_line(user_key(keys::KeyType::kEd25519).public_key()) + "\n");
  ParamikoServer server(tmp.path(), {"--host-key", tmp / "host_key", "--user", "tester", "--authorized-key",
                                     tmp / "authorized"});
  ScriptedUi ui;
  ClientExec x;
  x.port = server.port();
  x.user = "tester";
  x.command = "cat";
  for (int i = 0; x.stdin_data.size() < 400000; ++i) x.stdin_data += "rekey " + std::to_string(i) + "\n";
  x.identities = {file_identity(ui, "/tmp/id_ed25519", user_key(keys::KeyType::kEd25519))};
  x.rekey_after_stdin = 100000;
  ClientExecResult r = run_client_exec(x, ui);
  EXPECT_EQ(server.wait(), 0) << server.log();
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.kex_count, 2u);
  EXPECT_TRUE(r.stdout_text == "paramiko ran: cat\n" + x.stdin_data);
  EXPECT_EQ(r.exit_status, 0u);
}

TEST(ParamikoServerAuth, OurClientKeyboardInteractive) {
  TempDir tmp;
  make_openssh_key(tmp / "host_key", "ed25519");
  ParamikoServer server(tmp.path(), {"--host-key", tmp / "host_key", "--user", "tester", "--kbdint-answer", "4711"});
  ScriptedUi ui;
  ui.answers = {"4711"};
  ClientExec x;
  x.port = server.port();
  x.user = "tester";
  x.command = "kbd";
  x.preferred_authentications = "keyboard-interactive";
  ClientExecResult r = run_client_exec(x, ui);
  EXPECT_EQ(server.wait(), 0) << server.log();
  EXPECT_EQ(r.outcome, UserauthOutcome::kSuccess) << server.log();
  EXPECT_EQ(r.method, "keyboard-interactive");
  EXPECT_EQ(ui.prompts, std::vector<std::string>{"(tester@127.0.0.1) Code: "});
  EXPECT_EQ(r.stdout_text, "paramiko ran: kbd\n");
  EXPECT_NE(server.log().find("keyboard-interactive accepted"), std::string::npos) << server.log();
}

TEST(ParamikoServerAuth, OurClientPassword) {
  TempDir tmp;
  make_openssh_key(tmp / "host_key", "ed25519");
  ParamikoServer server(tmp.path(),
                        {"--host-key", tmp / "host_key", "--user", "tester", "--password", "open sesame"});
  ScriptedUi ui;
  ui.answers = {"open sesame"};
  ClientExec x;
  x.port = server.port();
  x.user = "tester";
  x.command = "pw";
  ClientExecResult r = run_client_exec(x, ui);
  EXPECT_EQ(server.wait(), 0) << server.log();
  EXPECT_EQ(r.outcome, UserauthOutcome::kSuccess) << server.log();
  EXPECT_EQ(r.method, "password");
  EXPECT_EQ(ui.prompts, std::vector<std::string>{"tester@127.0.0.1's password: "});
  EXPECT_EQ(r.stdout_text, "paramiko ran: pw\n");
  EXPECT_EQ(r.exit_status, 0u);
  EXPECT_NE(server.log().find("password tester accepted"), std::string::npos) << server.log();
}

}  // namespace
