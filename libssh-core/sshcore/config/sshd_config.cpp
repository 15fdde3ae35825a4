// Reading sshd_config: the two passes of servconf.c (start-up and per connection),
// Include with its cache, the error texts, and the -T dump. The values of each keyword
// are read by sshd_keywords.cpp; Match lines are evaluated by sshd_match.cpp.
#include "sshcore/config/sshd_config.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sshcore/base/pattern.hpp"
#include "sshcore/config/config_lexer.hpp"
#include "sshcore/config/sshd_keywords.hpp"
#include "sshcore/config/sshd_match.hpp"

namespace sshcore::config {

namespace {

// servconf.c's include flags.
constexpr int kMatchOnly = 1;   // connection pass: until the first Match, lines are skipped
constexpr int kNeverMatch = 2;  // included from an inactive block: its Matches never hold

// What one line did: fine, an error() that counts as a bad option, or a fatal() that
// ends the pass (its message is already recorded).
enum class Outcome { kOk, kBad, kFatal };

std::size_t slot_count() { return sshd_keywords().size(); }

const std::vector<std::string>& default_values(std::size_t row) {
  static const std::vector<std::vector<std::string>> defaults = [] {
    std::vector<std::vector<std::string>> d;
    for (const auto& k : sshd_keywords()) d.push_back(sshd_default_values(k));
    return d;
  }();
  return defaults[row];
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (true) {
    auto nl = text.find('\n');
    lines.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace

struct SshdParser {
  const SshdLoadOptions& load_options;
  // The include cache: filled by the start-up pass (which also reads files), only read by
  // the connection pass (files == nullptr, cache_out == nullptr, notices == nullptr).
  const std::vector<SshdConfig::IncludeItem>& cache;
  std::vector<SshdConfig::IncludeItem>* cache_out;
  std::vector<std::string>* notices;
  const FileSource* files;
  const ConnectionSpec* connection;
  SshdOptions& options;
  std::vector<std::string> messages;  // what OpenSSH would print, in order

  Outcome fatal(std::string text) {
    messages.push_back(std::move(text));
    return Outcome::kFatal;
  }
  Outcome bad(std::string text) {
    messages.push_back(std::move(text));
    return Outcome::kBad;
  }

  // False when a fatal() ended the pass.
  bool process_file(const std::string& filename, const std::string& contents, int flags, bool& active,
                    int depth) {
    if (depth < 0 || depth > load_options.max_include_depth) {
      fatal("Too many recursive configuration includes");
      return false;
    }
    int bad_lines = 0;
    int linenum = 1;
    for (const auto& line : split_lines(contents)) {
      Outcome r = process_line(line, filename, linenum++, active, flags, depth);
      if (r == Outcome::kFatal) return false;
      if (r == Outcome::kBad) ++bad_lines;
    }
    if (bad_lines > 0) {
      fatal(fmt::format("{}: terminating, {} bad configuration options", filename, bad_lines));
      return false;
    }
    return true;
  }

  Outcome process_line(std::string_view text, const std::string& filename, int linenum, bool& active,
                       int& flags, int depth) {
    LexResult lexed = lex_config_line(text);
    if (lexed.error == LexError::kNoArgument)
      return bad(
          fmt::format("{} line {}: no argument after keyword \"{}\"", filename, linenum, lexed.keyword));
    if (!lexed.line && !lexed.error) return Outcome::kOk;
    auto row_index = find_sshd_keyword(lexed.keyword);
    if (!row_index)
      messages.push_back(
          fmt::format("{}: line {}: Bad configuration option: {}", filename, linenum, lexed.keyword));
    if (lexed.error == LexError::kInvalidQuotes)
      return bad(fmt::format("{} line {}: invalid quotes", filename, linenum));
    const ConfigLine& line = *lexed.line;
    bool in_match_allowed = row_index && sshd_keywords()[*row_index].in_match;
    if (!active && !in_match_allowed) {
      if (connection == nullptr)
        return fatal(fmt::format("{} line {}: Directive '{}' is not allowed within a Match block", filename,
                                 linenum, line.keyword));
      return Outcome::kOk;  // a global directive, already applied at start-up
    }
    if (!row_index) return Outcome::kBad;

    const SshdKeyword& row = sshd_keywords()[*row_index];
    if (row.kind == SshdKind::kInclude) return include(line, filename, linenum, active, flags, depth);
    if (row.kind == SshdKind::kMatch) {
      const ConnectionSpec* ci = (flags & kNeverMatch) ? nullptr : connection;
      MatchOutcome m = evaluate_match(line.rest, linenum, ci);
      messages.insert(messages.end(), m.errors.begin(), m.errors.end());
      if (m.fatal) return Outcome::kFatal;
      if (m.result < 0) return fatal(fmt::format("{} line {}: Bad Match condition", filename, linenum));
      // Without a connection only "Match all" holds, so its lines apply at start-up too.
      active = (flags & kNeverMatch) ? false : m.result == 1;
      flags &= ~kMatchOnly;
      return Outcome::kOk;
    }

    std::size_t value_row = sshd_value_row(*row_index);
    const SshdKeyword& vrow = sshd_keywords()[value_row];
    SshdOptions::Slot& slot = options.slots[value_row];
    SshdLineContext at{filename, linenum, line.keyword, load_options.cwd};
    SshdParsedValue parsed = parse_sshd_value(vrow, line.args, line.rest, at, slot.values);
    if (parsed.notice && notices != nullptr) {
      notices->push_back(*parsed.notice);
      messages.push_back(*parsed.notice);  // part of the transcript when parsing then fails
    }
    if (parsed.error) return parsed.error->fatal ? fatal(parsed.error->message) : bad(parsed.error->message);
    if (active && vrow.kind != SshdKind::kDeprecated && vrow.kind != SshdKind::kUnsupported &&
        vrow.kind != SshdKind::kIgnore) {
      switch (vrow.merge) {
        case SshdMerge::kFirst:
        case SshdMerge::kFirstLine:
          if (!slot.set) slot.values = std::move(parsed.values);
          break;
        case SshdMerge::kLast:
          slot.values = std::move(parsed.values);
          break;
        case SshdMerge::kPerPosition:
          for (std::size_t i = slot.values.size(); i < parsed.values.size(); ++i)
            slot.values.push_back(parsed.values[i]);
          break;
        case SshdMerge::kAppend:
          slot.values.insert(slot.values.end(), parsed.values.begin(), parsed.values.end());
          break;
      }
      slot.set = true;
    }
    if (parsed.extra_arguments)
      return bad(fmt::format("{} line {}: keyword {} extra arguments at end of line", filename, linenum,
                             line.keyword));
    return Outcome::kOk;
  }

  Outcome include(const ConfigLine& line, const std::string& filename, int linenum, bool& active, int& flags,
                  int depth) {
    int count = 0;
    for (const auto& arg : line.args) {
      if (arg.empty())
        return bad(fmt::format("{} line {}: keyword {} empty argument", filename, linenum, line.keyword));
      ++count;
      std::string selector = (arg.starts_with('/') || arg.starts_with('~'))
                                 ? arg
                                 : fmt::format("{}/{}", load_options.base_dir, arg);
      bool outer_active = active;
      int child_flags = (flags & kMatchOnly) ? kMatchOnly : (outer_active ? 0 : kNeverMatch);
      bool found = false;
      // Index loop: the cache can grow while a cached file is processed.
      for (std::size_t i = 0; i < cache.size(); ++i) {
        if (cache[i].selector != selector) continue;
        found = true;
        if (!cache[i].filename.empty()) {
          SshdConfig::IncludeItem item = cache[i];  // a copy: processing may grow the cache
          if (!process_file(item.filename, item.contents, child_flags, active, depth + 1))
            return Outcome::kFatal;
        }
        active = outer_active;
      }
      if (found) continue;
      if (files == nullptr || !files->glob || cache_out == nullptr)
        return fatal(fmt::format("{} line {}: include \"{}\" glob failed", filename, linenum, selector));
      auto paths = files->glob(selector);
      if (!paths)
        return fatal(fmt::format("{} line {}: include \"{}\" glob failed", filename, linenum, selector));
      if (paths->empty()) cache_out->push_back({selector, "", ""});
      for (const auto& path : *paths) {
        auto text = files->read(path);
        if (!text) return fatal(fmt::format("{}: {}", path, text.error().detail));
        if (!process_file(path, *text, child_flags, active, depth + 1)) return Outcome::kFatal;
        active = outer_active;
        cache_out->push_back({selector, path, *text});
      }
    }
    if (count == 0)
      return fatal(fmt::format("{} line {}: {} missing filename argument", filename, linenum, line.keyword));
    return Outcome::kOk;
  }
};

namespace {

Error parse_error(const std::vector<std::string>& messages) {
  std::string detail;
  for (const auto& m : messages) {
    if (!detail.empty()) detail += '\n';
    detail += m;
  }
  return Error{Errc::kInvalidFormat, detail};
}

void finalise(SshdOptions& options) {
  auto rows = sshd_keywords();
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (options.slots[i].set)
      options.slots[i].values = finalise_sshd_values(rows[i], options.slots[i].values);
}

std::optional<std::size_t> value_row_of(std::string_view keyword) {
  auto row = find_sshd_keyword(keyword);
  if (!row) return std::nullopt;
  return sshd_value_row(*row);
}

std::string listen_line(std::string_view host, std::string_view port) {
  if (host.find(':') != std::string_view::npos) return fmt::format("listenaddress [{}]:{}\n", host, port);
  return fmt::format("listenaddress {}:{}\n", host, port);
}

}  // namespace

Result<SshdConfig> SshdConfig::load(const std::string& path, const FileSource& files,
                                    const SshdLoadOptions& options) {
  if (!files.read) return fail(Errc::kInvalidArgument, "no file reader");
  auto text = files.read(path);
  if (!text) return fail(Errc::kSystem, fmt::format("{}: {}", path, text.error().detail));
  return parse(*text, path, files, options);
}

Result<SshdConfig> SshdConfig::parse(std::string_view text, const std::string& filename,
                                     const FileSource& files, const SshdLoadOptions& options) {
  SshdConfig config;
  config.filename_ = filename;
  config.contents_ = std::string(text);
  config.load_options_ = options;
  config.global_.slots.resize(slot_count());
  SshdParser parser{config.load_options_,
                    config.includes_,
                    &config.includes_,
                    &config.notices_,
                    &files,
                    nullptr,
                    config.global_,
                    {}};
  bool active = true;
  if (!parser.process_file(filename, config.contents_, 0, active, 0))
    return fail(parse_error(parser.messages));
  finalise(config.global_);
  return config;
}

Result<SshdOptions> SshdConfig::for_connection(const ConnectionSpec& connection) const {
  SshdOptions matched;
  matched.slots.resize(slot_count());
  // This pass reads only the include cache, never files.
  SshdParser parser{load_options_, includes_, nullptr, nullptr, nullptr, &connection, matched, {}};
  bool active = false;
  if (!parser.process_file(filename_, contents_, kMatchOnly, active, 0))
    return fail(parse_error(parser.messages));
  finalise(matched);
  SshdOptions effective = global_;
  auto rows = sshd_keywords();
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (matched.slots[i].set && rows[i].in_match) effective.slots[i] = matched.slots[i];
  return effective;
}

namespace {

const std::vector<std::string>& values_at(const SshdOptions& o, std::size_t row) {
  if (row < o.slots.size() && o.slots[row].set) return o.slots[row].values;
  return default_values(row);
}

}  // namespace

const std::vector<std::string>& SshdOptions::values(std::string_view keyword) const {
  static const std::vector<std::string> kEmpty;
  auto row = value_row_of(keyword);
  if (!row) return kEmpty;
  return values_at(*this, *row);
}

std::string_view SshdOptions::value(std::string_view keyword) const {
  const auto& v = values(keyword);
  return v.empty() ? std::string_view{} : std::string_view(v.front());
}

bool SshdOptions::flag(std::string_view keyword) const { return value(keyword) == "yes"; }

std::optional<long long> SshdOptions::number(std::string_view keyword) const {
  std::string_view v = value(keyword);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  long long n = 0;
  for (char c : v) n = n * 10 + (c - '0');
  return n;
}

bool SshdOptions::is_set(std::string_view keyword) const {
  auto row = value_row_of(keyword);
  return row && *row < slots.size() && slots[*row].set;
}

std::string SshdOptions::dump() const {
  std::string out;
  auto rows = sshd_keywords();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SshdKeyword& row = rows[i];
    if (row.dump == SshdDump::kNone || !row.alias_of.empty()) continue;
    std::string name = ascii_lowercase(row.name);
    if (row.kind == SshdKind::kListenAddress) {
      // Listeners as sshd resolves them: each address for its own port or every Port.
      const auto& ports = values("Port");
      std::string_view family = value("AddressFamily");
      if (!is_set("ListenAddress")) {
        for (const auto& port : ports) {
          if (family != "inet") out += listen_line("::", port);
          if (family != "inet6") out += listen_line("0.0.0.0", port);
        }
        continue;
      }
      for (const auto& entry : values("ListenAddress")) {
        std::string_view e = entry;
        std::string_view host = e.substr(0, e.find(' '));
        std::string_view rest = e.size() > host.size() ? e.substr(host.size() + 1) : std::string_view{};
        std::string_view port = rest.substr(0, rest.find(' '));
        if (!port.empty() && port != "rdomain") {
          out += listen_line(host, port);
        } else {
          for (const auto& p : ports) out += listen_line(host, p);
        }
      }
      continue;
    }
    const auto& v = values_at(*this, i);
    if (v.empty()) continue;
    if (row.dump == SshdDump::kPerValue) {
      for (const auto& x : v) out += fmt::format("{} {}\n", name, x);
    } else {
      std::string joined;
      for (const auto& x : v) {
        if (!joined.empty()) joined += ' ';
        joined += x;
      }
      out += fmt::format("{} {}\n", name, joined);
    }
  }
  return out;
}

std::vector<std::string_view> sshd_keyword_names() {
  std::vector<std::string_view> names;
  for (const auto& k : sshd_keywords()) names.push_back(k.name);
  return names;
}

}  // namespace sshcore::config
