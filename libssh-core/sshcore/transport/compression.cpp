#include "sshcore/transport/compression.hpp"

#include <zlib.h>

#include <algorithm>
#include <string>

#include "sshcore/base/log.hpp"
#include "sshcore/base/secret.hpp"

namespace sshcore::transport {
namespace {

constexpr std::size_t kMinRoom = 4096;

unexpected<Error> compression_failure(const z_stream& z, int status, const char* what) {
  std::string detail = what;
  detail += z.msg != nullptr ? std::string(": ") + z.msg : ": zlib status " + std::to_string(status);
  Error e{Errc::kInvalidFormat, std::move(detail)};
  e.reason = DisconnectReason::kCompressionError;
  return fail(std::move(e));
}

// Grows a scratch buffer geometrically to at least `need` bytes, wiping the old
// storage: it held payloads in the clear.
void ensure_size(Bytes& buffer, std::size_t used, std::size_t need) {
  if (buffer.size() >= need) return;
  Bytes bigger(std::max(need, buffer.size() * 2));
  std::copy_n(buffer.begin(), used, bigger.begin());
  secure_wipe(buffer.data(), buffer.size());
  buffer.swap(bigger);
}

}  // namespace

CompressionMode compression_mode(const CompressionAlg* alg) {
  if (alg == nullptr || alg->name == "none") return CompressionMode::kNone;
  return alg->delayed ? CompressionMode::kZlibDelayed : CompressionMode::kZlib;
}

// z_stream keeps a pointer back to itself inside zlib's state, so it lives on
// the heap and never moves.
struct Compressor::Stream {
  z_stream z{};
  ~Stream() { deflateEnd(&z); }
};

Compressor::Compressor() = default;
Compressor::~Compressor() { secure_wipe(buffer_.data(), buffer_.size()); }
Compressor::Compressor(Compressor&&) noexcept = default;
Compressor& Compressor::operator=(Compressor&&) noexcept = default;

bool Compressor::active() const { return stream_ != nullptr; }
std::uint64_t Compressor::total_in() const { return stream_ ? stream_->z.total_in : 0; }
std::uint64_t Compressor::total_out() const { return stream_ ? stream_->z.total_out : 0; }

Result<void> Compressor::start() {
  auto stream = std::make_unique<Stream>();
  int status = deflateInit(&stream->z, kZlibLevel);
  if (status != Z_OK) {
    Error e{Errc::kInternal, "deflateInit failed"};
    e.reason = DisconnectReason::kCompressionError;
    stream->z.state = nullptr;  // nothing to end
    return fail(std::move(e));
  }
  log::debug1("Enabling compression at level {}.", kZlibLevel);
  stream_ = std::move(stream);
  return {};
}

Result<void> Compressor::configure(CompressionMode mode) {
  mode_ = mode;
  stream_.reset();
  if (mode == CompressionMode::kZlib || (mode == CompressionMode::kZlibDelayed && authenticated_))
    return start();
  return {};
}

Result<void> Compressor::enable() {
  authenticated_ = true;
  if (mode_ == CompressionMode::kZlibDelayed && !stream_) return start();
  return {};
}

Result<ByteView> Compressor::compress(ByteView payload) {
  if (!stream_) return fail(Errc::kInternal, "compression not active");
  if (payload.empty()) return ByteView{};  // zlib would make no progress; OpenSSH sends nothing too
  z_stream& z = stream_->z;
  z.next_in = const_cast<Bytef*>(payload.data());  // zlib's API is not const-correct
  z.avail_in = static_cast<uInt>(payload.size());
  std::size_t used = 0;
  do {
    ensure_size(buffer_, used, used + std::max(kMinRoom, payload.size() / 2 + 64));
    z.next_out = buffer_.data() + used;
    z.avail_out = static_cast<uInt>(buffer_.size() - used);
    int status = deflate(&z, Z_PARTIAL_FLUSH);
    used = buffer_.size() - z.avail_out;
    if (status == Z_BUF_ERROR) break;  // nothing left to flush
    if (status != Z_OK) return compression_failure(z, status, "compress");
  } while (z.avail_out == 0);
  return ByteView(buffer_.data(), used);
}

struct Decompressor::Stream {
  z_stream z{};
  ~Stream() { inflateEnd(&z); }
};

Decompressor::Decompressor() = default;
Decompressor::~Decompressor() { secure_wipe(buffer_.data(), buffer_.size()); }
Decompressor::Decompressor(Decompressor&&) noexcept = default;
Decompressor& Decompressor::operator=(Decompressor&&) noexcept = default;

bool Decompressor::active() const { return stream_ != nullptr; }
std::uint64_t Decompressor::total_in() const { return stream_ ? stream_->z.total_in : 0; }
std::uint64_t Decompressor::total_out() const { return stream_ ? stream_->z.total_out : 0; }

Result<void> Decompressor::start() {
  auto stream = std::make_unique<Stream>();
  if (inflateInit(&stream->z) != Z_OK) {
    Error e{Errc::kInternal, "inflateInit failed"};
    e.reason = DisconnectReason::kCompressionError;
    stream->z.state = nullptr;
    return fail(std::move(e));
  }
  stream_ = std::move(stream);
  return {};
}

Result<void> Decompressor::configure(CompressionMode mode) {
  mode_ = mode;
  stream_.reset();
  if (mode == CompressionMode::kZlib || (mode == CompressionMode::kZlibDelayed && authenticated_))
    return start();
  return {};
}

Result<void> Decompressor::enable() {
  authenticated_ = true;
  if (mode_ == CompressionMode::kZlibDelayed && !stream_) return start();
  return {};
}

Result<ByteView> Decompressor::decompress(ByteView piece) {
  if (!stream_) return fail(Errc::kInternal, "decompression not active");
  z_stream& z = stream_->z;
  z.next_in = const_cast<Bytef*>(piece.data());
  z.avail_in = static_cast<uInt>(piece.size());
  std::size_t used = 0;
  for (;;) {
    // One byte of room past the limit tells an over-long payload from one that
    // ends exactly at it.
    if (used > kMaxInflatedPayload) {
      Error e{Errc::kTooLarge, "decompressed payload too large"};
      e.reason = DisconnectReason::kCompressionError;
      return fail(std::move(e));
    }
    if (buffer_.size() - used < kMinRoom)
      ensure_size(buffer_, used, std::max(used + kMinRoom, piece.size() * 4));
    z.next_out = buffer_.data() + used;
    z.avail_out = static_cast<uInt>(std::min(buffer_.size() - used, kMaxInflatedPayload + 1 - used));
    int status = inflate(&z, Z_SYNC_FLUSH);
    used = static_cast<std::size_t>(z.next_out - buffer_.data());
    if (status == Z_BUF_ERROR) {  // no progress: all input used, all output written
      if (used > kMaxInflatedPayload) continue;
      break;
    }
    if (status != Z_OK) return compression_failure(z, status, "decompress");
    if (z.avail_in == 0 && z.avail_out != 0) break;
  }
  return ByteView(buffer_.data(), used);
}

}  // namespace sshcore::transport
