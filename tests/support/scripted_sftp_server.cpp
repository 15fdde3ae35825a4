#include "support/scripted_sftp_server.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>

#include "sshcore/apps/sftp/sftp_protocol.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshpp::test {

using sshcore::Bytes;
using sshcore::ByteView;
namespace sftp = sshcore::apps::sftp;
namespace wire = sshcore::wire;

void ScriptedSftpServer::serve(int in_fd, int out_fd) {
  sftp::PacketFramer framer;
  Bytes buf(1 << 20);
  for (;;) {
    // Block for the first bytes, then take whatever else is queued: one batch.
    ssize_t n = ::read(in_fd, buf.data(), buf.size());
    if (n <= 0) break;
    framer.feed(ByteView(buf.data(), static_cast<std::size_t>(n)));
    pollfd p{in_fd, POLLIN, 0};
    while (::poll(&p, 1, 10) > 0 && (p.revents & POLLIN)) {
      n = ::read(in_fd, buf.data(), buf.size());
      if (n <= 0) break;
      framer.feed(ByteView(buf.data(), static_cast<std::size_t>(n)));
    }
    std::vector<Bytes> replies;
    std::vector<sftp::PacketType> types;
    std::vector<std::uint64_t> reads;
    for (;;) {
      auto payload = framer.next();
      if (!payload) {
        framing_errors_++;
        return;
      }
      if (!*payload) break;
      if (!(**payload).empty()) types.push_back(static_cast<sftp::PacketType>((**payload)[0]));
      if (types.back() == sftp::PacketType::kRead) {
        sshcore::wire::Reader rr(ByteView(**payload).subspan(5));
        (void)rr.string();
        reads.push_back(rr.u64().value_or(UINT64_MAX));
      }
      replies.push_back(answer(**payload));
    }
    {
      std::lock_guard lock(mutex_);
      batches_.push_back(std::move(types));
      if (!reads.empty()) read_batches_.push_back(std::move(reads));
    }
    // Reverse order: the last request of the batch is answered first.
    Bytes out;
    for (auto it = replies.rbegin(); it != replies.rend(); ++it) sftp::frame_packet(out, *it);
    if (served_ > script_.garbage_after) out.assign(64, 0xee);
    for (std::size_t off = 0; off < out.size();) {
      ssize_t w = ::write(out_fd, out.data() + off, out.size() - off);
      if (w <= 0) return;
      off += static_cast<std::size_t>(w);
    }
  }
}

std::string ScriptedSftpServer::received() {
  std::lock_guard lock(mutex_);
  return received_;
}

std::vector<std::vector<sftp::PacketType>> ScriptedSftpServer::batches() {
  std::lock_guard lock(mutex_);
  return batches_;
}

std::vector<std::vector<std::uint64_t>> ScriptedSftpServer::read_batches() {
  std::lock_guard lock(mutex_);
  return read_batches_;
}

std::vector<std::size_t> ScriptedSftpServer::write_lengths() {
  std::lock_guard lock(mutex_);
  return write_lengths_;
}

Bytes ScriptedSftpServer::answer(ByteView payload) {
  wire::Reader r(payload);
  auto type = static_cast<sftp::PacketType>(*r.u8());
  wire::Writer w;
  if (type == sftp::PacketType::kInit) {
    w.u8(static_cast<std::uint8_t>(sftp::PacketType::kVersion));
    w.u32(3);
    if (script_.limits_read != 0) {
      w.string(std::string_view("limits@openssh.com"));
      w.string(std::string_view("1"));
    }
    return sshcore::to_bytes(w.view());
  }
  std::uint32_t id = *r.u32();
  auto status = [&](sftp::StatusCode code) {
    w.u8(static_cast<std::uint8_t>(sftp::PacketType::kStatus));
    w.u32(id);
    w.u32(static_cast<std::uint32_t>(code));
    w.string(std::string_view(""));
    w.string(std::string_view(""));
  };
  const std::string& content = script_.content;
  switch (type) {
    case sftp::PacketType::kStat:
    case sftp::PacketType::kLstat: {
      w.u8(static_cast<std::uint8_t>(sftp::PacketType::kAttrs));
      w.u32(id);
      sftp::FileAttributes a;
      a.size = script_.stat_size != SIZE_MAX ? script_.stat_size : content.size();
      a.permissions = 0100644;
      sftp::write_attributes(w, a);
      break;
    }
    case sftp::PacketType::kExtended:
      if (r.string().value_or(ByteView()).size() == 18 && script_.limits_read != 0) {  // limits@openssh.com
        w.u8(static_cast<std::uint8_t>(sftp::PacketType::kExtendedReply));
        w.u32(id);
        w.u64(256 * 1024);
        w.u64(script_.limits_read);
        w.u64(script_.limits_read);
        w.u64(0);
      } else {
        status(sftp::StatusCode::kOpUnsupported);
      }
      break;
    case sftp::PacketType::kRealpath:
      w.u8(static_cast<std::uint8_t>(sftp::PacketType::kName));
      w.u32(id);
      w.u32(1);
      w.string(std::string_view("/cwd"));
      w.string(std::string_view("/cwd"));
      sftp::write_attributes(w, {});
      break;
    case sftp::PacketType::kOpen:
      w.u8(static_cast<std::uint8_t>(sftp::PacketType::kHandle));
      w.u32(id);
      w.string(std::string_view("H"));
      break;
    case sftp::PacketType::kRead: {
      (void)r.string();
      std::uint64_t offset = *r.u64();
      std::uint32_t length = *r.u32();
      if (offset >= content.size()) {
        status(sftp::StatusCode::kEof);
        break;
      }
      std::size_t n = std::min<std::size_t>({length, script_.short_read, content.size() - offset});
      std::string data = content.substr(offset, n);
      if (offset == script_.overlong_at) data += 'x';
      w.u8(static_cast<std::uint8_t>(sftp::PacketType::kData));
      w.u32(id);
      w.string(data);
      if (offset == script_.trailing_at) w.u8(0);
      served_ += n;
      break;
    }
    case sftp::PacketType::kWrite: {
      (void)r.string();
      std::uint64_t offset = *r.u64();
      auto data = r.string();
      if (!data || !r.empty()) {
        framing_errors_++;
        status(sftp::StatusCode::kBadMessage);
        break;
      }
      std::lock_guard lock(mutex_);
      if (received_.size() < offset + data->size()) received_.resize(offset + data->size());
      received_.replace(offset, data->size(), sshcore::as_chars(*data));
      write_lengths_.push_back(data->size());
      status(sftp::StatusCode::kOk);
      break;
    }
    default:
      status(sftp::StatusCode::kOk);
  }
  return sshcore::to_bytes(w.view());
}

ScriptedSftpRig::ScriptedSftpRig(ScriptedSftpServer& server, const sshcore::io::SftpSessionOptions& options) {
  int to_server[2], from_server[2];
  EXPECT_EQ(::pipe2(to_server, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(from_server, O_CLOEXEC), 0);
  thread = std::thread([&server, in = to_server[0], out = from_server[1]] {
    server.serve(in, out);
    ::close(in);
    ::close(out);
  });
  auto s = sshcore::io::SftpClientSession::start(sshcore::io::Fd(to_server[1]), sshcore::io::Fd(from_server[0]),
                                                 options);
  EXPECT_TRUE(s);
  if (s) session = std::move(*s);
}

ScriptedSftpRig::~ScriptedSftpRig() {
  session.reset();  // both ends: a server blocked writing replies nobody reads gets EPIPE
  thread.join();
}

}  // namespace sshpp::test
