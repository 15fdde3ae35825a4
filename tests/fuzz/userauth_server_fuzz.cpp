// Feeds a sequence of messages to UserauthServer with a policy that allows
// everything it can (any key, password "pw", keyboard-interactive rounds), so every
// method's path is reachable. Input: repeated [u16 big-endian length][payload].
// The engine must never crash, and must not claim success without a user.
#include <cstdint>
#include <cstdlib>

#include "sshcore/auth/auth_policy.hpp"
#include "sshcore/auth/userauth_server.hpp"

using namespace sshcore;
using namespace sshcore::auth;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

class PermissivePolicy final : public AuthPolicy {
 public:
  UserAuthSettings lookup_user(std::string_view user, std::string_view) override {
    UserAuthSettings s;
    s.valid = user != "invalid";
    s.keyboard_interactive = true;
    s.hostbased = true;
    s.permit_none = user == "none";
    if (user == "multi") s.authentication_methods = {"publickey,password", "keyboard-interactive:pam,password"};
    s.max_auth_tries = 4;
    s.banner = "banner\n";
    return s;
  }
  bool before_method(std::string_view, std::string_view method) override { return method != "hostbased"; }
  KeyAuthorization publickey_allowed(std::string_view, const keys::PublicKey&) override {
    return KeyAuthorization{true, "", "fuzz"};
  }
  bool publickey_verify(std::string_view, const keys::PublicKey& key, std::string_view, ByteView data,
                        ByteView sig) override {
    return key.verify(data, sig).has_value();
  }
  PasswordOutcome password(std::string_view, const SecretBytes& pw) override {
    if (pw.chars() == "pw") return PasswordOutcome::kAccepted;
    if (pw.chars() == "old") return PasswordOutcome::kChangeRequired;
    return PasswordOutcome::kRejected;
  }
  PasswordOutcome change_password(std::string_view, const SecretBytes&, const SecretBytes& fresh) override {
    return fresh.chars() == "new" ? PasswordOutcome::kAccepted : PasswordOutcome::kRejected;
  }
  KbdintStep kbdint_start(std::string_view, std::string_view) override { return prompts(2); }
  KbdintStep kbdint_respond(std::string_view, const std::vector<SecretBytes>& r) override {
    if (r.size() == 2 && r[0].chars() == "a") return prompts(1);
    KbdintStep s;
    s.submethod = "pam";
    s.kind = r.size() == 1 && r[0].chars() == "b" ? KbdintStep::Kind::kSuccess : KbdintStep::Kind::kFailure;
    return s;
  }
  bool hostbased_allowed(std::string_view, std::string_view, std::string_view, const keys::PublicKey&) override {
    return true;
  }
  bool hostbased_verify(std::string_view, const keys::PublicKey& key, std::string_view, ByteView data,
                        ByteView sig) override {
    return key.verify(data, sig).has_value();
  }
  void record_attempt(const AttemptRecord& r) override { check(!r.success || r.valid_user); }

 private:
  static KbdintStep prompts(std::size_t n) {
    KbdintStep s;
    s.kind = KbdintStep::Kind::kPrompts;
    s.submethod = "pam";
    for (std::size_t i = 0; i < n; ++i) s.request.prompts.push_back({"Prompt: ", false});
    return s;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  PermissivePolicy policy;
  std::size_t sent = 0;
  UserauthServer server(policy, [&](ByteView) -> Result<void> { ++sent; return {}; }, Bytes(32, 1),
                        {Bytes{0, 0, 0, 1, 'x'}});
  ByteView in(data, size);
  while (in.size() >= 2) {
    std::size_t len = (std::size_t{in[0]} << 8) | in[1];
    in = in.subspan(2);
    if (len > in.size()) len = in.size();
    auto r = server.handle(in.first(len));
    in = in.subspan(len);
    if (!r) break;
  }
  if (server.authenticated()) {
    check(server.valid_user());
    check(!server.methods_accepted().empty());
  }
  return 0;
}
