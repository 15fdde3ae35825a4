// Parses the input as an ssh_config file for a fixed destination (both passes), with an
// in-memory Include tree and a Match exec that answers from the command text, then
// finalizes and dumps. Checks what must always hold: a failed read reports at least one
// message, a successful one dumps in the "ssh -G" shape, and the same input gives the same
// answer twice.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sshcore/base/pattern.hpp"
#include "sshcore/config/ssh_config.hpp"

using namespace sshcore;
using namespace sshcore::config;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Outcome {
  bool ok = false;
  std::string dump;
  std::size_t messages = 0;
};

Outcome run_once(std::string_view text, bool final_pass) {
  SshConfigEnvironment env;
  const std::string main_text(text);
  // Every include resolves to the input itself, so the depth limit is exercised; a budget
  // keeps inputs with many Include lines from growing a tree of n^16 reads.
  int reads_left = 64;
  env.read_file = [&](const std::string& path) -> Result<std::string> {
    if (reads_left-- > 0 && path.starts_with("/home/fuzz/.ssh/")) return main_text;
    return fail(Errc::kNotFound, path);
  };
  env.glob = [](const std::string& pattern) {
    std::vector<std::string> out;
    if (match_pattern("/home/fuzz/.ssh/inc", pattern)) out.emplace_back("/home/fuzz/.ssh/inc");
    return out;
  };
  env.exec = [](const std::string& cmd) -> Result<int> { return static_cast<int>(cmd.size() % 2); };
  env.getenv = [](std::string_view name) -> std::optional<std::string> {
    if (name == "HOME") return std::string("/home/fuzz");
    return std::nullopt;
  };
  env.home_dir = "/home/fuzz";
  env.local_user = "fuzz";
  env.uid = "1000";
  env.local_hostname = "fuzzhost.example";
  SshTarget target{"target.example", "target.example", false, final_pass};
  SshOptions options;
  SshConfigParser parser(env, target, options);
  Outcome out;
  auto r = parser.read_text(text, "fuzz.conf", ConfigOrigin::kUser);
  out.messages = parser.messages().size();
  if (!r) {
    check(out.messages > 0 || !r.error().detail.empty());
    return out;
  }
  if (!finalize_ssh_options(options, env, target)) return out;
  out.ok = true;
  out.dump = dump_ssh_config(options, target);
  check(out.dump.starts_with("host target.example\nuser "));
  check(out.dump.ends_with("\n"));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool final_pass : {false, true}) {
    Outcome a = run_once(text, final_pass);
    Outcome b = run_once(text, final_pass);
    check(a.ok == b.ok && a.dump == b.dump && a.messages == b.messages);
  }
  return 0;
}
