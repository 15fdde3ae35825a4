#include "sshcore/auth/userauth_messages.hpp"

#include <type_traits>

#include "sshcore/base/error.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::auth {

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// Text fields go through cstring: OpenSSH reads them as C strings, so an embedded NUL
// would make both sides see different values.
Result<std::string> read_text(wire::Reader& r, std::size_t max, std::string_view what) {
  SSH_TRY(s, r.cstring());
  if (s.size() > max)
    return fail(Errc::kTooLarge, std::string(what) + " longer than " + std::to_string(max) + " bytes");
  return std::string(s);
}

Result<Bytes> read_blob(wire::Reader& r, std::string_view what) {
  SSH_TRY(s, r.string());
  if (s.size() > kMaxFieldBytes)
    return fail(Errc::kTooLarge,
                std::string(what) + " longer than " + std::to_string(kMaxFieldBytes) + " bytes");
  return to_bytes(s);
}

Result<SecretBytes> read_secret(wire::Reader& r, std::string_view what) {
  SSH_TRY(s, r.cstring());
  if (s.size() > kMaxFieldBytes)
    return fail(Errc::kTooLarge,
                std::string(what) + " longer than " + std::to_string(kMaxFieldBytes) + " bytes");
  return SecretBytes::from_string(s);
}

Result<std::uint32_t> read_count(wire::Reader& r, std::string_view what) {
  SSH_TRY(n, r.u32());
  if (n > kMaxPrompts)
    return fail(Errc::kTooLarge, "too many " + std::string(what) + ": " + std::to_string(n) +
                                     " (at most " + std::to_string(kMaxPrompts) + ")");
  return n;
}

Bytes finish(wire::Writer&& w) { return *std::move(w).finish(); }

// The request up to where it differs between the wire and the signed data: `signing`
// forces has_signature TRUE and leaves the signature out.
void write_request(wire::Writer& w, const MsgUserauthRequest& req, bool signing) {
  w.u8(MsgUserauthRequest::kNumber);
  w.string(req.user);
  w.string(req.service);
  w.string(req.method_name());
  std::visit(Overloaded{
                 [](const NoneMethod&) {},
                 [&](const PasswordMethod& m) {
                   w.boolean(m.change);
                   w.string(m.password.view());
                   if (m.change) w.string(m.new_password.view());
                 },
                 [&](const PublickeyMethod& m) {
                   w.boolean(signing || m.signature.has_value());
                   w.string(m.algorithm);
                   w.string(ByteView(m.key_blob));
                   if (m.host_key) w.string(ByteView(*m.host_key));
                   if (m.signature && !signing) w.string(ByteView(*m.signature));
                 },
                 [&](const KeyboardInteractiveMethod& m) {
                   w.string(m.language);
                   w.string(m.submethods);
                 },
                 [&](const HostbasedMethod& m) {
                   w.string(m.algorithm);
                   w.string(ByteView(m.key_blob));
                   w.string(m.client_host);
                   w.string(m.client_user);
                   if (!signing) w.string(ByteView(m.signature));
                 },
                 [&](const UnknownMethod& m) { w.raw(ByteView(m.rest)); },
             },
             req.method);
}

Result<PasswordMethod> decode_password(wire::Reader& r) {
  PasswordMethod m;
  SSH_TRY(change, r.boolean());
  SSH_TRY(password, read_secret(r, "password"));
  m.change = change;
  m.password = std::move(password);
  if (change) {
    SSH_TRY(new_password, read_secret(r, "new password"));
    m.new_password = std::move(new_password);
  }
  return m;
}

Result<PublickeyMethod> decode_publickey(wire::Reader& r, bool hostbound) {
  PublickeyMethod m;
  SSH_TRY(has_signature, r.boolean());
  SSH_TRY(algorithm, read_text(r, kMaxNameBytes, "public key algorithm"));
  SSH_TRY(key_blob, read_blob(r, "public key blob"));
  m.algorithm = std::move(algorithm);
  m.key_blob = std::move(key_blob);
  if (hostbound) {
    SSH_TRY(host_key, read_blob(r, "server host key blob"));
    m.host_key = std::move(host_key);
  }
  if (has_signature) {
    SSH_TRY(signature, read_blob(r, "signature"));
    m.signature = std::move(signature);
  }
  return m;
}

Result<HostbasedMethod> decode_hostbased(wire::Reader& r) {
  HostbasedMethod m;
  SSH_TRY(algorithm, read_text(r, kMaxNameBytes, "host key algorithm"));
  SSH_TRY(key_blob, read_blob(r, "host key blob"));
  SSH_TRY(client_host, read_text(r, kMaxNameBytes, "client host name"));
  SSH_TRY(client_user, read_text(r, kMaxNameBytes, "client user name"));
  SSH_TRY(signature, read_blob(r, "signature"));
  m.algorithm = std::move(algorithm);
  m.key_blob = std::move(key_blob);
  m.client_host = std::move(client_host);
  m.client_user = std::move(client_user);
  m.signature = std::move(signature);
  return m;
}

}  // namespace

Bytes MsgServiceRequest::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.string(service);
  return finish(std::move(w));
}

Result<MsgServiceRequest> MsgServiceRequest::decode(wire::Reader r) {
  SSH_TRY(service, read_text(r, kMaxNameBytes, "service name"));
  SSH_TRY_VOID(r.finish("SSH_MSG_SERVICE_REQUEST"));
  return MsgServiceRequest{std::move(service)};
}

Bytes MsgServiceAccept::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.string(service);
  return finish(std::move(w));
}

Result<MsgServiceAccept> MsgServiceAccept::decode(wire::Reader r) {
  SSH_TRY(service, read_text(r, kMaxNameBytes, "service name"));
  SSH_TRY_VOID(r.finish("SSH_MSG_SERVICE_ACCEPT"));
  return MsgServiceAccept{std::move(service)};
}

std::string_view MsgUserauthRequest::method_name() const {
  return std::visit(Overloaded{
                        [](const NoneMethod&) { return kMethodNone; },
                        [](const PasswordMethod&) { return kMethodPassword; },
                        [](const PublickeyMethod& m) {
                          return m.host_key ? kMethodPublickeyHostbound : kMethodPublickey;
                        },
                        [](const KeyboardInteractiveMethod&) { return kMethodKeyboardInteractive; },
                        [](const HostbasedMethod&) { return kMethodHostbased; },
                        [](const UnknownMethod& m) { return std::string_view(m.name); },
                    },
                    method);
}

Bytes MsgUserauthRequest::encode() const {
  // Wipe the Writer's intermediate buffers: a password request holds the password.
  wire::Writer w(wire::Writer::kDefaultLimit, wire::Wipe::kYes);
  write_request(w, *this, false);
  return finish(std::move(w));
}

Result<MsgUserauthRequest> MsgUserauthRequest::decode(wire::Reader r) {
  MsgUserauthRequest m;
  SSH_TRY(user, read_text(r, kMaxNameBytes, "user name"));
  SSH_TRY(service, read_text(r, kMaxNameBytes, "service name"));
  SSH_TRY(method, read_text(r, kMaxNameBytes, "method name"));
  m.user = std::move(user);
  m.service = std::move(service);
  if (method == kMethodNone) {
    m.method = NoneMethod{};
  } else if (method == kMethodPassword) {
    SSH_TRY(p, decode_password(r));
    m.method = std::move(p);
  } else if (method == kMethodPublickey || method == kMethodPublickeyHostbound) {
    SSH_TRY(p, decode_publickey(r, method == kMethodPublickeyHostbound));
    m.method = std::move(p);
  } else if (method == kMethodKeyboardInteractive) {
    SSH_TRY(language, read_text(r, kMaxNameBytes, "language tag"));
    SSH_TRY(submethods, read_text(r, kMaxNameBytes, "submethods"));
    m.method = KeyboardInteractiveMethod{std::move(language), std::move(submethods)};
  } else if (method == kMethodHostbased) {
    SSH_TRY(h, decode_hostbased(r));
    m.method = std::move(h);
  } else {
    if (r.remaining() > kMaxFieldBytes)
      return fail(Errc::kTooLarge, "method \"" + method + "\" data longer than " +
                                       std::to_string(kMaxFieldBytes) + " bytes");
    m.method = UnknownMethod{std::move(method), to_bytes(r.rest())};
    return m;
  }
  SSH_TRY_VOID(r.finish("SSH_MSG_USERAUTH_REQUEST"));
  return m;
}

Bytes MsgUserauthFailure::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.name_list(methods);
  w.boolean(partial_success);
  return finish(std::move(w));
}

Result<MsgUserauthFailure> MsgUserauthFailure::decode(wire::Reader r) {
  wire::Reader probe = r;
  SSH_TRY(list, probe.string());
  if (list.size() > kMaxNameBytes)
    return fail(Errc::kTooLarge, "method list longer than " + std::to_string(kMaxNameBytes) + " bytes");
  SSH_TRY(names, r.name_list());
  SSH_TRY(partial, r.boolean());
  SSH_TRY_VOID(r.finish("SSH_MSG_USERAUTH_FAILURE"));
  MsgUserauthFailure m;
  for (auto name : names) m.methods.emplace_back(name);
  m.partial_success = partial;
  return m;
}

Bytes MsgUserauthSuccess::encode() const { return Bytes{kNumber}; }

Result<MsgUserauthSuccess> MsgUserauthSuccess::decode(wire::Reader r) {
  SSH_TRY_VOID(r.finish("SSH_MSG_USERAUTH_SUCCESS"));
  return MsgUserauthSuccess{};
}

Bytes MsgUserauthBanner::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.string(message);
  w.string(language);
  return finish(std::move(w));
}

Result<MsgUserauthBanner> MsgUserauthBanner::decode(wire::Reader r) {
  SSH_TRY(message, read_text(r, kMaxFieldBytes, "banner"));
  SSH_TRY(language, read_text(r, kMaxNameBytes, "language tag"));
  SSH_TRY_VOID(r.finish("SSH_MSG_USERAUTH_BANNER"));
  return MsgUserauthBanner{std::move(message), std::move(language)};
}

Bytes MsgUserauthPkOk::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.string(algorithm);
  w.string(ByteView(key_blob));
  return finish(std::move(w));
}

Result<MsgUserauthPkOk> MsgUserauthPkOk::decode(wire::Reader r) {
  SSH_TRY(algorithm, read_text(r, kMaxNameBytes, "public key algorithm"));
  SSH_TRY(key_blob, read_blob(r, "public key blob"));
  SSH_TRY_VOID(r.finish("SSH_MSG_USERAUTH_PK_OK"));
  return MsgUserauthPkOk{std::move(algorithm), std::move(key_blob)};
}

Bytes MsgUserauthPasswdChangereq::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.string(prompt);
  w.string(language);
  return finish(std::move(w));
}

Result<MsgUserauthPasswdChangereq> MsgUserauthPasswdChangereq::decode(wire::Reader r) {
  SSH_TRY(prompt, read_text(r, kMaxFieldBytes, "prompt"));
  SSH_TRY(language, read_text(r, kMaxNameBytes, "language tag"));
  SSH_TRY_VOID(r.finish("SSH_MSG_USERAUTH_PASSWD_CHANGEREQ"));
  return MsgUserauthPasswdChangereq{std::move(prompt), std::move(language)};
}

Bytes MsgUserauthInfoRequest::encode() const {
  wire::Writer w;
  w.u8(kNumber);
  w.string(name);
  w.string(instruction);
  w.string(language);
  w.u32(static_cast<std::uint32_t>(prompts.size()));
  for (const auto& p : prompts) {
    w.string(p.text);
    w.boolean(p.echo);
  }
  return finish(std::move(w));
}

Result<MsgUserauthInfoRequest> MsgUserauthInfoRequest::decode(wire::Reader r) {
  MsgUserauthInfoRequest m;
  SSH_TRY(name, read_text(r, kMaxFieldBytes, "name"));
  SSH_TRY(instruction, read_text(r, kMaxFieldBytes, "instruction"));
  SSH_TRY(language, read_text(r, kMaxNameBytes, "language tag"));
  SSH_TRY(count, read_count(r, "prompts"));
  m.name = std::move(name);
  m.instruction = std::move(instruction);
  m.language = std::move(language);
  for (std::uint32_t i = 0; i < count; ++i) {
    SSH_TRY(text, read_text(r, kMaxFieldBytes, "prompt"));
    SSH_TRY(echo, r.boolean());
    m.prompts.push_back({std::move(text), echo});
  }
  SSH_TRY_VOID(r.finish("SSH_MSG_USERAUTH_INFO_REQUEST"));
  return m;
}

Bytes MsgUserauthInfoResponse::encode() const {
  wire::Writer w(wire::Writer::kDefaultLimit, wire::Wipe::kYes);
  w.u8(kNumber);
  w.u32(static_cast<std::uint32_t>(responses.size()));
  for (const auto& s : responses) w.string(s.view());
  return finish(std::move(w));
}

Result<MsgUserauthInfoResponse> MsgUserauthInfoResponse::decode(wire::Reader r) {
  MsgUserauthInfoResponse m;
  SSH_TRY(count, read_count(r, "responses"));
  for (std::uint32_t i = 0; i < count; ++i) {
    SSH_TRY(response, read_secret(r, "response"));
    m.responses.push_back(std::move(response));
  }
  SSH_TRY_VOID(r.finish("SSH_MSG_USERAUTH_INFO_RESPONSE"));
  return m;
}

Result<Bytes> publickey_signed_data(ByteView session_id, const MsgUserauthRequest& req) {
  if (!std::holds_alternative<PublickeyMethod>(req.method))
    return fail(Errc::kInvalidArgument, "publickey signed data for a non-publickey request");
  wire::Writer w;
  w.string(session_id);
  write_request(w, req, true);
  return std::move(w).finish();
}

Result<Bytes> hostbased_signed_data(ByteView session_id, const MsgUserauthRequest& req) {
  if (!std::holds_alternative<HostbasedMethod>(req.method))
    return fail(Errc::kInvalidArgument, "hostbased signed data for a non-hostbased request");
  wire::Writer w;
  w.string(session_id);
  write_request(w, req, true);
  return std::move(w).finish();
}

}  // namespace sshcore::auth
