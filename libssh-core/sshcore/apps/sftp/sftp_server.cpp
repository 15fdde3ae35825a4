#include "sshcore/apps/sftp/sftp_server.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>

#include "sshcore/apps/sftp/long_name.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::apps::sftp {


namespace {

// VERSION's extension pairs, in OpenSSH's order (sftp-server.c process_init()).
struct Announced {
  std::string_view name;
  std::string_view revision;
};
constexpr Announced kAnnounced[] = {
    {kExtPosixRename, "1"}, {kExtStatVfs, "2"},       {kExtFstatVfs, "2"},        {kExtHardlink, "1"},
    {kExtFsync, "1"},       {kExtLsetstat, "1"},      {kExtLimits, "1"},          {kExtExpandPath, "1"},
    {kExtCopyData, "1"},    {kExtHomeDirectory, "1"}, {kExtUsersGroupsById, "1"},
};

struct OpenFlagName {
  std::uint32_t flag;
  std::string_view name;
};
constexpr OpenFlagName kOpenFlagNames[] = {{kOpenRead, "READ"},     {kOpenWrite, "WRITE"},
                                           {kOpenAppend, "APPEND"}, {kOpenCreate, "CREATE"},
                                           {kOpenTruncate, "TRUNCATE"}, {kOpenExclusive, "EXCL"}};

// sftp-server.c string_from_portable().
std::string open_flags_text(std::uint32_t flags) {
  std::string out;
  for (const OpenFlagName& f : kOpenFlagNames) {
    if (!(flags & f.flag)) continue;
    if (!out.empty()) out += ',';
    out += f.name;
  }
  return out;
}

std::string handle_string(std::uint32_t index) {
  std::string s(4, '\0');
  store_be32(reinterpret_cast<std::uint8_t*>(s.data()), index);
  return s;
}

std::string modtime_text(std::uint32_t mtime) {
  std::time_t t = mtime;
  std::tm tm{};
  char buf[64] = "";
  if (localtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof buf, "%Y%m%d-%H:%M:%S", &tm);
  return buf;
}

}  // namespace

const SftpServer::Route SftpServer::kRoutes[] = {
    {"open", &SftpServer::on_open},
    {"close", &SftpServer::on_close},
    {"read", &SftpServer::on_read},
    {"write", &SftpServer::on_write},
    {"lstat", &SftpServer::on_lstat},
    {"fstat", &SftpServer::on_fstat},
    {"setstat", &SftpServer::on_setstat},
    {"fsetstat", &SftpServer::on_fsetstat},
    {"opendir", &SftpServer::on_opendir},
    {"readdir", &SftpServer::on_readdir},
    {"remove", &SftpServer::on_remove},
    {"mkdir", &SftpServer::on_mkdir},
    {"rmdir", &SftpServer::on_rmdir},
    {"realpath", &SftpServer::on_realpath},
    {"stat", &SftpServer::on_stat},
    {"rename", &SftpServer::on_rename},
    {"readlink", &SftpServer::on_readlink},
    {"symlink", &SftpServer::on_symlink},
    {"posix-rename", &SftpServer::on_posix_rename},
    {"statvfs", &SftpServer::on_statvfs},
    {"fstatvfs", &SftpServer::on_fstatvfs},
    {"hardlink", &SftpServer::on_hardlink},
    {"fsync", &SftpServer::on_fsync},
    {"lsetstat", &SftpServer::on_lsetstat},
    {"limits", &SftpServer::on_limits},
    {"expand-path", &SftpServer::on_expand_path},
    {"copy-data", &SftpServer::on_copy_data},
    {"home-directory", &SftpServer::on_home_directory},
    {"users-groups-by-id", &SftpServer::on_users_groups_by_id},
};

SftpServer::SftpServer(const SftpServerOptions& options, Filesystem& fs)
    : options_(options), fs_(fs), framer_(kMaxPacketLength) {}

SftpServer::~SftpServer() = default;

ByteView SftpServer::pending_output() const {
  std::size_t end = staged_.empty() ? out_.size() : staged_.front().at;
  return ByteView(out_).subspan(out_offset_, end - out_offset_);
}

std::size_t SftpServer::pending_staged() const {
  if (staged_.empty() || staged_.front().at != out_offset_) return 0;
  return staged_.front().length;
}

void SftpServer::consume_output(std::size_t n) {
  out_offset_ += std::min(n, pending_output().size());
  if (out_offset_ == out_.size() && staged_.empty()) {
    out_.clear();
    out_offset_ = 0;
  } else if (out_offset_ >= 1024 * 1024 && out_offset_ > out_.size() / 2) {
    // A driver that never drains fully must not make the buffer grow without end.
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_offset_));
    for (StagedRun& run : staged_) run.at -= out_offset_;
    out_offset_ = 0;
  }
}

void SftpServer::consume_staged(std::size_t n) {
  if (staged_.empty() || staged_.front().at != out_offset_) return;
  StagedRun& run = staged_.front();
  n = std::min(n, run.length);
  run.length -= n;
  staged_bytes_ -= n;
  if (run.length == 0) staged_.pop_front();
  if (staged_.empty() && out_offset_ == out_.size()) {
    out_.clear();
    out_offset_ = 0;
  }
}

Result<void> SftpServer::receive(ByteView bytes) {
  if (finished_) return fail(Errc::kInvalidArgument, "SFTP session already finished");
  framer_.feed(bytes);
  if (deferred_) {
    if (!staged_.empty()) return {};
    Bytes held = std::move(*deferred_);
    deferred_.reset();
    SSH_TRY_VOID(process_checked(held));
    read_waits_ = false;  // nothing is staged now, so the READ copied instead
  }
  for (;;) {
    auto next = framer_.next();
    if (!next) {
      finished_ = true;
      return unexpected(std::move(next).error());
    }
    if (!*next) return {};
    ByteView payload = **next;
    // Only READs may pass staged bytes; anything else waits for them (see blocked()).
    if (!staged_.empty() && (payload.empty() || payload[0] != static_cast<std::uint8_t>(PacketType::kRead))) {
      deferred_.emplace(payload.begin(), payload.end());
      return {};
    }
    SSH_TRY_VOID(process_checked(payload));
    if (read_waits_) {  // a READ found the staging full: it goes again once that is out
      read_waits_ = false;
      deferred_.emplace(payload.begin(), payload.end());
      return {};
    }
  }
}

Result<void> SftpServer::process_checked(ByteView payload) {
  if (auto r = process(payload); !r) {
    finished_ = true;
    return r;
  }
  return {};
}

Result<void> SftpServer::process(ByteView payload) {
  wire::Reader r(payload);
  SSH_TRY(type, r.u8());
  if (type == static_cast<std::uint8_t>(PacketType::kInit)) {
    SSH_TRY(version, r.u32());
    log::verbose("received client version {}", version);
    wire::Writer w(kMaxPacketLength);
    w.u8(static_cast<std::uint8_t>(PacketType::kVersion));
    w.u32(kProtocolVersion);
    for (const Announced& a : kAnnounced) {
      w.string(a.name);
      w.string(a.revision);
    }
    frame_packet(out_, w.view());
    init_done_ = true;
    return {};
  }
  if (!init_done_) return fail(Errc::kInvalidFormat, fmt::format("Received {} request before init", type));
  auto id = r.u32();
  if (!id) return fail(Errc::kTruncated, "parse ID");
  const RequestName* request = nullptr;
  if (type == static_cast<std::uint8_t>(PacketType::kExtended)) {
    auto name = r.string();
    if (!name) {
      send_status(*id, StatusCode::kBadMessage);
      return {};
    }
    request = find_extension(as_chars(*name));
    if (request == nullptr) {
      log::error("Unknown extended request \"{:.100}\"", as_chars(*name));
      send_status(*id, StatusCode::kOpUnsupported);
      return {};
    }
  } else {
    request = find_request(static_cast<PacketType>(type));
    if (request == nullptr) {
      // OpenSSH only logs this; answering keeps a client from waiting forever.
      log::error("Unknown message {}", type);
      send_status(*id, StatusCode::kOpUnsupported);
      return {};
    }
  }
  if (!permitted(*request)) {
    send_status(*id, StatusCode::kPermissionDenied);
    return {};
  }
  dispatch(*request, *id, r);
  return {};
}

// sftp-server.c request_permitted(): read-only first, then the deny list, then the allow list.
bool SftpServer::permitted(const RequestName& request) const {
  if (options_.read_only && request.writes) {
    log::verbose("Refusing {} request in read-only mode", request.name);
    return false;
  }
  if (options_.denied_requests && match_list(request.name, *options_.denied_requests)) {
    log::verbose("Refusing denylisted {} request", request.name);
    return false;
  }
  if (options_.allowed_requests) {
    if (match_list(request.name, *options_.allowed_requests)) {
      log::debug2("Permitting allowlisted {} request", request.name);
      return true;
    }
    log::verbose("Refusing non-allowlisted {} request", request.name);
    return false;
  }
  return true;
}

void SftpServer::dispatch(const RequestName& request, std::uint32_t id, wire::Reader& r) {
  for (const Route& route : kRoutes) {
    if (route.name != request.name) continue;
    // Handlers parse every field before acting or replying, so a short or malformed
    // request fails before it has done anything and is answered here.
    if (auto handled = (this->*route.handler)(id, r); !handled) {
      log::debug1("request {}: bad {} request: {}", id, request.name, handled.error().detail);
      send_status(id, StatusCode::kBadMessage);
    }
    return;
  }
  send_status(id, StatusCode::kOpUnsupported);
}

// ---- replies


void SftpServer::send_status(std::uint32_t id, StatusCode code, std::string_view message) {
  log::debug3("request {}: sent status {}", id, static_cast<std::uint32_t>(code));
  if (log::enabled(log::Level::kDebug1) || (code != StatusCode::kOk && code != StatusCode::kEof))
    log::info("sent status {}", status_message(code));
  if (message.empty()) message = status_message(code);
  reply(PacketType::kStatus, id, [&](wire::Writer& w) {
    w.u32(static_cast<std::uint32_t>(code));
    w.string(message);
    w.string(std::string_view(""));
  });
}

void SftpServer::send_handle(std::uint32_t id, std::uint32_t handle) {
  log::debug1("request {}: sent handle handle {}", id, handle);
  reply(PacketType::kHandle, id, [&](wire::Writer& w) { w.string(handle_string(handle)); });
}

void SftpServer::send_attrs(std::uint32_t id, const FileAttributes& a) {
  std::uint32_t flags = (a.size ? kAttrSize : 0) | (a.uid ? kAttrUidGid : 0) |
                        (a.permissions ? kAttrPermissions : 0) | (a.mtime ? kAttrAcModTime : 0);
  log::debug1("request {}: sent attrib have 0x{:x}", id, flags);
  reply(PacketType::kAttrs, id, [&](wire::Writer& w) { write_attributes(w, a); });
}

void SftpServer::send_name(std::uint32_t id, const std::string& name) {
  log::debug1("request {}: sent names count 1", id);
  reply(PacketType::kName, id, [&](wire::Writer& w) {
    w.u32(1);
    w.string(name);
    w.string(name);
    write_attributes(w, FileAttributes{});
  });
}

// ---- handles

std::optional<std::uint32_t> SftpServer::new_handle(std::unique_ptr<Handle> h) {
  if (open_count_ >= options_.max_open_handles) return std::nullopt;
  std::size_t slot = 0;
  while (slot < handles_.size() && handles_[slot]) ++slot;
  if (slot == handles_.size()) handles_.emplace_back();
  handles_[slot] = std::move(h);
  ++open_count_;
  return static_cast<std::uint32_t>(slot);
}

std::optional<std::uint32_t> SftpServer::handle_index(ByteView wire_handle) const {
  if (wire_handle.size() != 4) return std::nullopt;
  std::uint32_t index = load_be32(wire_handle.data());
  if (index >= handles_.size() || !handles_[index]) return std::nullopt;
  return index;
}

SftpServer::Handle* SftpServer::find_handle(ByteView wire_handle, bool want_dir) {
  auto index = handle_index(wire_handle);
  if (!index) return nullptr;
  Handle* h = handles_[*index].get();
  return h->is_dir == want_dir ? h : nullptr;
}

void SftpServer::log_close(const Handle& h, std::string_view prefix) {
  std::string lead = prefix.empty() ? std::string() : std::string(prefix) + " ";
  if (h.is_dir)
    log::info("{}closedir \"{}\"", lead, h.name);
  else
    log::info("{}close \"{}\" bytes read {} written {}", lead, h.name, h.bytes_read, h.bytes_written);
}

void SftpServer::close_all_handles() {
  for (auto& h : handles_) {
    if (!h) continue;
    log_close(*h, "forced");
    h.reset();
  }
  open_count_ = 0;
}

// ---- requests on paths and handles

Result<void> SftpServer::on_open(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(name_view, r.cstring());
  std::string name(name_view);
  SSH_TRY(flags, r.u32());
  SSH_TRY(a, read_attributes(r));
  std::uint32_t mode = a.permissions.value_or(0666);
  log::debug3("request {}: open flags {}", id, flags);
  log::info("open \"{}\" flags {} mode 0{:o}", name, open_flags_text(flags), mode);
  bool writes = (flags & kOpenWrite) || (flags & (kOpenCreate | kOpenTruncate));
  if (options_.read_only && writes) {
    log::verbose("Refusing open request in read-only mode");
    send_status(id, StatusCode::kPermissionDenied);
    return {};
  }
  auto file = fs_.open(name, flags, mode);
  if (!file.ok()) {
    send_errno(id, file.error);
    return {};
  }
  auto h = std::make_unique<Handle>();
  h->name = name;
  h->file = std::move(file.value);
  auto index = new_handle(std::move(h));
  if (!index) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  send_handle(id, *index);
  return {};
}

Result<void> SftpServer::on_close(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(wire_handle, r.string());
  auto index = handle_index(wire_handle);
  log::debug3("request {}: close handle {}", id, index ? *index : ~0u);
  if (!index) {
    send_errno(id, ENOENT);
    return {};
  }
  log_close(*handles_[*index], "");
  handles_[*index].reset();
  --open_count_;
  send_status(id, StatusCode::kOk);
  return {};
}

Result<void> SftpServer::on_read(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(wire_handle, r.string());
  SSH_TRY(offset, r.u64());
  SSH_TRY(len, r.u32());
  Handle* h = find_handle(wire_handle, false);
  if (h == nullptr) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  std::uint32_t want = std::min(len, kMaxReadLength);
  std::optional<std::size_t> staged = h->file->stage(offset, want);
  if (!staged && has_staged()) {
    // No room beside our own staged bytes: wait for them to go out rather than copy.
    read_waits_ = true;
    return {};
  }
  log::debug1("request {}: read \"{}\" (handle {}) off {} len {}", id, h->name, load_be32(wire_handle.data()),
              offset, len);
  if (len > kMaxReadLength) log::debug2("read change len {} to {}", len, kMaxReadLength);
  send_data(id, *h, offset, want, staged.value_or(0));
  return {};
}

void SftpServer::send_data(std::uint32_t id, Handle& h, std::uint64_t offset, std::uint32_t len, std::size_t staged) {
  // The DATA reply is built in place: the header, then the file's bytes, staged by
  // reference as far as the file takes them and read straight into the output
  // buffer for the rest, then the lengths patched once the count is known.
  constexpr std::size_t kHeader = 4 + 1 + 4 + 4;
  std::size_t start = out_.size();
  out_.resize(start + kHeader);
  std::size_t copied = 0;
  if (staged < len) {
    out_.resize(start + kHeader + (len - staged));
    auto got = h.file->read(offset + staged, std::span<std::uint8_t>(out_.data() + start + kHeader, len - staged));
    // After staged bytes a failed read only shortens the reply; the next READ reports it.
    if (!got.ok() && staged == 0) {
      out_.resize(start);
      send_errno(id, got.error);
      return;
    }
    copied = got.ok() ? got.value : 0;
    out_.resize(start + kHeader + copied);
  }
  std::uint32_t n = static_cast<std::uint32_t>(staged + copied);
  if (n == 0) {
    out_.resize(start);
    send_status(id, StatusCode::kEof);
    return;
  }
  if (staged > 0) {
    staged_.push_back(StagedRun{start + kHeader, staged});
    staged_bytes_ += staged;
  }
  store_be32(out_.data() + start, 1 + 4 + 4 + n);
  out_[start + 4] = static_cast<std::uint8_t>(PacketType::kData);
  store_be32(out_.data() + start + 5, id);
  store_be32(out_.data() + start + 9, n);
  h.bytes_read += n;
  log::debug1("request {}: sent data len {}", id, n);
}

Result<void> SftpServer::on_write(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(wire_handle, r.string());
  SSH_TRY(offset, r.u64());
  SSH_TRY(data, r.string());
  Handle* h = find_handle(wire_handle, false);
  if (h == nullptr) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  log::debug1("request {}: write \"{}\" (handle {}) off {} len {}", id, h->name, load_be32(wire_handle.data()),
              offset, data.size());
  finish_write(id, *h, h->file->write(offset, data), data.size());
  return {};
}

SftpServer::WriteData SftpServer::receive_write_head(ByteView head, std::size_t data_length) {
  if (finished_ || !init_done_ || blocked() || has_staged() || framer_.buffered() != 0) return WriteData::kRead;
  wire::Reader r(head);
  auto type = r.u8();
  auto id = r.u32();
  auto wire_handle = r.string();
  auto offset = r.u64();
  auto length = r.u32();
  if (!type || *type != static_cast<std::uint8_t>(PacketType::kWrite) || !id || !wire_handle || !offset || !length ||
      *length != data_length || !r.empty())
    return WriteData::kRead;  // anything unusual takes the ordinary path, errors included
  // The checks and replies of process() and on_write(), in their order.
  if (!permitted(*find_request(PacketType::kWrite))) {
    send_status(*id, StatusCode::kPermissionDenied);
    return WriteData::kDiscard;
  }
  Handle* h = find_handle(*wire_handle, false);
  if (h == nullptr) {
    send_status(*id, StatusCode::kFailure);
    return WriteData::kDiscard;
  }
  log::debug1("request {}: write \"{}\" (handle {}) off {} len {}", *id, h->name, load_be32(wire_handle->data()),
              *offset, data_length);
  auto wrote = h->file->write_from_input(*offset, data_length);
  if (!wrote) return WriteData::kRead;
  finish_write(*id, *h, *wrote, data_length);
  return WriteData::kWritten;
}

void SftpServer::finish_write(std::uint32_t id, Handle& h, const FsResult<std::size_t>& wrote, std::size_t length) {
  if (!wrote.ok()) {
    log::error("process_write: write \"{:.100}\": {}", h.name, std::strerror(wrote.error));
    send_errno(id, wrote.error);
    return;
  }
  if (wrote.value != length) {
    log::debug2("process_write: nothing at all written");
    send_status(id, StatusCode::kFailure);
    return;
  }
  h.bytes_written += wrote.value;
  send_status(id, StatusCode::kOk);
}

Result<void> SftpServer::do_stat(std::uint32_t id, wire::Reader& r, bool follow) {
  SSH_TRY(name_view, r.cstring());
  std::string name(name_view);
  log::debug3("request {}: {}stat", id, follow ? "" : "l");
  log::verbose("{}stat name \"{}\"", follow ? "" : "l", name);
  auto st = fs_.stat(name, follow);
  if (!st.ok()) {
    send_errno(id, st.error);
    return {};
  }
  send_attrs(id, st.value);
  return {};
}

Result<void> SftpServer::on_lstat(std::uint32_t id, wire::Reader& r) { return do_stat(id, r, false); }
Result<void> SftpServer::on_stat(std::uint32_t id, wire::Reader& r) { return do_stat(id, r, true); }

Result<void> SftpServer::on_fstat(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(wire_handle, r.string());
  Handle* h = find_handle(wire_handle, false);
  if (h == nullptr) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  log::debug1("request {}: fstat \"{}\" (handle {})", id, h->name, load_be32(wire_handle.data()));
  auto st = h->file->stat();
  if (!st.ok()) {
    send_errno(id, st.error);
    return {};
  }
  send_attrs(id, st.value);
  return {};
}

// The SETSTAT family: each attribute applied and logged on its own, in OpenSSH's
// order; the status is that of the last change that failed.
void SftpServer::apply_attributes(std::uint32_t id, const std::string& name, const FileAttributes& a,
                                  OpenFile* file, bool follow) {
  int err = 0;
  auto change = [&](AttrChange what) {
    int e = file ? file->set_attribute(what, a) : fs_.set_attribute(name, what, a, follow);
    if (e != 0) err = e;
  };
  if (a.size) {
    log::info("set \"{}\" size {}", name, *a.size);
    change(AttrChange::kSize);
  }
  if (a.permissions) {
    log::info("set \"{}\" mode {:04o}", name, *a.permissions);
    change(AttrChange::kPermissions);
  }
  if (a.atime && a.mtime) {
    log::info("set \"{}\" modtime {}", name, modtime_text(*a.mtime));
    change(AttrChange::kTimes);
  }
  if (a.uid && a.gid) {
    log::info("set \"{}\" owner {} group {}", name, *a.uid, *a.gid);
    change(AttrChange::kOwner);
  }
  send_errno(id, err);
}

Result<void> SftpServer::on_setstat(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(name_view, r.cstring());
  std::string name(name_view);
  SSH_TRY(a, read_attributes(r));
  log::debug1("request {}: setstat name \"{}\"", id, name);
  apply_attributes(id, name, a, nullptr, true);
  return {};
}

Result<void> SftpServer::on_lsetstat(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(name_view, r.cstring());
  std::string name(name_view);
  SSH_TRY(a, read_attributes(r));
  log::debug1("request {}: lsetstat name \"{}\"", id, name);
  if (a.size) {  // nonsensical for links, as OpenSSH says
    send_status(id, StatusCode::kBadMessage);
    return {};
  }
  apply_attributes(id, name, a, nullptr, false);
  return {};
}

Result<void> SftpServer::on_fsetstat(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(wire_handle, r.string());
  SSH_TRY(a, read_attributes(r));
  Handle* h = find_handle(wire_handle, false);
  log::debug1("request {}: fsetstat handle {}", id, wire_handle.size() == 4 ? load_be32(wire_handle.data()) : ~0u);
  if (h == nullptr) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  apply_attributes(id, h->name, a, h->file.get(), true);
  return {};
}

Result<void> SftpServer::on_opendir(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(path_view, r.cstring());
  std::string path(path_view);
  log::debug3("request {}: opendir", id);
  log::info("opendir \"{}\"", path);
  auto dir = fs_.open_directory(path);
  if (!dir.ok()) {
    send_errno(id, dir.error);
    return {};
  }
  auto h = std::make_unique<Handle>();
  h->is_dir = true;
  h->name = path;
  h->dir = std::move(dir.value);
  auto index = new_handle(std::move(h));
  if (!index) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  send_handle(id, *index);
  return {};
}

Result<void> SftpServer::on_readdir(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(wire_handle, r.string());
  Handle* h = find_handle(wire_handle, true);
  if (h == nullptr) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  log::debug1("request {}: readdir \"{}\" (handle {})", id, h->name, load_be32(wire_handle.data()));
  std::vector<DirectoryEntry> entries;
  int err = 0;
  while (entries.size() < kMaxNamesPerReaddir) {
    auto next = h->dir->next();
    if (!next.ok()) {
      err = next.error;
      break;
    }
    if (!next.value) break;
    entries.push_back(std::move(*next.value));
  }
  if (entries.empty()) {
    if (err != 0)
      send_errno(id, err);
    else
      send_status(id, StatusCode::kEof);
    return {};
  }
  std::time_t now = std::time(nullptr);
  log::debug1("request {}: sent names count {}", id, entries.size());
  reply(PacketType::kName, id, [&](wire::Writer& w) {
    w.u32(static_cast<std::uint32_t>(entries.size()));
    for (const DirectoryEntry& e : entries) {
      std::string user = e.attrs.uid ? fs_.user_name(*e.attrs.uid).value_or("") : "";
      std::string group = e.attrs.gid ? fs_.group_name(*e.attrs.gid).value_or("") : "";
      w.string(e.name);
      w.string(format_long_name(e.name, e.attrs, user, group, false, e.link_count, now));
      write_attributes(w, e.attrs);
    }
  });
  return {};
}

Result<void> SftpServer::on_remove(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(name_view, r.cstring());
  std::string name(name_view);
  log::debug3("request {}: remove", id);
  log::info("remove name \"{}\"", name);
  send_errno(id, fs_.remove(name));
  return {};
}

Result<void> SftpServer::on_mkdir(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(name_view, r.cstring());
  std::string name(name_view);
  SSH_TRY(a, read_attributes(r));
  std::uint32_t mode = a.permissions ? (*a.permissions & 07777) : 0777;
  log::debug3("request {}: mkdir", id);
  log::info("mkdir name \"{}\" mode 0{:o}", name, mode);
  send_errno(id, fs_.make_directory(name, mode));
  return {};
}

Result<void> SftpServer::on_rmdir(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(name_view, r.cstring());
  std::string name(name_view);
  log::debug3("request {}: rmdir", id);
  log::info("rmdir name \"{}\"", name);
  send_errno(id, fs_.remove_directory(name));
  return {};
}

Result<void> SftpServer::on_realpath(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(path_view, r.cstring());
  std::string path(path_view);
  if (path.empty()) path = ".";
  log::debug3("request {}: realpath", id);
  log::verbose("realpath \"{}\"", path);
  auto resolved = fs_.real_path(path);
  if (!resolved.ok()) {
    send_errno(id, resolved.error);
    return {};
  }
  send_name(id, resolved.value);
  return {};
}

Result<void> SftpServer::on_rename(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(old_path_view, r.cstring());
  std::string old_path(old_path_view);
  SSH_TRY(new_path_view, r.cstring());
  std::string new_path(new_path_view);
  log::debug3("request {}: rename", id);
  log::info("rename old \"{}\" new \"{}\"", old_path, new_path);
  send_errno(id, fs_.rename(old_path, new_path));
  return {};
}

Result<void> SftpServer::on_readlink(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(path_view, r.cstring());
  std::string path(path_view);
  log::debug3("request {}: readlink", id);
  log::verbose("readlink \"{}\"", path);
  auto target = fs_.read_link(path);
  if (!target.ok()) {
    send_errno(id, target.error);
    return {};
  }
  send_name(id, target.value);
  return {};
}

Result<void> SftpServer::on_symlink(std::uint32_t id, wire::Reader& r) {
  // OpenSSH's order, the reverse of the draft: the link's target comes first.
  SSH_TRY(target_view, r.cstring());
  std::string target(target_view);
  SSH_TRY(link_path_view, r.cstring());
  std::string link_path(link_path_view);
  log::debug3("request {}: symlink", id);
  log::info("symlink old \"{}\" new \"{}\"", target, link_path);
  send_errno(id, fs_.symlink(target, link_path));
  return {};
}

}  // namespace sshcore::apps::sftp
