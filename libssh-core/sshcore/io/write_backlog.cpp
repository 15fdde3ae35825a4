#include "sshcore/io/write_backlog.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace sshcore::io {
namespace {

// The private pipe's size: what sshd's pipes to a session's program get too.
constexpr std::size_t kStagingCapacity = 1024 * 1024;

// write(2) until `fd` is full; false when it failed.
bool write_some(int fd, ByteView data, std::size_t& done) {
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  return true;
}

}  // namespace

WriteBacklog::Written WriteBacklog::flush(int fd) {
  Written w;
  if (staging_ && staging_->held() > 0) {
    auto moved = staging_->drain_to(fd, staging_->held());
    if (!moved) return fail(w, 0);
    w.delivered += *moved;
    if (staging_->held() > 0) return w;
  }
  if (!queue_.empty()) {
    std::size_t done = 0;
    bool ok = write_some(fd, queue_.view(), done);
    queue_.consume(done);
    w.delivered += done;
    if (!ok) return fail(w, 0);
  }
  return w;
}

WriteBacklog::Written WriteBacklog::fail(Written w, std::size_t also_dropped) {
  w.failed = true;
  w.dropped = held() + also_dropped;
  clear();
  return w;
}

WriteBacklog::Written WriteBacklog::drain(int fd) {
  Written total;
  for (;;) {
    Written w = flush(fd);
    total.delivered += w.delivered;
    total.dropped += w.dropped;
    total.failed = w.failed;
    if (w.failed || empty()) return total;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR) return fail(total, 0);
  }
}

WriteBacklog::Written WriteBacklog::write(int fd, ByteView data) {
  Written w = flush(fd);
  if (w.failed) {
    w.dropped += data.size();
    return w;
  }
  std::size_t done = 0;
  if (empty() && !write_some(fd, data, done)) {
    w.delivered += done;
    return fail(w, data.size() - done);
  }
  w.delivered += done;
  if (done < data.size()) hold(fd, data.subspan(done));
  return w;
}

void WriteBacklog::hold(int fd, ByteView rest) {
  if (queue_.empty()) {
    if (!staging_tried_) {
      staging_tried_ = true;
      if (is_pipe(fd)) staging_ = SplicePipe::open(kStagingCapacity);
    }
    if (staging_) rest = rest.subspan(staging_->put(rest));
  }
  if (!rest.empty()) queue_.append(rest);
}

void WriteBacklog::clear() {
  queue_.clear();
  staging_.reset();  // its bytes go with it; a new one is made if ever needed
  staging_tried_ = false;
}

}  // namespace sshcore::io
