// AuthenticationMethods (sshd_config(5)): lists of methods that must all succeed, in
// order, such as "publickey,password publickey,keyboard-interactive:pam". Same
// semantics as OpenSSH's auth2.c list_starts_with / remove_method /
// auth2_update_methods_lists / auth2_method_allowed: a success removes the method
// from the head of every list that starts with it; the user is in when one list is
// empty. No lists (or "any") means any single method suffices.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshcore::auth {

class AuthMethodLists {
 public:
  AuthMethodLists() = default;
  // Each entry is one comma list; a lone "any" (or nothing) means no requirement.
  explicit AuthMethodLists(std::vector<std::string> lists);

  bool any() const { return lists_.empty(); }

  // `method` may be tried now: some list starts with it (a "method:sub" head
  // allows `method` with any submethod, the check waits for the submethod).
  bool allows(std::string_view method, std::optional<std::string_view> submethod = std::nullopt) const;

  // Records a successful method. Returns true when some list is complete (the user
  // is authenticated), false for a partial success. With any() always true.
  bool record_success(std::string_view method, std::optional<std::string_view> submethod = std::nullopt);

  // The submethods the head of some list requires for `method` (e.g. "pam" from
  // "keyboard-interactive:pam"), comma-joined; empty when none is named.
  std::string required_submethods(std::string_view method) const;

  const std::vector<std::string>& remaining() const { return lists_; }

 private:
  std::vector<std::string> lists_;
};

}  // namespace sshcore::auth
