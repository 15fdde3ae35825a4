#include "sshcore/apps/sftp/sftp_client.hpp"

#include <algorithm>

#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::apps::sftp {

// Requests are encoded straight into out_ (no Writer per packet): READ and WRITE go
// out by the thousand during a transfer and should cost no allocation each.
void SftpClient::put_u32(std::uint32_t v) {
  std::uint8_t b[4];
  store_be32(b, v);
  out_.insert(out_.end(), b, b + 4);
}

void SftpClient::put_u64(std::uint64_t v) {
  std::uint8_t b[8];
  store_be64(b, v);
  out_.insert(out_.end(), b, b + 8);
}

void SftpClient::put_string(ByteView s) {
  put_u32(static_cast<std::uint32_t>(s.size()));
  append(out_, s);
}

void SftpClient::put_attributes(const FileAttributes& a) {
  wire::Writer w;
  write_attributes(w, a);
  append(out_, w.view());
}

std::size_t SftpClient::begin_untracked(PacketType type) {
  // Drop what has been sent before growing, so the buffer does not creep while a
  // transfer keeps appending behind a partly written front.
  if (out_offset_ > 0 && (out_offset_ == out_.size() || out_offset_ >= out_.size() / 2)) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_offset_));
    out_dropped_ += out_offset_;
    out_offset_ = 0;
  }
  std::size_t start = out_.size();
  put_u32(0);
  out_.push_back(static_cast<std::uint8_t>(type));
  return start;
}

std::uint32_t SftpClient::begin(PacketType type) {
  open_start_ = begin_untracked(type);
  std::uint32_t id = next_id_++;
  put_u32(id);
  outstanding_.push_back(id);
  return id;
}

void SftpClient::end(std::size_t start) {
  store_be32(out_.data() + start, static_cast<std::uint32_t>(out_.size() - start - 4));
}

ByteView SftpClient::pending_output() const {
  std::size_t end = out_.size();
  if (!staged_.empty()) end = static_cast<std::size_t>(staged_.front().at - out_dropped_);
  return ByteView(out_).subspan(out_offset_, end - out_offset_);
}

void SftpClient::consume_output(std::size_t n) {
  out_offset_ += std::min(n, pending_output().size());
  if (out_offset_ == out_.size()) {
    out_dropped_ += out_.size();
    out_.clear();
    out_offset_ = 0;
  }
}

std::size_t SftpClient::pending_staged() const {
  if (staged_.empty() || staged_.front().at != out_dropped_ + out_offset_) return 0;
  return staged_.front().left;
}

void SftpClient::consume_staged(std::size_t n) {
  n = std::min(n, pending_staged());
  if (n == 0) return;
  staged_.front().left -= n;
  staged_total_ -= n;
  if (staged_.front().left == 0) staged_.pop_front();
}

void SftpClient::send_init() {
  std::size_t start = begin_untracked(PacketType::kInit);
  put_u32(kProtocolVersion);
  end(start);
}

std::uint32_t SftpClient::send_open(std::string_view path, std::uint32_t flags, const FileAttributes& attrs) {
  std::uint32_t id = begin(PacketType::kOpen);
  put_string(path);
  put_u32(flags);
  put_attributes(attrs);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_close(ByteView handle) { return send_handle(PacketType::kClose, handle); }

std::uint32_t SftpClient::send_read(ByteView handle, std::uint64_t offset, std::uint32_t length) {
  std::uint32_t id = begin(PacketType::kRead);
  put_string(handle);
  put_u64(offset);
  put_u32(length);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_write(ByteView handle, std::uint64_t offset, ByteView data) {
  std::uint32_t id = begin(PacketType::kWrite);
  put_string(handle);
  put_u64(offset);
  put_string(data);
  end(open_start_);
  return id;
}

std::span<std::uint8_t> SftpClient::begin_write(ByteView handle, std::uint64_t offset, std::size_t max_length,
                                                std::size_t staged) {
  open_start_ = begin_untracked(PacketType::kWrite);
  put_u32(0);  // the id, filled in by finish_write
  put_string(handle);
  put_u64(offset);
  write_data_at_ = out_.size();
  put_u32(0);
  write_staged_ = staged;
  if (staged > 0) {
    staged_.push_back(StagedRun{out_dropped_ + out_.size(), staged});
    staged_total_ += staged;
  }
  out_.resize(out_.size() + max_length);
  return std::span<std::uint8_t>(out_.data() + write_data_at_ + 4, max_length);
}

std::uint32_t SftpClient::finish_write(std::size_t length) {
  out_.resize(write_data_at_ + 4 + length);
  store_be32(out_.data() + write_data_at_, static_cast<std::uint32_t>(write_staged_ + length));
  std::uint32_t id = next_id_++;
  store_be32(out_.data() + open_start_ + 5, id);
  outstanding_.push_back(id);
  // The packet's length counts the staged bytes, which are not in out_.
  store_be32(out_.data() + open_start_, static_cast<std::uint32_t>(out_.size() - open_start_ - 4 + write_staged_));
  write_staged_ = 0;
  return id;
}

void SftpClient::cancel_write() {
  out_.resize(open_start_);
  if (write_staged_ > 0) {
    staged_total_ -= staged_.back().left;
    staged_.pop_back();
    write_staged_ = 0;
  }
}

std::uint32_t SftpClient::send_write_staged(ByteView handle, std::uint64_t offset, std::size_t length) {
  begin_write(handle, offset, 0, length);
  return finish_write(0);
}

std::uint32_t SftpClient::send_path(PacketType type, std::string_view path) {
  std::uint32_t id = begin(type);
  put_string(path);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_handle(PacketType type, ByteView handle) {
  std::uint32_t id = begin(type);
  put_string(handle);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_setstat(std::string_view path, const FileAttributes& attrs) {
  std::uint32_t id = begin(PacketType::kSetstat);
  put_string(path);
  put_attributes(attrs);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_fsetstat(ByteView handle, const FileAttributes& attrs) {
  std::uint32_t id = begin(PacketType::kFsetstat);
  put_string(handle);
  put_attributes(attrs);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_mkdir(std::string_view path, const FileAttributes& attrs) {
  std::uint32_t id = begin(PacketType::kMkdir);
  put_string(path);
  put_attributes(attrs);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_rename(std::string_view from, std::string_view to) {
  std::uint32_t id = begin(PacketType::kRename);
  put_string(from);
  put_string(to);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_symlink(std::string_view target, std::string_view link_path) {
  std::uint32_t id = begin(PacketType::kSymlink);
  put_string(target);
  put_string(link_path);
  end(open_start_);
  return id;
}

std::uint32_t SftpClient::send_extended(std::string_view name, ByteView body) {
  std::uint32_t id = begin(PacketType::kExtended);
  put_string(name);
  append(out_, body);
  end(open_start_);
  return id;
}

Result<void> SftpClient::parse_version(ByteView payload) {
  wire::Reader r(payload);
  SSH_TRY(type, r.u8());
  if (type != static_cast<std::uint8_t>(PacketType::kVersion))
    return fail(Errc::kInvalidFormat, "Invalid packet back from SSH2_FXP_INIT (type " + std::to_string(type) + ")");
  ServerVersion v;
  SSH_TRY(version, r.u32());
  v.version = version;
  while (!r.empty()) {
    SSH_TRY(name, r.string());
    SSH_TRY(data, r.string());
    v.extensions.emplace(to_string(name), to_string(data));
  }
  version_ = std::move(v);
  return {};
}

Result<Reply> SftpClient::parse_reply(ByteView payload) {
  wire::Reader r(payload);
  SSH_TRY(type, r.u8());
  SSH_TRY(id, r.u32());
  Reply rep;
  rep.type = static_cast<PacketType>(type);
  rep.id = id;
  switch (rep.type) {
    case PacketType::kStatus: {
      SSH_TRY(code, r.u32());
      rep.status = static_cast<StatusCode>(code);
      // OpenSSH's servers always send message and language; very old ones did not.
      if (!r.empty()) {
        SSH_TRY(message, r.string());
        rep.message = as_chars(message);
        if (!r.empty()) {
          SSH_TRY(language, r.string());
          (void)language;
        }
      }
      break;
    }
    case PacketType::kHandle: {
      SSH_TRY(handle, r.string());
      if (handle.size() > 256) return fail(Errc::kInvalidFormat, "SFTP handle too long");
      rep.handle = handle;
      break;
    }
    case PacketType::kData: {
      SSH_TRY(data, r.string());
      rep.data = data;
      break;
    }
    case PacketType::kName: {
      SSH_TRY(count, r.u32());
      // Each entry takes at least 12 bytes: a bound before reserving.
      if (count > r.remaining() / 12) return fail(Errc::kInvalidFormat, "SFTP NAME count too large");
      rep.names.reserve(count);
      for (std::uint32_t i = 0; i < count; ++i) {
        SSH_TRY(filename, r.string());
        SSH_TRY(long_name, r.string());
        SSH_TRY(attrs, read_attributes(r));
        rep.names.push_back(NameEntry{as_chars(filename), as_chars(long_name), std::move(attrs)});
      }
      break;
    }
    case PacketType::kAttrs: {
      SSH_TRY(attrs, read_attributes(r));
      rep.attrs = std::move(attrs);
      break;
    }
    case PacketType::kExtendedReply:
      rep.extended = r.rest();
      return rep;
    default:
      return fail(Errc::kInvalidFormat, "Unexpected SFTP packet type " + std::to_string(type));
  }
  SSH_TRY_VOID(r.finish("SFTP reply"));
  return rep;
}

Result<void> SftpClient::retire(std::uint32_t id) {
  auto it = std::find(outstanding_.begin(), outstanding_.end(), id);
  if (it == outstanding_.end()) return fail(Errc::kInvalidFormat, "SFTP reply with unexpected id " + std::to_string(id));
  // Swap-and-pop: order among outstanding ids does not matter.
  *it = outstanding_.back();
  outstanding_.pop_back();
  return {};
}

Result<std::optional<Reply>> SftpClient::next_reply() {
  for (;;) {
    SSH_TRY(payload, framer_.next());
    if (!payload) return std::optional<Reply>{};
    if (!version_) {
      SSH_TRY_VOID(parse_version(*payload));
      continue;
    }
    SSH_TRY(reply, parse_reply(*payload));
    SSH_TRY_VOID(retire(reply.id));
    return std::optional<Reply>{std::move(reply)};
  }
}

std::optional<SftpClient::DataHeader> SftpClient::data_header(ByteView header) const {
  if (!version_ || !at_packet_boundary() || header.size() != kDataHeaderLength) return std::nullopt;
  wire::Reader r(header);
  auto length = r.u32();
  auto type = r.u8();
  auto id = r.u32();
  auto data_length = r.u32();
  if (!length || !type || !id || !data_length) return std::nullopt;
  // Only a DATA whose payload ends the packet: anything else (trailing bytes, a length
  // the framer would refuse) takes the ordinary path, which reports what is wrong.
  constexpr std::uint32_t kFields = kDataHeaderLength - 4;
  if (*type != static_cast<std::uint8_t>(PacketType::kData) || *length > kMaxReplyLength ||
      static_cast<std::uint64_t>(*length) != kFields + static_cast<std::uint64_t>(*data_length))
    return std::nullopt;
  if (std::find(outstanding_.begin(), outstanding_.end(), *id) == outstanding_.end()) return std::nullopt;
  return DataHeader{*id, *data_length};
}

Result<Reply> SftpClient::take_data_header(ByteView header) {
  auto h = data_header(header);
  if (!h) return fail(Errc::kInvalidArgument, "not a DATA header to take out of band");
  SSH_TRY_VOID(retire(h->id));
  Reply reply;
  reply.type = PacketType::kData;
  reply.id = h->id;
  reply.out_of_band = h->length;
  return reply;
}

}  // namespace sshcore::apps::sftp
