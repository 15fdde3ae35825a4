#include "server_configuration.hpp"

#include <glob.h>
#include <unistd.h>

#include <fmt/format.h>

#include <climits>
#include <map>
#include <memory>

#include "sshcore/config/sshd_keywords.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshd {

using sshcore::Errc;
using sshcore::fail;
using sshcore::Result;
namespace config = sshcore::config;

namespace {

constexpr std::size_t kMaxSnapshot = 64 * 1024 * 1024;

Result<std::vector<std::string>> glob_paths(const std::string& pattern) {
  glob_t g{};
  int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
  std::vector<std::string> out;
  if (rc == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  if (rc != 0 && rc != GLOB_NOMATCH) return fail(Errc::kSystem, "glob failed");
  return out;
}

Result<std::string> read_text(const std::string& path) {
  SSH_TRY(bytes, sshcore::io::read_file(path));
  return sshcore::to_string(bytes);
}

// The disk, with every answer written down for the per-connection processes.
config::FileSource recording_source(std::shared_ptr<ConfigSnapshot> record) {
  return config::FileSource{
      [record](const std::string& path) -> Result<std::string> {
        SSH_TRY(text, read_text(path));
        record->files.emplace_back(path, text);
        return text;
      },
      [record](const std::string& pattern) -> Result<std::vector<std::string>> {
        SSH_TRY(paths, glob_paths(pattern));
        record->globs.emplace_back(pattern, paths);
        return paths;
      }};
}

config::FileSource replay_source(std::shared_ptr<const ConfigSnapshot> snapshot) {
  return config::FileSource{
      [snapshot](const std::string& path) -> Result<std::string> {
        for (const auto& [p, text] : snapshot->files)
          if (p == path) return text;
        return fail(Errc::kSystem, "No such file or directory");
      },
      [snapshot](const std::string& pattern) -> Result<std::vector<std::string>> {
        for (const auto& [p, paths] : snapshot->globs)
          if (p == pattern) return paths;
        return std::vector<std::string>{};
      }};
}

std::string absolute_path(const std::string& path) {
  if (path.starts_with('/')) return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == nullptr) return path;
  return fmt::format("{}/{}", cwd, path);
}

std::string current_directory() {
  char cwd[PATH_MAX];
  return getcwd(cwd, sizeof cwd) != nullptr ? std::string(cwd) : std::string();
}

// OpenSSH parses each -o as line 0 of "command-line" and stops at the first error
// without the "terminating" summary (sshd.c calls process_server_config_line directly).
std::string command_line_messages(const std::string& detail) {
  std::string out;
  std::size_t start = 0;
  while (start <= detail.size()) {
    std::size_t nl = detail.find('\n', start);
    std::string line = detail.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? detail.size() + 1 : nl + 1;
    if (line.find(": terminating, ") != std::string::npos) continue;
    for (const char* from : {"command-line: line 1:", "command-line line 1:"}) {
      std::string f = from;
      if (auto at = line.find(f); at != std::string::npos) {
        std::string to = f;
        to.replace(to.size() - 2, 1, "0");
        line.replace(at, f.size(), to);
      }
    }
    out += line + "\n";
  }
  return out;
}

std::string quoted(const std::string& path) { return "\"" + path + "\""; }

}  // namespace

sshcore::Bytes ConfigSnapshot::encode() const {
  sshcore::wire::Writer w(kMaxSnapshot);
  w.u32(static_cast<std::uint32_t>(files.size()));
  for (const auto& [path, text] : files) {
    w.string(std::string_view(path));
    w.string(std::string_view(text));
  }
  w.u32(static_cast<std::uint32_t>(globs.size()));
  for (const auto& [pattern, paths] : globs) {
    w.string(std::string_view(pattern));
    w.u32(static_cast<std::uint32_t>(paths.size()));
    for (const auto& p : paths) w.string(std::string_view(p));
  }
  auto out = std::move(w).finish();
  return out ? std::move(*out) : sshcore::Bytes{};
}

Result<ConfigSnapshot> ConfigSnapshot::decode(sshcore::ByteView bytes) {
  sshcore::wire::Reader r(bytes);
  ConfigSnapshot s;
  SSH_TRY(nfiles, r.u32());
  for (std::uint32_t i = 0; i < nfiles; ++i) {
    SSH_TRY(path, r.string());
    SSH_TRY(text, r.string());
    s.files.emplace_back(sshcore::to_string(path), sshcore::to_string(text));
  }
  SSH_TRY(nglobs, r.u32());
  for (std::uint32_t i = 0; i < nglobs; ++i) {
    SSH_TRY(pattern, r.string());
    SSH_TRY(npaths, r.u32());
    if (npaths > r.remaining() / 4) return fail(Errc::kTruncated, "config snapshot");
    std::vector<std::string> paths;
    for (std::uint32_t k = 0; k < npaths; ++k) {
      SSH_TRY(p, r.string());
      paths.push_back(sshcore::to_string(p));
    }
    s.globs.emplace_back(sshcore::to_string(pattern), std::move(paths));
  }
  SSH_TRY_VOID(r.finish("config snapshot"));
  return s;
}

ServerConfiguration::ServerConfiguration(config::SshdConfig config, ConfigSnapshot snapshot, std::vector<int> ports)
    : config_(std::move(config)), snapshot_(std::move(snapshot)), ports_(std::move(ports)) {
  global_ = config_.global();
  apply_command_line_ports(global_);
}

void ServerConfiguration::apply_command_line_ports(config::SshdOptions& options) const {
  if (ports_.empty()) return;
  auto row = config::find_sshd_keyword("Port");
  if (!row) return;
  auto& slot = options.slots[config::sshd_value_row(*row)];
  slot.set = true;
  slot.values.clear();
  for (int p : ports_) slot.values.push_back(std::to_string(p));
}

Result<config::SshdOptions> ServerConfiguration::for_connection(const config::ConnectionSpec& connection) const {
  SSH_TRY(options, config_.for_connection(connection));
  apply_command_line_ports(options);
  return options;
}

Result<ServerConfiguration> ServerConfiguration::load(const CommandLine& command_line, const ConfigSnapshot* replay,
                                                     CommandLineExit& refusal) {
  auto record = std::make_shared<ConfigSnapshot>();
  config::FileSource files = replay != nullptr ? replay_source(std::make_shared<const ConfigSnapshot>(*replay))
                                               : recording_source(record);
  config::SshdLoadOptions load_options;
  load_options.cwd = current_directory();

  for (const auto& line : command_line.early_lines) {
    auto checked = config::SshdConfig::parse(line, "command-line", files, load_options);
    if (checked) continue;
    bool from_g = command_line.grace_time && line == "LoginGraceTime " + *command_line.grace_time;
    refusal = from_g ? CommandLineExit{1, "Invalid login grace time.\n"}
                     : CommandLineExit{1, command_line_messages(checked.error().detail), true};
    return fail(Errc::kInvalidArgument, refusal.message);
  }

  // The file itself must be readable (OpenSSH's perror(filename); exit(1)); then it is
  // read as an Include of a text that starts with the command line's lines, so that
  // its own messages name it and its lines count from 1.
  std::string path = absolute_path(command_line.config_file);
  auto text = files.read(path);
  if (!text) {
    refusal = CommandLineExit{1, fmt::format("{}: {}\n", command_line.config_file, text.error().detail)};
    return fail(Errc::kSystem, refusal.message);
  }
  auto main_text = std::make_shared<std::string>(*text);
  config::FileSource layered{
      [files, path, main_text](const std::string& p) -> Result<std::string> {
        if (p == path) return *main_text;
        return files.read(p);
      },
      [files, path](const std::string& pattern) -> Result<std::vector<std::string>> {
        if (pattern == path) return std::vector<std::string>{path};
        return files.glob(pattern);
      }};
  std::string combined;
  for (const auto& line : command_line.early_lines) combined += line + "\n";
  combined += "Include " + quoted(path) + "\n";
  auto loaded = config::SshdConfig::parse(combined, path, layered, load_options);
  if (!loaded) {
    refusal = CommandLineExit{255, loaded.error().detail + "\n", true};
    return fail(Errc::kInvalidFormat, refusal.message);
  }
  ConfigSnapshot snapshot = replay != nullptr ? *replay : std::move(*record);
  return ServerConfiguration(std::move(*loaded), std::move(snapshot), command_line.ports);
}

}  // namespace sshd
