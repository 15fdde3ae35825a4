// The sshd_config keyword table (internal to config/): one row per keyword.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sshcore::config {

// How a row's arguments are read; each kind mirrors one servconf.c case.
enum class SshdKind : std::uint8_t {
  kFlag,
  kChoice,
  kChoiceExact,
  kInt,
  kTime,
  kTimeOrNone,
  kPath,
  kPathOrInternal,
  kSocketPath,
  kHostKey,
  kWord,
  kLocalUser,
  kCommand,
  kRestOfLine,
  kVersionAddendum,
  kUsers,
  kGroups,
  kAcceptEnv,
  kSetEnv,
  kPort,
  kListenAddress,
  kCipherList,
  kMacList,
  kKexList,
  kKeyAlgList,
  kGssKexList,
  kLogLevel,
  kFacility,
  kLogVerbose,
  kMaxStartups,
  kNetBlockSize,
  kPerSourceMaxStartups,
  kRekeyLimit,
  kSubsystem,
  kIpqos,
  kPermitOpen,
  kPermitListen,
  kAuthMethods,
  kBindMask,
  kFingerprintHash,
  kPermitUserEnv,
  kPubkeyAuthOptions,
  kAuthorizedKeysFile,
  kChannelTimeout,
  kPath1,
  kDeprecated,
  kUnsupported,
  kIgnore,
  kInclude,
  kMatch,
};

// When a value is stored: first line wins, the last line wins, every line adds, or the
// first line's arguments are all kept.
// kPerPosition: each argument position is first-value-wins on its own (RekeyLimit's
// amount and interval are two options in servconf.c).
enum class SshdMerge : std::uint8_t { kFirst, kLast, kAppend, kFirstLine, kPerPosition };
// How `sshd -T` prints it: values on one line, one line per value, or not at all.
enum class SshdDump : std::uint8_t { kJoined, kPerValue, kNone };

struct SshdChoice {
  std::string_view word;       // accepted spelling
  std::string_view canonical;  // what -T prints (OpenSSH's first name for the value)
};

struct SshdKeyword {
  std::string_view name;      // canonical spelling
  std::string_view alias_of;  // "" or the canonical keyword whose value this sets
  SshdKind kind;
  SshdMerge merge;
  bool in_match;  // allowed inside Match (SSHCFG_ALL); copied on Match
  SshdDump dump;
  std::string_view defaults;  // space-separated default values as -T prints them
  std::span<const SshdChoice> choices;
};

std::span<const SshdKeyword> sshd_keywords();
// Row index of a keyword (case-insensitive), or nullopt.
std::optional<std::size_t> find_sshd_keyword(std::string_view name);
// The row holding the value (aliases resolve to their canonical row).
std::size_t sshd_value_row(std::size_t row);

// Outcome of reading one line's arguments.
struct SshdValueError {
  bool fatal;           // fatal(): parsing stops; else error(): counted, parsing goes on
  std::string message;  // the whole line OpenSSH prints
};
struct SshdParsedValue {
  std::vector<std::string> values;
  std::optional<SshdValueError> error;
  std::optional<std::string> notice;  // Deprecated/Unsupported option lines
  bool extra_arguments = false;       // arguments left over ("extra arguments at end of line")
};

struct SshdLineContext {
  std::string_view filename;
  int line;
  std::string_view keyword;  // as written, for messages
  std::string_view cwd;      // for derelativised paths
};

// Validates and converts one line's arguments for a row (not Include/Match).
// `existing` is the slot's current values (Subsystem refuses duplicate names).
SshdParsedValue parse_sshd_value(const SshdKeyword& row, const std::vector<std::string>& args,
                                 std::string_view rest, const SshdLineContext& at,
                                 const std::vector<std::string>& existing);

// Defaults of a row as -T prints them (algorithm lists come from the transport tables).
std::vector<std::string> sshd_default_values(const SshdKeyword& row);

// Completes algorithm lists ("+x", "-x", "^x") against the defaults for dumping/use.
std::vector<std::string> finalise_sshd_values(const SshdKeyword& row, std::vector<std::string> values);

}  // namespace sshcore::config
