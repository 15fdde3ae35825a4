// The user authentication protocol's messages (RFC 4252, RFC 4256 keyboard-interactive,
// OpenSSH PROTOCOL 3.1 publickey-hostbound) and SSH_MSG_SERVICE_REQUEST/ACCEPT, which carry
// the "ssh-userauth" service that starts it (RFC 4253 section 10).
//
// encode() writes the whole payload, message number first; decode() takes a Reader
// positioned after the number. Number 60 means three different messages: the caller
// knows which method it asked for and picks MsgUserauthPkOk, MsgUserauthPasswdChangereq
// or MsgUserauthInfoRequest accordingly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/base/secret.hpp"
#include "sshcore/wire/reader.hpp"

namespace sshcore::auth {

inline constexpr std::string_view kServiceUserauth = "ssh-userauth";
inline constexpr std::string_view kServiceConnection = "ssh-connection";

inline constexpr std::string_view kMethodNone = "none";
inline constexpr std::string_view kMethodPassword = "password";
inline constexpr std::string_view kMethodPublickey = "publickey";
inline constexpr std::string_view kMethodPublickeyHostbound = "publickey-hostbound-v00@openssh.com";
inline constexpr std::string_view kMethodKeyboardInteractive = "keyboard-interactive";
inline constexpr std::string_view kMethodHostbased = "hostbased";

// Decoding limits. Names (user, service, method, algorithm, language, host) are short in
// practice; anything larger is a hostile peer. OpenSSH's server refuses more than 100
// keyboard-interactive responses; the same bound applies to prompts.
inline constexpr std::size_t kMaxNameBytes = 1024;
inline constexpr std::size_t kMaxFieldBytes = 64 * 1024;  // text, passwords, key blobs, signatures
inline constexpr std::uint32_t kMaxPrompts = 100;

struct MsgServiceRequest {
  static constexpr std::uint8_t kNumber = 5;
  std::string service;
  Bytes encode() const;
  static Result<MsgServiceRequest> decode(wire::Reader r);
};

struct MsgServiceAccept {
  static constexpr std::uint8_t kNumber = 6;
  std::string service;
  Bytes encode() const;
  static Result<MsgServiceAccept> decode(wire::Reader r);
};

// Method-specific parts of SSH_MSG_USERAUTH_REQUEST.
struct NoneMethod {};

struct PasswordMethod {
  bool change = false;        // RFC 4252 section 8: a new password follows
  SecretBytes password;
  SecretBytes new_password;   // only on the wire when `change`
};

// "publickey" (RFC 4252 section 7), or "publickey-hostbound-v00@openssh.com" when
// host_key is set (PROTOCOL 3.1: the server's host key blob before the signature).
struct PublickeyMethod {
  std::string algorithm;
  Bytes key_blob;
  std::optional<Bytes> host_key;
  std::optional<Bytes> signature;  // has_signature on the wire
};

struct KeyboardInteractiveMethod {  // RFC 4256 section 3.1
  std::string language;
  std::string submethods;
};

struct HostbasedMethod {  // RFC 4252 section 9
  std::string algorithm;
  Bytes key_blob;
  std::string client_host;
  std::string client_user;
  Bytes signature;
};

// A method we do not parse: its name and the bytes after it, kept so a server can
// answer with FAILURE and a log can name it.
struct UnknownMethod {
  std::string name;
  Bytes rest;
};

using UserauthMethod = std::variant<NoneMethod, PasswordMethod, PublickeyMethod,
                                    KeyboardInteractiveMethod, HostbasedMethod, UnknownMethod>;

struct MsgUserauthRequest {
  static constexpr std::uint8_t kNumber = 50;
  std::string user;
  std::string service{kServiceConnection};
  UserauthMethod method;

  std::string_view method_name() const;
  // A password request's payload holds the password: the caller should wipe it once sent.
  Bytes encode() const;
  static Result<MsgUserauthRequest> decode(wire::Reader r);
};

struct MsgUserauthFailure {
  static constexpr std::uint8_t kNumber = 51;
  std::vector<std::string> methods;  // authentications that can continue
  bool partial_success = false;
  Bytes encode() const;
  static Result<MsgUserauthFailure> decode(wire::Reader r);
};

struct MsgUserauthSuccess {
  static constexpr std::uint8_t kNumber = 52;
  Bytes encode() const;
  static Result<MsgUserauthSuccess> decode(wire::Reader r);
};

struct MsgUserauthBanner {
  static constexpr std::uint8_t kNumber = 53;
  std::string message;
  std::string language;
  Bytes encode() const;
  static Result<MsgUserauthBanner> decode(wire::Reader r);
};

// 60 after a publickey query without signature (RFC 4252 section 7).
struct MsgUserauthPkOk {
  static constexpr std::uint8_t kNumber = 60;
  std::string algorithm;
  Bytes key_blob;
  Bytes encode() const;
  static Result<MsgUserauthPkOk> decode(wire::Reader r);
};

// 60 after a password request (RFC 4252 section 8).
struct MsgUserauthPasswdChangereq {
  static constexpr std::uint8_t kNumber = 60;
  std::string prompt;
  std::string language;
  Bytes encode() const;
  static Result<MsgUserauthPasswdChangereq> decode(wire::Reader r);
};

struct KeyboardInteractivePrompt {
  std::string text;
  bool echo = false;
};

// 60 during keyboard-interactive (RFC 4256 section 3.2).
struct MsgUserauthInfoRequest {
  static constexpr std::uint8_t kNumber = 60;
  std::string name;
  std::string instruction;
  std::string language;
  std::vector<KeyboardInteractivePrompt> prompts;  // at most kMaxPrompts
  Bytes encode() const;
  static Result<MsgUserauthInfoRequest> decode(wire::Reader r);
};

struct MsgUserauthInfoResponse {  // RFC 4256 section 3.4
  static constexpr std::uint8_t kNumber = 61;
  std::vector<SecretBytes> responses;  // at most kMaxPrompts
  Bytes encode() const;
  static Result<MsgUserauthInfoResponse> decode(wire::Reader r);
};

// What a publickey signature covers (RFC 4252 section 7; PROTOCOL 3.1 for the hostbound
// variant): the session identifier as a string, then the request as sent with
// has_signature TRUE and without the signature. Fails unless req.method is publickey.
Result<Bytes> publickey_signed_data(ByteView session_id, const MsgUserauthRequest& req);

// What a hostbased signature covers (RFC 4252 section 9): likewise, up to client user.
Result<Bytes> hostbased_signed_data(ByteView session_id, const MsgUserauthRequest& req);

}  // namespace sshcore::auth
