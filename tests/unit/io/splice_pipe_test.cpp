// SplicePipe and splice_to_file: the bytes that arrive are the file's bytes, short files
// give short counts, and what cannot be spliced says so instead of losing data.
#include "sshcore/io/splice_pipe.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "sshcore/io/fd.hpp"

namespace sshcore::io {
namespace {

std::string temp_file_with(const std::string& content) {
  char name[] = "/tmp/splice_pipe_testXXXXXX";
  int fd = ::mkstemp(name);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fd);
  return name;
}

std::string read_exactly(int fd, std::size_t n) {
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, out.data() + got, n - got);
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  out.resize(got);
  return out;
}

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) % 251);
  return s;
}

TEST(SplicePipe, RecognisesPipes) {
  auto p = make_pipe();
  ASSERT_TRUE(p);
  EXPECT_TRUE(is_pipe(p->read.get()));
  std::string path = temp_file_with("x");
  Fd f(::open(path.c_str(), O_RDONLY));
  EXPECT_FALSE(is_pipe(f.get()));
  ::unlink(path.c_str());
}

TEST(SplicePipe, MovesFileBytesAtAnOffsetAndStopsAtEndOfFile) {
  const std::string content = pattern(300000);
  std::string path = temp_file_with(content);
  Fd f(::open(path.c_str(), O_RDONLY));
  auto sp = SplicePipe::open(1024 * 1024);
  ASSERT_TRUE(sp);
  EXPECT_GE(sp->capacity(), 64u * 1024);
  auto out = make_pipe();
  ASSERT_TRUE(out);
  ASSERT_EQ(::fcntl(out->write.get(), F_SETPIPE_SZ, 1024 * 1024), 1024 * 1024);

  // Asks for more than the file has left: the count says how much there was.
  auto moved = sp->fill_from(f.get(), 290000, 20000);
  ASSERT_TRUE(moved);
  EXPECT_EQ(*moved, 10000u);
  EXPECT_EQ(sp->held(), 10000u);
  auto at_end = sp->fill_from(f.get(), 300000, 100);
  ASSERT_TRUE(at_end);
  EXPECT_EQ(*at_end, 0u);

  auto drained = sp->drain_to(out->write.get(), 10000);
  ASSERT_TRUE(drained);
  EXPECT_EQ(*drained, 10000u);
  EXPECT_EQ(sp->held(), 0u);
  EXPECT_EQ(read_exactly(out->read.get(), 10000), content.substr(290000, 10000));
  ::unlink(path.c_str());
}

TEST(SplicePipe, AFullPipeGivesAShortCountAndKeepsWhatItHolds) {
  const std::string content = pattern(2 * 1024 * 1024);
  std::string path = temp_file_with(content);
  Fd f(::open(path.c_str(), O_RDONLY));
  auto sp = SplicePipe::open(64 * 1024);
  ASSERT_TRUE(sp);
  std::size_t cap = sp->capacity();
  auto first = sp->fill_from(f.get(), 0, 2 * 1024 * 1024);
  ASSERT_TRUE(first);
  EXPECT_LE(*first, cap);
  EXPECT_GT(*first, 0u);
  auto second = sp->fill_from(f.get(), *first, 4096);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 0u);  // no room: nothing more, nothing lost
  auto out = make_pipe();
  ASSERT_TRUE(out);
  ASSERT_GT(::fcntl(out->write.get(), F_SETPIPE_SZ, 1024 * 1024), 0);
  std::size_t held = sp->held();
  auto drained = sp->drain_to(out->write.get(), held);
  ASSERT_TRUE(drained);
  EXPECT_EQ(*drained, held);
  EXPECT_EQ(read_exactly(out->read.get(), held), content.substr(0, held));
  ::unlink(path.c_str());
}

TEST(SplicePipe, DrainStopsWithoutBlockingWhenTheReaderIsSlow) {
  const std::string content = pattern(256 * 1024);
  std::string path = temp_file_with(content);
  Fd f(::open(path.c_str(), O_RDONLY));
  auto sp = SplicePipe::open(1024 * 1024);
  ASSERT_TRUE(sp);
  auto moved = sp->fill_from(f.get(), 0, content.size());
  ASSERT_TRUE(moved);
  ASSERT_EQ(*moved, content.size());
  auto out = make_pipe();  // default 64 KiB, nobody reading
  ASSERT_TRUE(out);
  auto drained = sp->drain_to(out->write.get(), content.size());
  ASSERT_TRUE(drained);
  EXPECT_LT(*drained, content.size());
  EXPECT_EQ(sp->held(), content.size() - *drained);
  ::unlink(path.c_str());
}

TEST(SplicePipe, DrainToAClosedReaderFails) {
  std::string path = temp_file_with(pattern(1000));
  Fd f(::open(path.c_str(), O_RDONLY));
  auto sp = SplicePipe::open(64 * 1024);
  ASSERT_TRUE(sp);
  ASSERT_TRUE(sp->fill_from(f.get(), 0, 1000));
  auto out = make_pipe();
  ASSERT_TRUE(out);
  out->read.reset();
  std::signal(SIGPIPE, SIG_IGN);
  EXPECT_FALSE(sp->drain_to(out->write.get(), 1000));
  ::unlink(path.c_str());
}

TEST(SpliceToFile, WritesAtTheOffsetAndLeavesTheRestInThePipe) {
  std::string path = temp_file_with(std::string(100, 'a'));
  Fd f(::open(path.c_str(), O_WRONLY));
  auto p = make_pipe();
  ASSERT_TRUE(p);
  const std::string payload = pattern(5000);
  ASSERT_EQ(::write(p->write.get(), payload.data(), payload.size()), 5000);
  ASSERT_EQ(::write(p->write.get(), "tail", 4), 4);
  SpliceToFile r = splice_to_file(p->read.get(), f.get(), 50, 5000);
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(r.moved, 5000u);
  EXPECT_EQ(read_exactly(p->read.get(), 4), "tail");
  Fd in(::open(path.c_str(), O_RDONLY));
  EXPECT_EQ(read_exactly(in.get(), 5050), std::string(50, 'a') + payload);
  ::unlink(path.c_str());
}

TEST(SpliceToFile, AnAppendOnlyFileIsRefusedWithNothingMoved) {
  std::string path = temp_file_with("");
  Fd f(::open(path.c_str(), O_WRONLY | O_APPEND));
  auto p = make_pipe();
  ASSERT_TRUE(p);
  ASSERT_EQ(::write(p->write.get(), "abcdef", 6), 6);
  SpliceToFile r = splice_to_file(p->read.get(), f.get(), 0, 6);
  EXPECT_EQ(r.error, EINVAL);
  EXPECT_EQ(r.moved, 0u);
  EXPECT_EQ(read_exactly(p->read.get(), 6), "abcdef");  // still there for the fallback
  ::unlink(path.c_str());
}

TEST(SpliceToFile, APipeThatEndsEarlyIsEpipe) {
  std::string path = temp_file_with("");
  Fd f(::open(path.c_str(), O_WRONLY));
  auto p = make_pipe();
  ASSERT_TRUE(p);
  ASSERT_EQ(::write(p->write.get(), "abc", 3), 3);
  p->write.reset();
  SpliceToFile r = splice_to_file(p->read.get(), f.get(), 0, 10);
  EXPECT_EQ(r.error, EPIPE);
  EXPECT_EQ(r.moved, 3u);
  ::unlink(path.c_str());
}

TEST(DiscardFromPipe, DropsExactlyTheLength) {
  auto p = make_pipe();
  ASSERT_TRUE(p);
  const std::string payload = pattern(70000);
  ASSERT_EQ(::fcntl(p->write.get(), F_SETPIPE_SZ, 1024 * 1024), 1024 * 1024);
  ASSERT_EQ(::write(p->write.get(), payload.data(), payload.size()), 70000);
  ASSERT_EQ(::write(p->write.get(), "next", 4), 4);
  EXPECT_EQ(discard_from_pipe(p->read.get(), 70000), 0);
  EXPECT_EQ(read_exactly(p->read.get(), 4), "next");
  p->write.reset();
  EXPECT_EQ(discard_from_pipe(p->read.get(), 1), EPIPE);
}

}  // namespace
}  // namespace sshcore::io
