// Result<T>: the error channel of the core (DESIGN.md section 5).
//
// g++ 12 with -std=c++2b ships std::expected and we use it. clang 14, which builds
// the libFuzzer targets, cannot see libstdc++ 12's <expected> (it gates on
// __cpp_concepts >= 202002L), so for that compiler alone a minimal compatible
// subset stands in. Code uses only sshcore::Result, sshcore::unexpected and fail().
#pragma once

#include <utility>
#include <version>

#include "sshcore/base/error.hpp"

#if defined(__cpp_lib_expected)
#include <expected>
namespace sshcore {
template <class T>
using Result = std::expected<T, Error>;
using std::unexpected;
}  // namespace sshcore
#else
#include <cassert>
#include <optional>
#include <type_traits>
#include <variant>
namespace sshcore {
template <class E>
class unexpected {
 public:
  explicit unexpected(E e) : e_(std::move(e)) {}
  E& error() & { return e_; }
  E&& error() && { return std::move(e_); }
  const E& error() const& { return e_; }

 private:
  E e_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  Result() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  template <class U = T>
    requires std::is_constructible_v<T, U&&> &&
             (!std::is_same_v<std::remove_cvref_t<U>, Result>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, unexpected<Error>>)
  Result(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
  Result(unexpected<Error> e) : v_(std::in_place_index<1>, std::move(e).error()) {}
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() & { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  Error& error() & { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }
  const Error& error() const& { return std::get<1>(v_); }
  template <class U>
  T value_or(U&& d) const& { return has_value() ? **this : static_cast<T>(std::forward<U>(d)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  Result() = default;
  Result(unexpected<Error> e) : e_(std::move(e).error()) {}
  bool has_value() const { return !e_.has_value(); }
  explicit operator bool() const { return has_value(); }
  void operator*() const {}
  void value() const {}
  Error& error() & { return *e_; }
  Error&& error() && { return std::move(*e_); }
  const Error& error() const& { return *e_; }

 private:
  std::optional<Error> e_;
};
}  // namespace sshcore
#endif

namespace sshcore {
// The one way to make an error result: `return fail(Errc::Truncated, "uint32");`
inline unexpected<Error> fail(Errc code, std::string detail = {}) {
  return unexpected<Error>(Error{code, std::move(detail)});
}
inline unexpected<Error> fail(Error e) { return unexpected<Error>(std::move(e)); }
}  // namespace sshcore

// Propagate an error, otherwise bind the value: SSH_TRY(len, r.u32());
#define SSH_TRY(var, expr)                                                   \
  auto var##_result_ = (expr);                                               \
  if (!var##_result_) return ::sshcore::fail(std::move(var##_result_).error()); \
  auto var = std::move(*var##_result_)

#define SSH_TRY_VOID(expr)                                                   \
  do {                                                                       \
    if (auto ssh_try_r_ = (expr); !ssh_try_r_)                               \
      return ::sshcore::fail(std::move(ssh_try_r_).error());                 \
  } while (0)
