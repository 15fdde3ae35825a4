// The legacy scp protocol: the core's control-line parser (including garbage), and
// our sink and source driven over pipes by hand-written peers.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "legacy_channel.hpp"
#include "legacy_sink.hpp"
#include "legacy_source.hpp"
#include "sshcore/apps/scp_protocol.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace proto = sshcore::apps::scp;

TEST(ScpProtocol, ParsesRecords) {
  auto c = proto::parse_record("C0644 12 name with spaces");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, proto::RecordKind::kFile);
  EXPECT_EQ(c->mode, 0644u);
  EXPECT_EQ(c->size, 12u);
  EXPECT_EQ(c->name, "name with spaces");
  auto d = proto::parse_record("D4755 0 dir");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, proto::RecordKind::kDirectory);
  EXPECT_EQ(d->mode, 04755u);
  auto t = proto::parse_record("T1700000000 0 1600000000 0");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->mtime, 1700000000u);
  EXPECT_EQ(t->atime, 1600000000u);
  EXPECT_TRUE(t->times_in_range);
  EXPECT_EQ(proto::parse_record("E")->kind, proto::RecordKind::kEndDirectory);
  auto w = proto::parse_record("\1scp: /x: No such file or directory");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, proto::RecordKind::kWarning);
  EXPECT_EQ(w->message, "scp: /x: No such file or directory\n");
  EXPECT_EQ(proto::parse_record("\2bye")->kind, proto::RecordKind::kFatal);
  // A time past time_t is ignored, not an error (OpenSSH's TYPE_OVERFLOW).
  auto big = proto::parse_record("T99999999999999999999 0 1 0");
  ASSERT_TRUE(big);
  EXPECT_FALSE(big->times_in_range);
}

TEST(ScpProtocol, RefusesGarbageWithOpenSshReasons) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "unexpected <newline>"},
      {"X", "expected control record"},
      {"hello", "expected control record"},
      {"C", "bad mode"},
      {"C08", "bad mode"},
      {"C064", "bad mode"},
      {"C0644", "mode not delimited"},
      {"C0644x", "mode not delimited"},
      {"C0644 ", "size not present"},
      {"C0644 -1 x", "size not present"},
      {"C0644 12", "size not delimited"},
      {"C0644 12x", "size not delimited"},
      {"C0644 99999999999999999999 x", "size out of range"},
      {"C0644 9223372036854775808 x", "size out of range"},
      {"T", "mtime.sec not present"},
      {"T1", "mtime.sec not delimited"},
      {"T1 x", "mtime.usec not delimited"},
      {"T1 1000000 2 0", "mtime.usec not delimited"},
      {"T1 -1 2 0", "mtime.usec not delimited"},
      {"T1 0", "mtime.usec not delimited"},
      {"T1 0 ", "atime.sec not present"},
      {"T1 0 2", "atime.sec not delimited"},
      {"T1 0 2 0 ", "atime.usec not delimited"},
      {"T1 0 2 x", "atime.usec not delimited"},
  };
  for (const auto& [line, reason] : cases) {
    auto r = proto::parse_record(line);
    ASSERT_FALSE(r) << line;
    EXPECT_EQ(r.error().code, sshcore::Errc::kInvalidFormat);
    EXPECT_EQ(r.error().detail, reason) << line;
  }
  // Random bytes never crash and never yield a C/D record with a bad mode.
  std::string junk;
  for (int i = 0; i < 5000; ++i) {
    junk.assign(static_cast<std::size_t>(i % 40), '\0');
    for (std::size_t j = 0; j < junk.size(); ++j) junk[j] = static_cast<char>((i * 131 + j * 71) & 0xff);
    if (!junk.empty() && i % 3 == 0) junk[0] = "CDT"[i % 9 / 3];
    auto r = proto::parse_record(junk);
    if (r && (r->kind == proto::RecordKind::kFile || r->kind == proto::RecordKind::kDirectory)) {
      EXPECT_LE(r->mode, 07777u);
    }
  }
}

TEST(ScpProtocol, FormatsLikeOpenSsh) {
  EXPECT_EQ(proto::format_file(0100644, 5, "a b"), "C0644 5 a b\n");
  EXPECT_EQ(proto::format_file(0104755, 0, "x"), "C4755 0 x\n");
  EXPECT_EQ(proto::format_directory(040700, "d"), "D0700 0 d\n");
  EXPECT_EQ(proto::format_times(1700000000, -5), "T1700000000 0 0 0\n");
}

TEST(ScpProtocol, NameChecks) {
  EXPECT_TRUE(proto::name_is_single_component("file"));
  EXPECT_TRUE(proto::name_is_single_component("..."));
  EXPECT_FALSE(proto::name_is_single_component(""));
  EXPECT_FALSE(proto::name_is_single_component("."));
  EXPECT_FALSE(proto::name_is_single_component(".."));
  EXPECT_FALSE(proto::name_is_single_component("../x"));
  EXPECT_FALSE(proto::name_is_single_component("a/b"));
  auto p = proto::requested_name_patterns("/tmp/{a,b{1,2}}*.txt");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->size(), 3u);
  EXPECT_TRUE(proto::name_matches_request(*p, "a.txt"));
  EXPECT_TRUE(proto::name_matches_request(*p, "b2x.txt"));
  EXPECT_FALSE(proto::name_matches_request(*p, "b3.txt"));
  EXPECT_FALSE(proto::name_matches_request(*p, "evil"));
  auto literal = proto::requested_name_patterns("dir/find{}");  // "{}" is literal, as csh
  ASSERT_TRUE(literal);
  EXPECT_EQ(*literal, std::vector<std::string>{"find{}"});
  EXPECT_FALSE(proto::requested_name_patterns("/x/{a,b"));
  EXPECT_FALSE(proto::requested_name_patterns("/x/a}"));
  EXPECT_FALSE(proto::requested_name_patterns("/x/[ab"));
  // An exploding pattern is refused rather than expanded.
  std::string bomb;
  for (int i = 0; i < 20; ++i) bomb += "{a,b}";
  EXPECT_FALSE(proto::requested_name_patterns(bomb));
}

// Runs our sink against `peer_bytes` (what a source sends); returns what the sink
// answered and whether it completed.
struct SinkRun {
  scp::Flow flow;
  std::string answer;
  int errors;
};

SinkRun run_sink(const std::string& target, const std::string& peer_bytes, const std::string& requested,
                 scp::SinkOptions options = {}) {
  int to_sink[2], from_sink[2];
  EXPECT_EQ(::pipe(to_sink), 0);
  EXPECT_EQ(::pipe(from_sink), 0);
  std::thread feeder([&] {
    std::string_view rest(peer_bytes);
    while (!rest.empty()) {
      ssize_t n = ::write(to_sink[1], rest.data(), rest.size());
      if (n <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ::close(to_sink[1]);
  });
  SinkRun out{};
  {
    scp::LegacyChannel ch(to_sink[0], from_sink[1], true, 0);
    auto accepted = requested.empty() ? std::vector<std::string>{} : scp::accepted_names(requested, options).value();
    out.flow = scp::receive_into(ch, {target}, std::move(accepted), options);
    out.errors = ch.errors();
  }
  ::close(from_sink[1]);
  feeder.join();
  char buf[4096];
  ssize_t n;
  while ((n = ::read(from_sink[0], buf, sizeof buf)) > 0) out.answer.append(buf, static_cast<std::size_t>(n));
  ::close(to_sink[0]);
  ::close(from_sink[0]);
  return out;
}

TEST(ScpLegacySink, ReceivesFilesDirectoriesAndTimes) {
  sshpp::test::TempDir dir;
  scp::SinkOptions o;
  o.recursive = true;
  o.preserve = true;
  std::string stream = std::string("T1600000000 0 1500000000 0\nC0640 3 f\nabc") + '\0' + "D0750 0 sub\n" +
                       "C0600 0 empty\n" + '\0' + "E\n";
  SinkRun r = run_sink(dir.path(), stream, "", o);
  EXPECT_EQ(r.flow, scp::Flow::kContinue);
  EXPECT_EQ(r.errors, 0);
  // One \0 to start, then one for T, two for C (header, data), one for D's nested start,
  // two for the empty C, one for E.
  EXPECT_EQ(r.answer, std::string(8, '\0'));
  struct stat st;
  ASSERT_EQ(::stat((dir / "f").c_str(), &st), 0);  // before reading it, which moves atime
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_mtime, 1600000000);
  EXPECT_EQ(st.st_atime, 1500000000);
  EXPECT_EQ(sshpp::test::read_text(dir / "f"), "abc");
  ASSERT_EQ(::stat((dir / "sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  ASSERT_EQ(::stat((dir / "sub/empty").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);
}

TEST(ScpLegacySink, GarbageEndsWithACleanProtocolError) {
  const std::pair<std::string, std::string> cases[] = {
      {"C0644 3 x\nab", ""},                                    // source vanished mid-file
      {"Cxyz\n", "\1scp: protocol error: bad mode\n"},
      {"T1 0\n", "\1scp: protocol error: mtime.usec not delimited\n"},
      {std::string("C0644 1 a\nz") + '\0' + "junk\n", "\1scp: protocol error: expected control record\n"},
      {"C0644 1 ../evil\nz", "\1scp: error: unexpected filename: ../evil\n"},
      {"C0644 1 a/b\nz", "\1scp: error: unexpected filename: a/b\n"},
      {"D0755 0 d\n", "\1scp: protocol error: received directory without -r\n"},
      {"\n", "\1scp: protocol error: unexpected <newline>\n"},
      {"not a record\n", "\1scp: not a record\n"},
  };
  for (const auto& [stream, tail] : cases) {
    sshpp::test::TempDir dir;
    SinkRun r = run_sink(dir.path(), stream, "");
    EXPECT_EQ(r.flow, scp::Flow::kAbort) << stream;
    EXPECT_GT(r.errors, 0) << stream;
    ASSERT_GE(r.answer.size(), tail.size());
    EXPECT_EQ(r.answer.substr(r.answer.size() - tail.size()), tail) << stream;
  }
}

TEST(ScpLegacySink, StrictFilenameChecking) {
  sshpp::test::TempDir dir;
  std::string stream = std::string("C0644 1 other\nz") + '\0';
  SinkRun strict = run_sink(dir.path(), stream, "/remote/wanted");
  EXPECT_EQ(strict.flow, scp::Flow::kAbort);
  EXPECT_NE(strict.answer.find("protocol error: filename does not match request"), std::string::npos);
  EXPECT_NE(::access((dir / "other").c_str(), F_OK), 0);
  scp::SinkOptions lax;
  lax.strict_names = false;  // -T
  SinkRun relaxed = run_sink(dir.path(), stream, "/remote/wanted", lax);
  EXPECT_EQ(relaxed.flow, scp::Flow::kContinue);
  EXPECT_EQ(sshpp::test::read_text(dir / "other"), "z");
}

TEST(ScpLegacySink, PeerErrorsAreCountedAndTheTransferGoesOn) {
  sshpp::test::TempDir dir;
  std::string stream = std::string("\1scp: /gone: No such file or directory\nC0644 1 a\nz") + '\0';
  SinkRun r = run_sink(dir.path(), stream, "");
  EXPECT_EQ(r.flow, scp::Flow::kContinue);
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(sshpp::test::read_text(dir / "a"), "z");
  SinkRun fatal = run_sink(dir.path(), "\2fatal\n", "");
  EXPECT_EQ(fatal.flow, scp::Flow::kAbort);
}

TEST(ScpLegacySource, SendsWhatOpenSshSends) {
  sshpp::test::TempDir dir;
  sshpp::test::write_text(dir / "f", "hello", 0640);
  struct timeval tv[2] = {{1500000000, 0}, {1600000000, 0}};
  ASSERT_EQ(::utimes((dir / "f").c_str(), tv), 0);
  int to_source[2], from_source[2];
  ASSERT_EQ(::pipe(to_source), 0);
  ASSERT_EQ(::pipe(from_source), 0);
  // The sink's answers: T ok, C ok, data ok.
  ASSERT_EQ(::write(to_source[1], "\0\0\0", 3), 3);
  scp::SourceOptions so;
  so.preserve = true;
  scp::Flow f;
  {
    scp::LegacyChannel ch(to_source[0], from_source[1], true, 0);
    f = scp::send_paths(ch, {dir / "f", dir / "missing"}, so);
  }
  ::close(from_source[1]);
  std::string sent;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(from_source[0], buf, sizeof buf)) > 0) sent.append(buf, static_cast<std::size_t>(n));
  EXPECT_EQ(f, scp::Flow::kContinue);
  EXPECT_EQ(sent, std::string("T1600000000 0 1500000000 0\nC0640 5 f\nhello") + '\0' + "\1scp: " + (dir / "missing") +
                      ": No such file or directory\n");
  for (int fd : {to_source[0], to_source[1], from_source[0]}) ::close(fd);
}

TEST(ScpLegacySource, NamesWithNewlinesAreMadeVisible) {
  EXPECT_EQ(scp::visible_name("a\nb"), "a\\^Jb");
  EXPECT_EQ(scp::visible_name("back\\slash\n"), "back\\\\slash\\^J");
  EXPECT_EQ(scp::visible_name("\xe9\n"), "\\M-i\\^J");
}

}  // namespace
