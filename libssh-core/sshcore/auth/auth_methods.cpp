#include "sshcore/auth/auth_methods.hpp"

#include <cstdint>

namespace sshcore::auth {
namespace {

enum class Match : std::uint8_t { kNone, kMethod, kBoth, kPartial };

// OpenSSH's list_starts_with(): how the head of the comma list `list` matches.
Match list_starts_with(std::string_view list, std::string_view method, std::optional<std::string_view> submethod) {
  if (list.substr(0, method.size()) != method) return Match::kNone;
  std::string_view rest = list.substr(method.size());
  Match match = Match::kMethod;
  if (!rest.empty() && rest.front() == ':') {
    if (!submethod) return Match::kPartial;
    rest.remove_prefix(1);
    if (rest.substr(0, submethod->size()) != *submethod) return Match::kNone;
    rest.remove_prefix(submethod->size());
    match = Match::kBoth;
  }
  if (!rest.empty() && rest.front() != ',') return Match::kNone;
  return match;
}

}  // namespace

AuthMethodLists::AuthMethodLists(std::vector<std::string> lists) {
  for (std::string& l : lists) {
    if (l == "any") {  // "any" anywhere means no requirement, as sshd's parser treats it
      lists_.clear();
      return;
    }
    if (!l.empty()) lists_.push_back(std::move(l));
  }
}

bool AuthMethodLists::allows(std::string_view method, std::optional<std::string_view> submethod) const {
  if (lists_.empty()) return true;
  for (const std::string& l : lists_)
    if (list_starts_with(l, method, submethod) != Match::kNone) return true;
  return false;
}

bool AuthMethodLists::record_success(std::string_view method, std::optional<std::string_view> submethod) {
  if (lists_.empty()) return true;
  for (std::string& l : lists_) {
    Match m = list_starts_with(l, method, submethod);
    if (m != Match::kMethod && m != Match::kBoth) continue;
    std::size_t cut = method.size();
    if (m == Match::kBoth) cut += 1 + submethod->size();
    if (cut < l.size() && l[cut] == ',') ++cut;
    l.erase(0, cut);
    if (l.empty()) return true;
  }
  return false;
}

std::string AuthMethodLists::required_submethods(std::string_view method) const {
  std::string out;
  for (const std::string& l : lists_) {
    if (list_starts_with(l, method, std::nullopt) != Match::kPartial) continue;
    std::string_view head = std::string_view(l).substr(method.size() + 1);
    head = head.substr(0, head.find(','));
    if (!out.empty()) out += ',';
    out += head;
  }
  return out;
}

}  // namespace sshcore::auth
