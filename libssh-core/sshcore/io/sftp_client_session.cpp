#include "sshcore/io/sftp_client_session.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "sshcore/base/log.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/io/sftp_client_state.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::io {

using sftp::PacketType;
using sftp::Reply;
using sftp::StatusCode;

namespace {

// The one name of a REALPATH-style reply (defined with the simple calls below).
template <class State>
Result<std::string> single_name(State& s, std::uint32_t id);

// OpenSSH keeps about this much outstanding; with 32 KiB requests that is 512 of them.
constexpr std::uint64_t kWindowBytes = 64 * 1024 * 1024;
// A READ/WRITE must fit one packet with its header: OpenSSH's 255 KiB.
constexpr std::uint32_t kMaxRequestLength = sftp::kMaxPacketLength - 1024;

// The extensions this client uses; the others are only logged as unrecognised.
constexpr std::array kKnownExtensions{
    sftp::kExtPosixRename, sftp::kExtStatVfs,     sftp::kExtFstatVfs,         sftp::kExtHardlink,
    sftp::kExtFsync,       sftp::kExtLsetstat,    sftp::kExtLimits,           sftp::kExtExpandPath,
    sftp::kExtCopyData,    sftp::kExtHomeDirectory, sftp::kExtUsersGroupsById,
};

Errc errc_for_status(StatusCode code) {
  switch (code) {
    case StatusCode::kNoSuchFile:
      return Errc::kNotFound;
    case StatusCode::kBadMessage:
      return Errc::kInvalidFormat;
    default:
      return Errc::kSystem;
  }
}

}  // namespace

// ---- State: the blocking pump -------------------------------------------------

Error SftpClientSession::State::lost(StatusCode why, std::string detail) {
  connected = false;
  last_status = why;
  last_message.clear();
  to_server.reset();
  staging.reset();  // bytes staged for a stream that is gone
  return Error{why == StatusCode::kBadMessage ? Errc::kInvalidFormat : Errc::kSystem, std::move(detail)};
}

Error SftpClientSession::State::status_error(const Reply& reply) {
  last_status = reply.status;
  last_message = std::string(reply.message);
  return Error{errc_for_status(reply.status), std::string(sftp::status_text(reply.status))};
}

Error SftpClientSession::State::unexpected_reply(const Reply& reply) {
  return lost(StatusCode::kBadMessage,
              "Expected reply, got SFTP packet type " + std::to_string(static_cast<int>(reply.type)));
}

Result<void> SftpClientSession::State::pump_ready() {
  if (!connected) {
    last_status = StatusCode::kConnectionLost;
    return fail(Errc::kSystem, "Connection closed");
  }
  last_status = StatusCode::kOk;
  last_message.clear();
  return {};
}

Result<Reply> SftpClientSession::State::next_reply() {
  for (;;) {
    if (!connected) return fail(Errc::kSystem, "Connection closed");
    if (out_of_band) {
      Reply reply = std::move(*out_of_band);
      out_of_band.reset();
      return reply;
    }
    auto reply = engine.next_reply();
    if (!reply) return fail(lost(StatusCode::kBadMessage, reply.error().detail));
    if (*reply) return std::move(**reply);
    SSH_TRY_VOID(pump());
  }
}

Result<Reply> SftpClientSession::State::wait_for(std::uint32_t id) {
  if (auto it = parked.find(id); it != parked.end()) {
    taken = std::move(it->second);
    parked.erase(it);
    taken.reply.message = taken.message;
    taken.reply.handle = taken.handle;
    taken.reply.extended = taken.extended;
    for (std::size_t i = 0; i < taken.reply.names.size() && i < taken.names.size(); ++i) {
      taken.reply.names[i].filename = taken.names[i].first;
      taken.reply.names[i].long_name = taken.names[i].second;
    }
    return taken.reply;
  }
  for (;;) {
    SSH_TRY(reply, next_reply());
    if (reply.id == id) return reply;
    // A reply to a request sent ahead, in whatever order the server answers: kept.
    bool is_ahead = std::any_of(ahead.begin(), ahead.end(), [&](const Ahead& a) { return a.id == reply.id; });
    if (!is_ahead || reply.type == PacketType::kData || parked.count(reply.id) != 0)
      return fail(lost(StatusCode::kBadMessage, "ID mismatch"));
    park(std::move(reply));
  }
}

void SftpClientSession::State::park(Reply reply) {
  // A copy that owns its bytes: the reply's views die with the next pump.
  ParkedReply& p = parked[reply.id];
  p.message = std::string(reply.message);
  p.handle = to_bytes(reply.handle);
  p.extended = to_bytes(reply.extended);
  for (const auto& n : reply.names) p.names.emplace_back(n.filename, n.long_name);
  p.reply = std::move(reply);
  p.reply.message = {};
  p.reply.handle = {};
  p.reply.extended = {};
}

Result<void> SftpClientSession::State::prepare_transfer() {
  SSH_TRY_VOID(settle_limits());
  settle_ahead();  // normally nothing is left
  // REALPATH "." of the start, if still to come: wait for it as for a call of its own
  // and keep it for its taker, so that the transfer's replies do not meet it.
  for (const Ahead& a : std::vector<Ahead>(ahead)) {
    if (!connected) break;
    if (parked.count(a.id) != 0) continue;
    auto reply = wait_for(a.id);
    if (!reply) break;
    park(std::move(*reply));
  }
  return {};
}

void SftpClientSession::State::settle_ahead() {
  // What nobody took is collected in the order sent; a handle opened ahead is closed.
  auto is_lookup = [](const Ahead& a) {
    return a.type == PacketType::kLstat || a.type == PacketType::kStat || a.type == PacketType::kOpen;
  };
  for (;;) {
    auto it = std::find_if(ahead.begin(), ahead.end(), is_lookup);
    if (it == ahead.end()) return;
    Ahead a = *it;
    ahead.erase(it);
    if (!connected) {
      parked.erase(a.id);
      continue;
    }
    auto reply = wait_for(a.id);
    if (reply && reply->type == PacketType::kHandle) (void)close_handle(to_string(reply->handle));
  }
}

Result<void> SftpClientSession::State::settle_limits() {
  auto id = take_ahead(PacketType::kExtended, std::string(sftp::kExtLimits));
  if (!id) return {};
  SSH_TRY(reply, wait_for(*id));
  if (reply.type != PacketType::kExtendedReply) return fail(unexpected_reply(reply));
  wire::Reader r(reply.extended);
  auto got = sftp::read_limits(r);
  if (!got) return fail(lost(StatusCode::kBadMessage, "Invalid limits@openssh.com reply"));
  limits = *got;
  log::debug3("Received limits reply T:{} I:{}", static_cast<int>(reply.type), reply.id);
  apply_limits();
  return {};
}

void SftpClientSession::State::apply_limits() {
  // Request sizes: -B wins; else the server's limits (at most one packet); else 32 KiB.
  auto pick = [&](std::uint64_t server_max) -> std::uint32_t {
    if (options.request_size != 0) return std::min(options.request_size, kMaxRequestLength);
    if (server_max != 0) return static_cast<std::uint32_t>(std::min<std::uint64_t>(server_max, kMaxRequestLength));
    return sftp::kDefaultTransferLength;
  };
  read_length = pick(limits.max_read_length);
  write_length = pick(limits.max_write_length);
  std::uint32_t biggest = std::max(read_length, write_length);
  max_in_flight = options.requests_in_flight != 0
                      ? options.requests_in_flight
                      : static_cast<std::uint32_t>(std::max<std::uint64_t>(1, kWindowBytes / biggest));
  if (limits.max_packet_length != 0) {
    log::debug3("server upload/download buffer sizes {} / {}; using {} / {}", limits.max_write_length,
                limits.max_read_length, write_length, read_length);
    log::debug3("server handle limit {}; using {}", limits.max_open_handles, max_in_flight);
  }
}

std::optional<std::uint32_t> SftpClientSession::State::take_ahead_if(const std::function<bool(const Ahead&)>& wanted) {
  auto it = std::find_if(ahead.begin(), ahead.end(), wanted);
  if (it == ahead.end()) return std::nullopt;
  std::uint32_t id = it->id;
  ahead.erase(it);
  return id;
}

std::optional<std::uint32_t> SftpClientSession::State::take_ahead_open(const std::string& path, std::uint32_t flags,
                                                                        std::optional<std::uint32_t> permissions) {
  return take_ahead_if([&](const Ahead& a) {
    return a.type == PacketType::kOpen && a.path == path && a.open_flags == flags && a.open_permissions == permissions;
  });
}

std::optional<std::uint32_t> SftpClientSession::State::take_ahead(PacketType type, const std::string& path) {
  return take_ahead_if([&](const Ahead& a) { return a.type == type && a.path == path; });
}

Result<void> SftpClientSession::State::expect_ok(std::uint32_t id) {
  SSH_TRY(reply, wait_for(id));
  if (reply.type != PacketType::kStatus) return fail(unexpected_reply(reply));
  if (reply.status != StatusCode::kOk) return fail(status_error(reply));
  return {};
}

Result<std::string> SftpClientSession::State::expect_handle(std::uint32_t id) {
  SSH_TRY(reply, wait_for(id));
  if (reply.type == PacketType::kStatus) return fail(status_error(reply));
  if (reply.type != PacketType::kHandle) return fail(unexpected_reply(reply));
  return to_string(reply.handle);
}

Result<void> SftpClientSession::State::close_handle(const std::string& handle) {
  return expect_ok(engine.send_close(as_bytes(handle)));
}

bool SftpClientSession::State::has_extension(std::string_view name) const {
  return extensions.find(std::string(name)) != extensions.end();
}

// ---- start ------------------------------------------------------------------------

SftpClientSession::SftpClientSession(std::unique_ptr<State> state) : state_(std::move(state)) {}
SftpClientSession::~SftpClientSession() = default;

Result<std::unique_ptr<SftpClientSession>> SftpClientSession::start(Fd to_server, Fd from_server,
                                                                    const SftpSessionOptions& options) {
  // A server that dies would otherwise kill us with SIGPIPE on the next write; the
  // write's EPIPE becomes "Connection closed" instead (ssh and sftp ignore it too).
  struct sigaction old {};
  if (::sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);

  auto state = std::make_unique<State>();
  SSH_TRY_VOID(set_nonblocking(to_server.get()));
  SSH_TRY_VOID(set_nonblocking(from_server.get()));
  state->to_server_is_pipe = is_pipe(to_server.get());
  state->from_server_is_pipe = is_pipe(from_server.get());
  state->to_server = std::move(to_server);
  state->from_server = std::move(from_server);
  state->options = options;
  state->engine.send_init();
  while (!state->engine.server_version()) {
    auto reply = state->engine.next_reply();
    if (!reply) {
      Error lost = state->lost(StatusCode::kBadMessage, reply.error().detail);
      if (reply.error().code == Errc::kTooLarge) lost.code = Errc::kTooLarge;  // describe_start_failure()
      return fail(std::move(lost));
    }
    if (*reply) return fail(state->lost(StatusCode::kBadMessage, "Invalid packet back from SSH2_FXP_INIT"));
    if (!state->engine.server_version()) SSH_TRY_VOID(state->pump());
  }
  state->version = state->engine.server_version()->version;
  state->extensions = state->engine.server_version()->extensions;
  log::debug2("Remote version: {}", state->version);
  for (const auto& [name, data] : state->extensions) {
    if (std::find(kKnownExtensions.begin(), kKnownExtensions.end(), name) != kKnownExtensions.end())
      log::debug2("Server supports extension \"{}\" revision {}", name, data);
    else
      log::debug2("Unrecognised server extension \"{}\"", name);
  }

  // limits@openssh.com (and REALPATH ".", which sftp asks first thing) go out now, and
  // their replies are taken when first needed: before the first transfer, and by the
  // first realpath("."). A session's first command is then on its way in the same
  // round trip, where OpenSSH's sftp waits for both replies first.
  if (state->has_extension(sftp::kExtLimits)) {
    state->add_ahead(PacketType::kExtended, std::string(sftp::kExtLimits),
                     state->engine.send_extended(sftp::kExtLimits, {}));
    if (options.prefetch_working_directory)
      state->add_ahead(PacketType::kRealpath, ".", state->engine.send_path(PacketType::kRealpath, "."));
  }
  state->apply_limits();
  return std::unique_ptr<SftpClientSession>(new SftpClientSession(std::move(state)));
}

SftpStartFailure describe_start_failure(const Error& e) {
  using Kind = SftpStartFailure::Kind;
  if (e.code == Errc::kTooLarge) {
    // The framer's detail is "SFTP packet length N".
    std::string_view length = e.detail;
    length.remove_prefix(std::min(length.size(), length.rfind(' ') + 1));
    return {Kind::kMessageTooLong, "Received message too long " + std::string(length)};
  }
  if (e.code == Errc::kSystem) return {Kind::kConnectionClosed, "Connection closed"};
  return {Kind::kBadReply, e.detail};
}

std::uint32_t SftpClientSession::server_version() const { return state_->version; }
const std::map<std::string, std::string>& SftpClientSession::extensions() const { return state_->extensions; }
bool SftpClientSession::has_extension(std::string_view name) const { return state_->has_extension(name); }
const sftp::Limits& SftpClientSession::limits() {
  (void)state_->settle_limits();
  return state_->limits;
}
sftp::StatusCode SftpClientSession::last_status() const { return state_->last_status; }
std::string SftpClientSession::reason_for(const Error& e) const {
  return state_->last_message.empty() ? e.detail : state_->last_message;
}
bool SftpClientSession::connected() const { return state_->connected; }

void SftpClientSession::close() {
  state_->to_server.reset();
  state_->staging.reset();
  state_->connected = false;
}

// ---- simple calls ---------------------------------------------------------------

namespace {

template <class State>
Result<std::string> single_name(State& s, std::uint32_t id) {
  SSH_TRY(reply, s.wait_for(id));
  if (reply.type == PacketType::kStatus) return fail(s.status_error(reply));
  if (reply.type != PacketType::kName) return fail(s.unexpected_reply(reply));
  if (reply.names.size() != 1)
    return fail(s.lost(StatusCode::kBadMessage, "Got multiple names (" + std::to_string(reply.names.size()) +
                                                    ") from SSH_FXP_REALPATH"));
  return std::string(reply.names[0].filename);
}

template <class State>
Result<sftp::FileAttributes> attributes_reply(State& s, std::uint32_t id) {
  SSH_TRY(reply, s.wait_for(id));
  if (reply.type == PacketType::kStatus) return fail(s.status_error(reply));
  if (reply.type != PacketType::kAttrs) return fail(s.unexpected_reply(reply));
  return std::move(reply.attrs);
}

template <class State>
Result<void> need_extension(State& s, std::string_view name) {
  if (s.has_extension(name)) return {};
  s.last_status = StatusCode::kOpUnsupported;
  return fail(Errc::kInvalidArgument, "Server does not support " + std::string(name) + " extension");
}

Bytes encode(std::initializer_list<std::string_view> strings) {
  wire::Writer w;
  for (std::string_view s : strings) w.string(s);
  return to_bytes(w.view());
}

}  // namespace

Result<std::string> SftpClientSession::realpath(const std::string& path) {
  SSH_TRY_VOID(state_->pump_ready());
  auto id = path == "." ? state_->take_ahead(PacketType::kRealpath, ".") : std::nullopt;
  return single_name(*state_, id ? *id : state_->engine.send_path(PacketType::kRealpath, path));
}

Result<std::string> SftpClientSession::expand_path(const std::string& path) {
  if (!state_->has_extension(sftp::kExtExpandPath)) return realpath(path);
  SSH_TRY_VOID(state_->pump_ready());
  Bytes body = encode({path});
  return single_name(*state_, state_->engine.send_extended(sftp::kExtExpandPath, body));
}

Result<std::string> SftpClientSession::home_directory(const std::string& user) {
  SSH_TRY_VOID(state_->pump_ready());
  SSH_TRY_VOID(need_extension(*state_, sftp::kExtHomeDirectory));
  Bytes body = encode({user});
  return single_name(*state_, state_->engine.send_extended(sftp::kExtHomeDirectory, body));
}

Result<sftp::FileAttributes> SftpClientSession::stat(const std::string& path) {
  SSH_TRY_VOID(state_->pump_ready());
  auto id = state_->take_ahead(PacketType::kStat, path);
  return attributes_reply(*state_, id ? *id : state_->engine.send_path(PacketType::kStat, path));
}

Result<sftp::FileAttributes> SftpClientSession::lstat(const std::string& path) {
  SSH_TRY_VOID(state_->pump_ready());
  auto id = state_->take_ahead(PacketType::kLstat, path);
  return attributes_reply(*state_, id ? *id : state_->engine.send_path(PacketType::kLstat, path));
}

void SftpClientSession::send_ahead(const std::string& path, AheadRequests which) {
  State& s = *state_;
  if (!s.connected) return;
  s.add_ahead(PacketType::kLstat, path, s.engine.send_path(PacketType::kLstat, path));
  s.add_ahead(PacketType::kStat, path, s.engine.send_path(PacketType::kStat, path));
  if (which == AheadRequests::kLstatStatOpen)
    s.add_ahead(PacketType::kOpen, path, s.engine.send_open(path, sftp::kOpenRead, {}), sftp::kOpenRead);
}

void SftpClientSession::send_ahead_for_upload(const std::string& path, std::uint32_t permissions) {
  State& s = *state_;
  if (!s.connected) return;
  s.add_ahead(PacketType::kStat, path, s.engine.send_path(PacketType::kStat, path));
  sftp::FileAttributes create;
  create.permissions = permissions;
  const std::uint32_t flags = sftp::kOpenWrite | sftp::kOpenCreate | sftp::kOpenTruncate;
  s.add_ahead(PacketType::kOpen, path, s.engine.send_open(path, flags, create), flags, permissions);
}

void SftpClientSession::settle_ahead() { state_->settle_ahead(); }

Result<void> SftpClientSession::setstat(const std::string& path, const sftp::FileAttributes& attrs) {
  SSH_TRY_VOID(state_->pump_ready());
  return state_->expect_ok(state_->engine.send_setstat(path, attrs));
}

Result<void> SftpClientSession::lsetstat(const std::string& path, const sftp::FileAttributes& attrs) {
  SSH_TRY_VOID(state_->pump_ready());
  SSH_TRY_VOID(need_extension(*state_, sftp::kExtLsetstat));
  wire::Writer w;
  w.string(path);
  sftp::write_attributes(w, attrs);
  return state_->expect_ok(state_->engine.send_extended(sftp::kExtLsetstat, w.view()));
}

Result<std::vector<SftpDirEntry>> SftpClientSession::read_directory(const std::string& path) {
  SSH_TRY_VOID(state_->pump_ready());
  SSH_TRY(handle, state_->expect_handle(state_->engine.send_path(PacketType::kOpendir, path)));
  std::vector<SftpDirEntry> entries;
  for (;;) {
    SSH_TRY(reply, state_->wait_for(state_->engine.send_handle(PacketType::kReaddir, as_bytes(handle))));
    if (reply.type == PacketType::kStatus) {
      if (reply.status == StatusCode::kEof) break;
      Error e = state_->status_error(reply);
      (void)state_->close_handle(handle);
      state_->last_status = reply.status;
      return fail(std::move(e));
    }
    if (reply.type != PacketType::kName) return fail(state_->unexpected_reply(reply));
    if (reply.names.empty()) break;  // OpenSSH treats an empty NAME as the end too
    for (auto& n : reply.names)
      entries.push_back(SftpDirEntry{std::string(n.filename), std::string(n.long_name), std::move(n.attrs)});
  }
  SSH_TRY_VOID(state_->close_handle(handle));
  return entries;
}

Result<void> SftpClientSession::mkdir(const std::string& path, const sftp::FileAttributes& attrs) {
  SSH_TRY_VOID(state_->pump_ready());
  return state_->expect_ok(state_->engine.send_mkdir(path, attrs));
}

Result<void> SftpClientSession::rmdir(const std::string& path) {
  SSH_TRY_VOID(state_->pump_ready());
  return state_->expect_ok(state_->engine.send_path(PacketType::kRmdir, path));
}

Result<void> SftpClientSession::remove(const std::string& path) {
  SSH_TRY_VOID(state_->pump_ready());
  return state_->expect_ok(state_->engine.send_path(PacketType::kRemove, path));
}

Result<void> SftpClientSession::rename(const std::string& from, const std::string& to, bool posix) {
  SSH_TRY_VOID(state_->pump_ready());
  if (posix && state_->has_extension(sftp::kExtPosixRename))
    return state_->expect_ok(state_->engine.send_extended(sftp::kExtPosixRename, encode({from, to})));
  return state_->expect_ok(state_->engine.send_rename(from, to));
}

Result<void> SftpClientSession::symlink(const std::string& target, const std::string& link_path) {
  SSH_TRY_VOID(state_->pump_ready());
  return state_->expect_ok(state_->engine.send_symlink(target, link_path));
}

Result<void> SftpClientSession::hardlink(const std::string& target, const std::string& link_path) {
  SSH_TRY_VOID(state_->pump_ready());
  SSH_TRY_VOID(need_extension(*state_, sftp::kExtHardlink));
  return state_->expect_ok(state_->engine.send_extended(sftp::kExtHardlink, encode({target, link_path})));
}

Result<std::string> SftpClientSession::readlink(const std::string& path) {
  SSH_TRY_VOID(state_->pump_ready());
  return single_name(*state_, state_->engine.send_path(PacketType::kReadlink, path));
}

Result<sftp::StatVfs> SftpClientSession::statvfs(const std::string& path) {
  SSH_TRY_VOID(state_->pump_ready());
  SSH_TRY_VOID(need_extension(*state_, sftp::kExtStatVfs));
  SSH_TRY(reply, state_->wait_for(state_->engine.send_extended(sftp::kExtStatVfs, encode({path}))));
  if (reply.type == PacketType::kStatus) return fail(state_->status_error(reply));
  if (reply.type != PacketType::kExtendedReply) return fail(state_->unexpected_reply(reply));
  wire::Reader r(reply.extended);
  auto vfs = sftp::read_statvfs(r);
  if (!vfs) return fail(state_->lost(StatusCode::kBadMessage, "Couldn't decode statvfs reply"));
  return *vfs;
}

Result<void> SftpClientSession::copy_remote(const std::string& from, const std::string& to, bool preserve) {
  SSH_TRY_VOID(state_->pump_ready());
  SSH_TRY_VOID(need_extension(*state_, sftp::kExtCopyData));
  SSH_TRY(attrs, stat(from));
  if (!attrs.is_regular()) {
    state_->last_status = StatusCode::kFailure;
    return fail(Errc::kInvalidArgument, "Cannot copy non-regular file: " + from);
  }
  SSH_TRY(read_handle, state_->expect_handle(state_->engine.send_open(from, sftp::kOpenRead, {})));
  // As OpenSSH: the new file gets the source's permission bits, and times only with -p.
  sftp::FileAttributes create;
  create.permissions = *attrs.permissions & 0777;
  auto write_handle = state_->expect_handle(state_->engine.send_open(
      to, sftp::kOpenWrite | sftp::kOpenCreate | sftp::kOpenTruncate, create));
  if (!write_handle) {
    Error e = std::move(write_handle).error();
    StatusCode status = state_->last_status;
    (void)state_->close_handle(read_handle);
    state_->last_status = status;
    return fail(std::move(e));
  }
  wire::Writer w;
  w.string(read_handle);
  w.u64(0);
  w.u64(0);  // 0: up to the end of the source
  w.string(*write_handle);
  w.u64(0);
  auto copied = state_->expect_ok(state_->engine.send_extended(sftp::kExtCopyData, w.view()));
  Result<void> times;
  if (copied && preserve && attrs.mtime) {
    sftp::FileAttributes t;
    t.atime = attrs.atime;
    t.mtime = attrs.mtime;
    times = state_->expect_ok(state_->engine.send_fsetstat(as_bytes(*write_handle), t));
  }
  StatusCode status = state_->last_status;
  auto closed_read = state_->close_handle(read_handle);
  auto closed_write = state_->close_handle(*write_handle);
  if (!copied) {
    state_->last_status = status;
    return copied;
  }
  if (!times) return times;
  if (!closed_read) return closed_read;
  return closed_write;
}

Result<std::pair<std::vector<std::string>, std::vector<std::string>>> SftpClientSession::users_groups_by_id(
    const std::vector<std::uint32_t>& uids, const std::vector<std::uint32_t>& gids) {
  SSH_TRY_VOID(state_->pump_ready());
  SSH_TRY_VOID(need_extension(*state_, sftp::kExtUsersGroupsById));
  wire::Writer w;
  for (const auto* ids : {&uids, &gids})
    w.nested([&](wire::Writer& inner) {
      for (std::uint32_t id : *ids) inner.u32(id);
    });
  SSH_TRY(reply, state_->wait_for(state_->engine.send_extended(sftp::kExtUsersGroupsById, w.view())));
  if (reply.type == PacketType::kStatus) return fail(state_->status_error(reply));
  if (reply.type != PacketType::kExtendedReply) return fail(state_->unexpected_reply(reply));
  auto decode_names = [](ByteView blob, std::size_t expected) -> Result<std::vector<std::string>> {
    wire::Reader r(blob);
    std::vector<std::string> names;
    while (!r.empty()) {
      SSH_TRY(name, r.string());
      names.push_back(to_string(name));
    }
    if (names.size() != expected) return fail(Errc::kInvalidFormat, "users-groups-by-id: wrong count");
    return names;
  };
  wire::Reader r(reply.extended);
  auto user_blob = r.string();
  auto group_blob = r.string();
  if (!user_blob || !group_blob) return fail(state_->lost(StatusCode::kBadMessage, "bad users-groups-by-id reply"));
  auto users = decode_names(*user_blob, uids.size());
  auto groups = decode_names(*group_blob, gids.size());
  if (!users || !groups) return fail(state_->lost(StatusCode::kBadMessage, "bad users-groups-by-id reply"));
  return std::make_pair(std::move(*users), std::move(*groups));
}

}  // namespace sshcore::io
