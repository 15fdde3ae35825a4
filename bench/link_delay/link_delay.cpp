// link_delay: the emulated WAN link of scripts/bench_link.sh (this kernel has no
// netem). It creates two TUN devices; whatever the kernel routes into one comes
// out of the other after the one-way delay, paced to the link rate through a
// bounded drop-tail queue (link_model.hpp). The script moves each device into its
// own network namespace, so the two namespaces see one another across the link.
//
//   link_delay --dev-a NAME --dev-b NAME [--delay-ms 50] [--rate-mbit 1000]
//              [--queue-bytes N] [--offload on|off] [--ready-file PATH]
//   link_delay --self-check      (tests the link model; no root, no devices)
//
// Runs until SIGTERM/SIGINT, then prints per-direction counters on stderr.
#include "link_model.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

using linkdelay::LinkDirection;
using linkdelay::LinkParams;

volatile sig_atomic_t stop_requested = 0;
void on_stop(int) { stop_requested = 1; }

int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// With offloads on, the kernel hands us TSO super-packets (up to 64 KiB, with a
// virtio_net_hdr in front) and takes them back the same way: some 40 times fewer
// packets per second through this program, whose CPU would otherwise be the
// bottleneck of a 1 Gbit/s link on a small machine. The header is forwarded
// untouched; the link is charged the bytes the segments would take on a wire.
bool g_offload = true;

// struct virtio_net_hdr of <linux/virtio_net.h> (which does not compile as C++:
// a member is named `class`), host byte order as TUN uses it by default.
struct VnetHeader {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
};
constexpr uint8_t kGsoNone = 0, kGsoEcnBit = 0x80;
constexpr std::size_t kVnetHeaderSize = sizeof(VnetHeader);
static_assert(kVnetHeaderSize == 10);

int open_tun(const std::string& name) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        std::perror("link_delay: /dev/net/tun");
        std::exit(1);
    }
    ifreq ifr{};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;  // bare IP packets: what a router forwards
    if (g_offload) ifr.ifr_flags |= IFF_VNET_HDR;
    std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name.c_str());
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        std::fprintf(stderr, "link_delay: TUNSETIFF %s: %s\n", name.c_str(), std::strerror(errno));
        std::exit(1);
    }
    if (g_offload && ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0) {
        std::fprintf(stderr, "link_delay: TUNSETOFFLOAD %s: %s\n", name.c_str(), std::strerror(errno));
        std::exit(1);
    }
    return fd;
}

// What the packet would occupy on a wire: without its virtio header, and with
// the IP+TCP headers repeated for every segment of a TSO super-packet.
std::size_t wire_bytes(const uint8_t* packet, std::size_t size) {
    if (!g_offload) return size;
    if (size < kVnetHeaderSize) return size;
    VnetHeader header{};
    std::memcpy(&header, packet, sizeof header);
    std::size_t bytes = size - kVnetHeaderSize;
    if ((header.gso_type & ~kGsoEcnBit) == kGsoNone || header.gso_size == 0) return bytes;
    std::size_t headers = header.hdr_len, payload = bytes > headers ? bytes - headers : 0;
    std::size_t segments = (payload + header.gso_size - 1) / header.gso_size;
    return bytes + (segments > 1 ? (segments - 1) * headers : 0);
}

// Reads what the kernel sent into `from` (bounded per wake-up, so the other
// direction and the due packets are not starved) and queues it on `link`.
void read_side(int from, LinkDirection& link, uint8_t* buffer, size_t capacity) {
    for (int i = 0; i < 512; ++i) {
        ssize_t n = read(from, buffer, capacity);
        if (n <= 0) return;  // EAGAIN: drained
        link.offer(now_ns(), buffer, size_t(n), wire_bytes(buffer, size_t(n)));
    }
}

void write_due(int to, LinkDirection& link, int64_t now) {
    while (link.has_due(now)) {
        const auto& bytes = link.front().bytes;
        // A TUN write hands the packet to the receiving stack; it does not block.
        (void)!write(to, bytes.data(), bytes.size());
        link.pop_delivered();
    }
}

int run_link(const std::string& dev_a, const std::string& dev_b, LinkParams params, const std::string& ready_file) {
    int fd_a = open_tun(dev_a);
    int fd_b = open_tun(dev_b);
    LinkDirection a_to_b(params), b_to_a(params);
    // Default timer slack (50 us) would bunch deliveries; 1 us keeps the pacing.
    prctl(PR_SET_TIMERSLACK, 1000UL);
    std::signal(SIGTERM, on_stop);
    std::signal(SIGINT, on_stop);
    if (!ready_file.empty()) {
        FILE* f = std::fopen(ready_file.c_str(), "w");
        if (f) std::fclose(f);
    }
    std::vector<uint8_t> buffer(256 * 1024);  // a TSO super-packet is at most 64 KiB + header
    while (!stop_requested) {
        int64_t now = now_ns();
        write_due(fd_b, a_to_b, now);
        write_due(fd_a, b_to_a, now);
        int64_t next = -1;
        for (int64_t due : {a_to_b.next_due_ns(), b_to_a.next_due_ns()})
            if (due >= 0 && (next < 0 || due < next)) next = due;
        timespec timeout{};
        timespec* timeout_ptr = nullptr;
        if (next >= 0) {
            int64_t wait = next - now_ns();
            if (wait < 0) wait = 0;
            timeout = {time_t(wait / 1'000'000'000), long(wait % 1'000'000'000)};
            timeout_ptr = &timeout;
        }
        pollfd fds[2] = {{fd_a, POLLIN, 0}, {fd_b, POLLIN, 0}};
        int ready = ppoll(fds, 2, timeout_ptr, nullptr);
        if (ready < 0 && errno != EINTR) {
            std::perror("link_delay: ppoll");
            return 1;
        }
        if (ready > 0) {
            if (fds[0].revents & POLLIN) read_side(fd_a, a_to_b, buffer.data(), buffer.size());
            if (fds[1].revents & POLLIN) read_side(fd_b, b_to_a, buffer.data(), buffer.size());
        }
    }
    for (auto [name, link] : {std::pair{"a->b", &a_to_b}, std::pair{"b->a", &b_to_a}}) {
        const auto& s = link->stats();
        std::fprintf(stderr, "link_delay %s: %llu packets delivered (%llu bytes), %llu dropped at the queue\n", name,
                     (unsigned long long)s.delivered, (unsigned long long)s.delivered_bytes,
                     (unsigned long long)s.dropped);
    }
    return 0;
}

// --self-check: the link model against hand-computed figures.
int expect(bool ok, const char* what) {
    std::fprintf(stderr, "%s: %s\n", ok ? "ok  " : "FAIL", what);
    return ok ? 0 : 1;
}

int self_check() {
    int failures = 0;
    LinkParams params;  // 50 ms, 1 Gbit/s, 25 MB queue
    {
        LinkDirection link(params);
        // 1500 bytes take 12 us on the wire, then 50 ms of propagation.
        failures += expect(link.schedule(0, 1500) == 12'000 + 50'000'000, "lone packet: 12 us wire time + 50 ms");
        // A second one at the same instant waits for the first.
        failures += expect(link.schedule(0, 1500) == 24'000 + 50'000'000, "back-to-back packet is paced behind it");
        // Once the wire is idle again, no backlog carries over.
        failures += expect(link.schedule(1'000'000'000, 100) == 1'000'000'000 + 800 + 50'000'000,
                           "idle wire: no leftover backlog");
    }
    {
        // A burst far beyond the queue: about queue_limit bytes are accepted, the rest dropped.
        LinkDirection link(params);
        uint64_t accepted = 0;
        for (int i = 0; i < 40'000; ++i)
            if (link.schedule(0, 1500) >= 0) ++accepted;
        failures += expect(accepted >= 25'000'000 / 1500 - 1 && accepted <= 25'000'000 / 1500 + 1,
                           "burst: queue bounded at 25 MB (16666 packets of 1500)");
        failures += expect(link.stats().dropped == 40'000 - accepted, "burst: the excess is dropped");
    }
    {
        // Offered at twice the link rate for one simulated second: delivered rate is the link rate.
        LinkDirection link(params);
        std::vector<uint8_t> packet(1500, 0xab);
        int64_t last_due = 0;
        bool in_order = true;
        for (int64_t t = 0; t < 1'000'000'000; t += 6'000) {  // 1500 B every 6 us = 2 Gbit/s
            link.offer(t, packet.data(), packet.size(), packet.size());
        }
        uint64_t delivered_in_window = 0;
        while (link.queued() > 0) {
            int64_t due = link.front().due_ns;
            if (due < last_due) in_order = false;
            last_due = due;
            if (due <= 1'050'000'000) delivered_in_window += link.front().bytes.size();
            link.pop_delivered();
        }
        failures += expect(in_order, "overload: delivered in arrival order");
        double rate = double(delivered_in_window) * 8 / 1.0;  // bits in the one second after the delay
        failures += expect(rate > 0.99e9 && rate < 1.01e9, "overload: delivered at 1 Gbit/s, no faster");
        failures += expect(link.stats().dropped > 0, "overload: the queue overflowed and dropped");
    }
    if (failures == 0) std::fprintf(stderr, "link_delay self-check passed\n");
    return failures == 0 ? 0 : 1;
}

int64_t number_arg(const char* text, const char* name) {
    char* end = nullptr;
    long long value = std::strtoll(text, &end, 10);
    if (!end || *end || value <= 0) {
        std::fprintf(stderr, "link_delay: bad %s: %s\n", name, text);
        std::exit(2);
    }
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dev_a, dev_b, ready_file;
    LinkParams params;
    bool queue_given = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--self-check") return self_check();
        if (i + 1 >= argc) {
            std::fprintf(stderr, "link_delay: %s needs a value\n", arg.c_str());
            return 2;
        }
        const char* value = argv[++i];
        if (arg == "--dev-a") dev_a = value;
        else if (arg == "--dev-b") dev_b = value;
        else if (arg == "--ready-file") ready_file = value;
        else if (arg == "--delay-ms") params.delay_ns = number_arg(value, arg.c_str()) * 1'000'000;
        else if (arg == "--rate-mbit") params.rate_bits_per_s = number_arg(value, arg.c_str()) * 1'000'000;
        else if (arg == "--offload") g_offload = std::string(value) != "off";
        else if (arg == "--queue-bytes") params.queue_limit_bytes = number_arg(value, arg.c_str()), queue_given = true;
        else {
            std::fprintf(stderr, "link_delay: unknown option %s\n", arg.c_str());
            return 2;
        }
    }
    if (dev_a.empty() || dev_b.empty()) {
        std::fprintf(stderr, "usage: link_delay --dev-a NAME --dev-b NAME [--delay-ms 50] [--rate-mbit 1000]\n"
                             "                  [--queue-bytes N] [--offload on|off] [--ready-file PATH] | --self-check\n");
        return 2;
    }
    // Default queue: twice the bandwidth-delay product of the round trip.
    if (!queue_given) params.queue_limit_bytes = 2 * params.rate_bits_per_s / 8 * (2 * params.delay_ns) / 1'000'000'000;
    return run_link(dev_a, dev_b, params, ready_file);
}
