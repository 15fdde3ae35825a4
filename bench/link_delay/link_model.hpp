// The emulated link of one direction: a drop-tail queue in front of a wire of a
// fixed bit rate, followed by a fixed propagation delay. Pure arithmetic on
// nanosecond clocks, so that `link_delay --self-check` can test it without TUN
// devices or root. The benchmark's WAN figures are only as good as this model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace linkdelay {

struct LinkParams {
    int64_t delay_ns = 50'000'000;          // one way: 50 ms, so 100 ms round trip
    int64_t rate_bits_per_s = 1'000'000'000;
    int64_t queue_limit_bytes = 25'000'000;  // 2 x the 12.5 MB bandwidth-delay product
};

struct QueuedPacket {
    int64_t due_ns = 0;  // when it leaves the far end of the wire
    std::vector<uint8_t> bytes;
};

struct LinkStats {
    uint64_t accepted = 0;
    uint64_t dropped = 0;
    uint64_t delivered = 0;
    uint64_t delivered_bytes = 0;
};

// One direction. Packets leave in the order they arrived (the wire is FIFO and the
// delay constant), so a deque ordered by due time is the whole scheduler.
class LinkDirection {
public:
    explicit LinkDirection(LinkParams params) : params_(params) {}

    // Schedules a packet of `size` bytes arriving at `now_ns`; returns its due
    // time, or -1 when the queue in front of the wire is full (the packet is lost,
    // as at a real bottleneck router, which is what makes TCP back off).
    int64_t schedule(int64_t now_ns, std::size_t size) {
        int64_t start = link_free_ns_ > now_ns ? link_free_ns_ : now_ns;
        int64_t backlog_ns = start - now_ns;
        // Bytes still waiting to be serialized when this one arrives.
        auto backlog_bytes = static_cast<int64_t>(static_cast<double>(backlog_ns) * static_cast<double>(params_.rate_bits_per_s) / 8e9);
        if (backlog_bytes + static_cast<int64_t>(size) > params_.queue_limit_bytes) {
            ++stats_.dropped;
            return -1;
        }
        // size <= 256 KiB, so size * 8e9 stays far inside int64_t.
        int64_t wire_ns = static_cast<int64_t>(size) * 8'000'000'000 / params_.rate_bits_per_s;
        link_free_ns_ = start + wire_ns;
        ++stats_.accepted;
        return link_free_ns_ + params_.delay_ns;
    }

    // Queues the packet's bytes if schedule() accepted it; `wire_size` is what it
    // costs the link (differs from `size` for offloaded super-packets).
    bool offer(int64_t now_ns, const uint8_t* data, std::size_t size, std::size_t wire_size) {
        int64_t due = schedule(now_ns, wire_size);
        if (due < 0) return false;
        QueuedPacket packet;
        if (!spare_.empty()) {
            packet.bytes = std::move(spare_.back());
            spare_.pop_back();
        }
        packet.bytes.assign(data, data + size);
        packet.due_ns = due;
        queue_.push_back(std::move(packet));
        return true;
    }

    bool has_due(int64_t now_ns) const { return !queue_.empty() && queue_.front().due_ns <= now_ns; }
    int64_t next_due_ns() const { return queue_.empty() ? -1 : queue_.front().due_ns; }
    const QueuedPacket& front() const { return queue_.front(); }

    // Drops the front after it was written out; keeps its buffer for reuse, since
    // a full link holds tens of thousands of packets and malloc per packet shows.
    void pop_delivered() {
        ++stats_.delivered;
        stats_.delivered_bytes += queue_.front().bytes.size();
        if (spare_.size() < 4096) spare_.push_back(std::move(queue_.front().bytes));
        queue_.pop_front();
    }

    std::size_t queued() const { return queue_.size(); }
    const LinkStats& stats() const { return stats_; }

private:
    LinkParams params_;
    int64_t link_free_ns_ = 0;  // when the wire finishes the last accepted packet
    std::deque<QueuedPacket> queue_;
    std::vector<std::vector<uint8_t>> spare_;
    LinkStats stats_;
};

}  // namespace linkdelay
