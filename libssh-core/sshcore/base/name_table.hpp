// Helpers for the algorithm tables (DESIGN.md section 4): rows with a `name`
// member, searched by name and checked for duplicates at compile time.
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

namespace sshcore {

template <class Table>
constexpr bool names_unique(const Table& t) {
  for (std::size_t i = 0; i < std::size(t); ++i)
    for (std::size_t j = i + 1; j < std::size(t); ++j)
      if (t[i].name == t[j].name) return false;
  return true;
}

// The row called `name`, or nullptr.
template <class Table>
constexpr auto find_by_name(const Table& t, std::string_view name) -> decltype(&t[0]) {
  for (const auto& row : t)
    if (row.name == name) return &row;
  return nullptr;
}

}  // namespace sshcore
