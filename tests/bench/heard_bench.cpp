// heard-bench: Heard measured from outside, through its real protocol, next
// to a bare relay (heard-bare-relay: epoll, OpenSSL 3, WebSocket framing and
// nothing else) in the same run on the same machine. The server under test
// runs on core 0, this load generator on core 1 (epoll and OpenSSL, one
// thread, no per-message allocation of its own beyond protobuf's). Prints:
// open-loop p50/p99 latency, closed-loop messages a second, server CPU (and its
// kernel share), heap allocations and page faults per relayed message, memory
// per idle connection, setup CPU per connection, and a capacity run with RSS
// before and after.
// `make bench` runs it; docs/performance.md explains the figures.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <openssl/rand.h>

#include <unordered_map>

#include "codec.hpp"
#include "heard/v1/heard.pb.h"
#include "invite_code.hpp"
#include "session_keys.hpp"
#include "session_target.hpp"
#include "ws_frames.hpp"

namespace heard::bench {
namespace {

using clock_type = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

void pin_to_core(int core) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(core, &set);
  sched_setaffinity(0, sizeof set, &set);
}

void raise_file_limit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
}

// --- The server under test -------------------------------------------------------

enum class target { bare, heard };

struct options {
  std::string heard_server;
  std::string bare_relay;
  std::string alloc_counter;
  std::string certs;
  int idle_pairs = 2000;
  int open_pairs = 50;
  int open_rate = 200;  // messages a second per pair
  int closed_pairs = 100;
  double seconds = 5;
  int capacity_pairs = 10000;
  int capacity_workers = 2;
  // Rounds of the idle, open- and closed-loop runs, the bare relay and heard
  // alternating: each figure is the median of its rounds, so a moment when
  // this shared machine is busier moves one round, not the result.
  int rounds = 3;
};

class server_process {
 public:
  server_process(target kind, const options& o, const std::vector<std::string>& extra) {
    char name[] = "/tmp/heard-bench-allocs-XXXXXX";
    const int fd = mkstemp(name);
    alloc_file_ = name;
    if (ftruncate(fd, 4096) != 0) std::perror("ftruncate");
    allocs_ = static_cast<unsigned long long*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    close(fd);
    std::vector<std::string> argv;
    if (kind == target::heard) {
      argv = {o.heard_server,
              "--port",
              "0",
              "--threads",
              "1",
              "--cert",
              o.certs + "/server.crt",
              "--key",
              o.certs + "/server.key",
              "--log-level",
              "error",
              "--max-messages-per-s",
              "1000000",
              "--max-message-burst",
              "1000000",
              "--max-connections-per-ip",
              "1000000",
              "--max-joins-per-ip-per-minute",
              "100000000",
              "--max-sessions",
              "1000000",
              "--max-connections",
              "1000000"};
    } else {
      argv = {o.bare_relay, o.certs + "/server.crt", o.certs + "/server.key"};
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) std::perror("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      pin_to_core(0);
      dup2(out[1], 1);
      setenv("LD_PRELOAD", o.alloc_counter.c_str(), 1);
      setenv("HEARD_ALLOC_COUNT_FILE", alloc_file_.c_str(), 1);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = out[0];
    std::string seen;
    char c;
    while (read(stdout_, &c, 1) == 1) {
      if (c != '\n') {
        seen.push_back(c);
        continue;
      }
      const auto at = seen.find("127.0.0.1:");
      if (at != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::stoi(seen.substr(at + 10)));
        break;
      }
      seen.clear();
    }
    if (port_ == 0) throw std::runtime_error("the server under test did not start: " + argv[0]);
  }

  ~server_process() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = 0;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(stdout_);
    munmap(allocs_, 4096);
    unlink(alloc_file_.c_str());
  }

  std::uint16_t port() const { return port_; }
  unsigned long long allocations() const { return __atomic_load_n(allocs_, __ATOMIC_RELAXED); }

  struct usage {
    double cpu_us = 0;                    // user and system CPU so far
    unsigned long long minor_faults = 0;  // pages the kernel had to map (and zero) so far
    double system_cpu_us = 0;             // of cpu_us, in the kernel (system calls, the network stack)
  };
  /// From /proc/PID/stat.
  usage used() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string skip;
    unsigned long long minflt = 0, utime = 0, stime = 0;
    for (int i = 3; i <= 9; ++i) fields >> skip;
    fields >> minflt;
    for (int i = 11; i <= 13; ++i) fields >> skip;
    fields >> utime >> stime;
    const double us_per_tick = 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
    return {static_cast<double>(utime + stime) * us_per_tick, minflt, static_cast<double>(stime) * us_per_tick};
  }
  double cpu_us() const { return used().cpu_us; }

  double rss_kib() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6));
    }
    return 0;
  }

 private:
  pid_t pid_ = 0;
  int stdout_ = -1;
  std::uint16_t port_ = 0;
  std::string alloc_file_;
  unsigned long long* allocs_ = nullptr;
};

// --- One client connection ------------------------------------------------------------

struct connection {
  int fd = -1;
  SSL* ssl = nullptr;
  std::string in;
  std::string out;  // framed bytes SSL_write could not take yet
  int pair = 0;
  bool speaker = false;
  std::uint64_t last_seq = 0;
  std::uint64_t acked_seq = 0;
  std::uint64_t next_input = 1;
  std::int64_t last_sent_ns = 0;
  bool want_write = false;
  std::size_t index = 0;  // in the traffic run's list, for epoll
  // Heard: this member's end-to-end keys and the session as it last saw it,
  // so the speaker seals its drafts as heard does (protocol 3).
  std::unique_ptr<heard::session_keys> keys;
  v1::Snapshot snapshot;
  // The speaker's drafts on their way, by counter (input id): when each was due.
  std::unordered_map<std::uint64_t, std::int64_t> due_ns;

  ~connection() {
    if (ssl) SSL_free(ssl);
    if (fd >= 0) close(fd);
  }
};

/// Opens TLS and the WebSocket upgrade, blocking (with a deadline).
std::unique_ptr<connection> open_connection(SSL_CTX* ctx, std::uint16_t port, const std::string& path) {
  auto c = std::make_unique<connection>();
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0) return nullptr;
  const int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval five{5, 0};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof five);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(c->fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return nullptr;
  c->ssl = SSL_new(ctx);
  SSL_set_fd(c->ssl, c->fd);
  SSL_set_tlsext_host_name(c->ssl, "localhost");
  if (SSL_connect(c->ssl) != 1) return nullptr;
  const std::string request = "GET " + path +
                              " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (SSL_write(c->ssl, request.data(), static_cast<int>(request.size())) <= 0) return nullptr;
  char buffer[4096];
  while (c->in.find("\r\n\r\n") == std::string::npos) {
    const int n = SSL_read(c->ssl, buffer, sizeof buffer);
    if (n <= 0) return nullptr;
    c->in.append(buffer, static_cast<std::size_t>(n));
  }
  if (c->in.rfind("HTTP/1.1 101", 0) != 0) return nullptr;
  c->in.erase(0, c->in.find("\r\n\r\n") + 4);
  return c;
}

bool write_all_blocking(connection& c, const std::string& bytes) {
  return SSL_write(c.ssl, bytes.data(), static_cast<int>(bytes.size())) == static_cast<int>(bytes.size());
}

/// Sends `m` carrying, as every message of heard's does, the highest seq handled.
void send_blocking(connection& c, v1::ClientMessage m) {
  m.set_ack(c.last_seq);
  c.acked_seq = c.last_seq;
  std::string framed;
  append_frame(framed, op_binary, m.SerializeAsString(), true);
  write_all_blocking(c, framed);
}

/// The next server message, blocking (pings answered on the way).
std::optional<v1::ServerMessage> read_blocking(connection& c) {
  char buffer[16384];
  for (;;) {
    if (auto f = next_frame(c.in, 0)) {
      const std::string payload(f->payload);
      const auto op = f->op;
      c.in.erase(0, f->size);
      if (op == op_ping) {
        std::string pong;
        append_frame(pong, op_pong, payload, true);
        write_all_blocking(c, pong);
        continue;
      }
      if (op == op_close) return std::nullopt;
      v1::ServerMessage m;
      if (!m.ParseFromString(payload)) return std::nullopt;
      if (m.seq() > c.last_seq) c.last_seq = m.seq();
      return m;
    }
    const int n = SSL_read(c.ssl, buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    c.in.append(buffer, static_cast<std::size_t>(n));
  }
}

v1::ClientMessage hello() {
  v1::ClientMessage m;
  m.mutable_hello()->set_protocol_version(protocol_version);
  m.mutable_hello()->set_min_version(protocol_version);
  m.mutable_hello()->set_max_version(protocol_version);
  return m;
}

void random_fill(unsigned char* out, std::size_t size) { RAND_bytes(out, static_cast<int>(size)); }

void send_keys(connection& c) {
  if (auto k = c.keys->step(c.snapshot)) {
    v1::ClientMessage m;
    *m.mutable_keys() = *k;
    m.set_input_id(c.next_input++);
    send_blocking(c, m);
  }
}

// Reads `c`'s messages until `done` holds for its snapshot, sending its Keys as they fall due.
bool exchange_until(connection& c, const std::function<bool(const v1::Snapshot&)>& done) {
  for (int i = 0; i < 20; ++i) {
    send_keys(c);
    if (done(c.snapshot)) return true;
    auto m = read_blocking(c);
    if (!m || m->has_error()) return false;
    if (m->has_state_changed()) c.snapshot = m->state_changed().snapshot();
  }
  return false;
}

bool wait_speaking(connection& c) {
  for (int i = 0; i < 20; ++i) {
    auto m = read_blocking(c);
    if (!m) return false;
    if (m->has_state_changed() && m->state_changed().snapshot().phase() == v1::PHASE_SPEAKING) return true;
    if (m->has_error()) return false;
  }
  return false;
}

/// One pair, set up the way each server wants: Heard through its protocol
/// (create, join, both ready: the creator holds the floor), the bare relay
/// by a shared path. Empty on failure (the server is full, say).
std::vector<std::unique_ptr<connection>> open_pair(SSL_CTX* ctx, target kind, std::uint16_t port, int index,
                                                   std::mt19937& random) {
  std::vector<std::unique_ptr<connection>> both;
  if (kind == target::bare) {
    const std::string path = "/pair/" + std::to_string(index);
    auto a = open_connection(ctx, port, path);
    if (!a) return {};
    auto b = open_connection(ctx, port, path);
    if (!b) return {};
    both.push_back(std::move(a));
    both.push_back(std::move(b));
  } else {
    std::string bytes;
    for (std::size_t k = 0; k < route_random_bytes; ++k) bytes.push_back(static_cast<char>(random() & 0xFF));
    const auto route = route_from_random(bytes);
    auto a = open_connection(ctx, port, session_target_for(route));
    if (!a) return {};
    auto create = hello();
    create.mutable_hello()->mutable_create();
    send_blocking(*a, create);
    auto welcome = read_blocking(*a);
    if (!welcome || !welcome->has_welcome() || welcome->welcome().invites().empty()) return {};
    const std::string code = welcome->welcome().invites(0).code();
    a->keys = std::make_unique<heard::session_keys>(welcome->welcome().session_key(), v1::SEAT_A, random_fill);
    a->snapshot = welcome->welcome().snapshot();
    send_keys(*a);  // the commitment
    auto b = open_connection(ctx, port, session_target_for(route));
    if (!b) return {};
    auto join = hello();
    join.mutable_hello()->set_join_code(code);
    send_blocking(*b, join);
    auto joined = read_blocking(*b);
    if (!joined || !joined->has_welcome()) return {};
    b->keys = std::make_unique<heard::session_keys>(joined->welcome().session_key(), v1::SEAT_B, random_fill);
    b->snapshot = joined->welcome().snapshot();
    // The exchange, as heard does it: both commit, both reveal, then READY
    // (driven in turn: each side's next step needs the other's last).
    const auto ready_phase = [](const v1::Snapshot& s) { return s.phase() == v1::PHASE_READY; };
    const auto b_committed = [](const v1::Snapshot& s) { return !member_of(s, v1::SEAT_B).key_commitment().empty(); };
    if (!exchange_until(*b, b_committed) || !exchange_until(*a, ready_phase) || !exchange_until(*b, ready_phase)) {
      return {};
    }
    for (auto* c : {a.get(), b.get()}) {
      v1::ClientMessage ready;
      ready.set_input_id(c->next_input++);
      ready.mutable_ready();
      send_blocking(*c, ready);
    }
    if (!wait_speaking(*a) || !wait_speaking(*b)) return {};
    // heard acknowledges what it handled within its ack delay (200 ms): an
    // idle seat keeps no events on the server.
    for (auto* c : {a.get(), b.get()}) {
      v1::ClientMessage ack;
      ack.mutable_ack_only();
      send_blocking(*c, ack);
    }
    both.push_back(std::move(a));
    both.push_back(std::move(b));
  }
  both[0]->speaker = true;
  both[0]->pair = both[1]->pair = index;
  return both;
}

SSL_CTX* client_context(const options& o) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_load_verify_locations(ctx, (o.certs + "/ca.crt").c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  return ctx;
}

// --- Traffic ---------------------------------------------------------------------------

/// Drives open connections with epoll: drafts from each pair's speaker,
/// acknowledgements and heartbeats as the real client sends them, latency
/// measured from the time a draft was due to its arrival at the listener.
class traffic {
 public:
  traffic(target kind, std::vector<std::unique_ptr<connection>>& connections)
      : kind_(kind), connections_(connections), epoll_(epoll_create1(EPOLL_CLOEXEC)) {
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      auto& c = *connections_[i];
      c.index = i;
      const int flags = fcntl(c.fd, F_GETFL);
      fcntl(c.fd, F_SETFL, flags | O_NONBLOCK);
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &e);
      if (c.speaker) speakers_.push_back(i);
    }
    draft_text_.assign(64, 'a');
  }
  ~traffic() { close(epoll_); }

  /// `rate` drafts a second per pair for `seconds` (after a second of warm-up);
  /// rate 0: closed loop, each speaker sending the next draft as soon as its
  /// listener has the last one; rate below 0: idle (acknowledgements,
  /// heartbeats and pings only).
  void run(int rate, double seconds) {
    const bool closed_loop = rate == 0;
    const bool idle = rate < 0;
    const std::int64_t interval = closed_loop || idle ? 0 : 1'000'000'000LL / rate;
    const std::int64_t start = now_ns();
    const std::int64_t measure_from = start + 1'000'000'000LL;
    const std::int64_t end = measure_from + static_cast<std::int64_t>(seconds * 1e9);
    std::vector<std::int64_t> due(speakers_.size());
    for (std::size_t k = 0; k < speakers_.size(); ++k) {
      due[k] = closed_loop ? start
                           : start + interval * static_cast<std::int64_t>(k) /
                                         static_cast<std::int64_t>(std::max<std::size_t>(1, speakers_.size()));
    }
    outstanding_.assign(connections_.size(), false);
    std::vector<epoll_event> events(256);
    received_ = 0;
    latencies_.clear();
    bool measuring = false;
    while (true) {
      const std::int64_t now = now_ns();
      if (!measuring && now >= measure_from) {
        measuring = true;
        measuring_ = true;
        received_ = 0;
        latencies_.clear();
        if (on_measure_start_) on_measure_start_();
      }
      if (now >= end) break;
      std::int64_t next = idle ? std::min(end, now + 100'000'000) : end;
      for (std::size_t k = 0; k < speakers_.size() && !idle; ++k) {
        auto& c = *connections_[speakers_[k]];
        if (closed_loop) {
          if (!outstanding_[speakers_[k]]) {
            send_draft(c, now);
            outstanding_[speakers_[k]] = true;
          }
          continue;
        }
        while (due[k] <= now) {
          send_draft(c, due[k]);
          due[k] += interval;
        }
        next = std::min(next, due[k]);
      }
      for (auto& owned : connections_) keep_alive(*owned, now);
      const std::int64_t wait_ns = closed_loop && !idle ? 1'000'000 : std::max<std::int64_t>(0, next - now_ns());
      const int timeout_ms = static_cast<int>(wait_ns / 1'000'000);
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
      for (int i = 0; i < n; ++i) {
        const auto index = static_cast<std::size_t>(events[static_cast<std::size_t>(i)].data.u64);
        if (events[static_cast<std::size_t>(i)].events & EPOLLOUT) flush(*connections_[index]);
        if (events[static_cast<std::size_t>(i)].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read_ready(index);
      }
    }
    measuring_ = false;
  }

  std::uint64_t received() const { return received_; }
  std::vector<double>& latencies_us() { return latencies_; }
  void on_measure_start(std::function<void()> f) { on_measure_start_ = std::move(f); }

 private:
  void send_draft(connection& c, std::int64_t stamp_ns) {
    message_.Clear();
    const std::uint64_t counter = c.next_input++;
    message_.set_input_id(counter);
    message_.set_ack(c.last_seq);
    c.acked_seq = c.last_seq;
    // Sealed for both members as heard seals it (the bare relay carries the
    // same bytes); the listener matches the counter, and opens nothing: the
    // loadgen's own CPU is not what is measured.
    auto* boxes = message_.mutable_draft()->mutable_sealed();
    if (c.keys) {
      // Held first: a loop over a temporary optional's value() would dangle.
      auto sealed = c.keys->seal(c.snapshot, heard::sealed_format::content_kind::draft, counter, draft_text_);
      for (auto& box : sealed.value()) *boxes->Add() = std::move(box);
    } else {
      for (v1::Seat to : {v1::SEAT_A, v1::SEAT_B}) {
        auto* box = boxes->Add();
        box->set_to(to);
        box->set_counter(counter);
        heard::sealing::nonce12 nonce{};
        random_fill(nonce.data(), nonce.size());
        box->set_box(heard::sealing::seal(bare_key_,
                                          {"bare", v1::SEAT_A, to, heard::sealed_format::content_kind::draft, counter},
                                          draft_text_, nonce)
                         .value());
      }
    }
    c.due_ns[counter] = stamp_ns;
    transmit(c);
  }

  // Like the real client, a little more eagerly (heard waits up to 200 ms,
  // so this errs against Heard): the highest seq handled goes back within 100 ms
  // (or at once after 64 events), and something is sent every 5 s.
  void keep_alive(connection& c, std::int64_t now) {
    if (kind_ == target::bare) return;
    const bool ack_due =
        c.last_seq > c.acked_seq && (c.last_seq - c.acked_seq >= 64 || now - c.last_sent_ns > 100'000'000);
    if (!ack_due && now - c.last_sent_ns < 5'000'000'000LL) return;
    message_.Clear();
    message_.set_ack(c.last_seq);
    message_.mutable_ack_only();
    c.acked_seq = c.last_seq;
    transmit(c);
  }

  void transmit(connection& c) {
    framed_.clear();
    message_.SerializeToString(&payload_);
    append_frame(framed_, op_binary, payload_, true);
    c.last_sent_ns = now_ns();
    write(c, framed_);
  }

  void write(connection& c, const std::string& bytes) {
    if (!c.out.empty()) {
      c.out += bytes;
      return;
    }
    std::string_view rest(bytes);
    while (!rest.empty()) {
      const int n = SSL_write(c.ssl, rest.data(), static_cast<int>(rest.size()));
      if (n > 0) {
        rest.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      c.out.assign(rest);
      watch_writes(c, true);
      return;
    }
  }

  void flush(connection& c) {
    std::string pending;
    pending.swap(c.out);
    watch_writes(c, false);
    write(c, pending);
  }

  void watch_writes(connection& c, bool on) {
    if (c.want_write == on) return;
    c.want_write = on;
    epoll_event e{};
    e.events = EPOLLIN | (on ? EPOLLOUT : 0u);
    e.data.u64 = c.index;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &e);
  }

  void read_ready(std::size_t index) {
    auto& c = *connections_[index];
    char buffer[16384];
    for (;;) {
      const int n = SSL_read(c.ssl, buffer, sizeof buffer);
      if (n <= 0) break;
      c.in.append(buffer, static_cast<std::size_t>(n));
    }
    std::size_t offset = 0;
    while (auto f = next_frame(c.in, offset)) {
      offset += f->size;
      if (f->op == op_ping) {
        std::string pong;
        append_frame(pong, op_pong, f->payload, true);
        write(c, pong);
        continue;
      }
      if (f->op != op_binary) continue;
      std::uint64_t counter = 0;
      if (kind_ == target::heard) {
        incoming_.Clear();
        if (!incoming_.ParseFromArray(f->payload.data(), static_cast<int>(f->payload.size()))) continue;
        if (incoming_.seq() > c.last_seq) c.last_seq = incoming_.seq();
        if (!incoming_.has_draft_update()) continue;
        counter = incoming_.draft_update().sealed().counter();
      } else {
        relayed_.Clear();
        if (!relayed_.ParseFromArray(f->payload.data(), static_cast<int>(f->payload.size()))) continue;
        if (!relayed_.has_draft() || relayed_.draft().sealed().empty()) continue;
        counter = relayed_.draft().sealed(0).counter();
      }
      // The pair's speaker: when this draft was due; and it may send again (closed loop).
      for (std::size_t k = 0; k < connections_.size(); ++k) {
        auto& speaker = *connections_[k];
        if (speaker.pair != c.pair || !speaker.speaker) continue;
        outstanding_[k] = false;
        const auto due = speaker.due_ns.find(counter);
        if (due == speaker.due_ns.end()) continue;
        if (measuring_) {
          ++received_;
          latencies_.push_back(static_cast<double>(now_ns() - due->second) / 1000.0);
        }
        speaker.due_ns.erase(due);
      }
    }
    c.in.erase(0, offset);
  }

  target kind_;
  std::vector<std::unique_ptr<connection>>& connections_;
  int epoll_;
  std::vector<std::size_t> speakers_;
  std::vector<bool> outstanding_;
  std::string draft_text_;
  std::string payload_;
  std::string framed_;
  v1::ClientMessage message_;
  v1::ServerMessage incoming_;
  v1::ClientMessage relayed_;
  heard::sealing::key32 bare_key_{};  // the bare relay's pairs have no exchange: a fixed key seals the same bytes
  std::uint64_t received_ = 0;
  bool measuring_ = false;
  std::vector<double> latencies_;
  std::function<void()> on_measure_start_;
};

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

// --- The runs ------------------------------------------------------------------------------

struct figures {
  double open_p50_us = 0;
  double open_p99_us = 0;
  double closed_msgs_per_s = 0;
  double cpu_us_per_message = 0;
  double system_cpu_us_per_message = 0;
  double allocations_per_message = 0;
  double page_faults_per_1000_messages = 0;
  double kib_per_idle_connection = 0;
  double setup_cpu_us_per_connection = 0;
  int capacity_pairs = 0;
  double capacity_rss_mib = 0;
  double rss_after_end_mib = 0;
  double rss_at_start_mib = 0;
};

std::vector<std::unique_ptr<connection>> open_pairs(SSL_CTX* ctx, target kind, std::uint16_t port, int pairs,
                                                    int first_index = 0) {
  std::vector<std::unique_ptr<connection>> all;
  std::mt19937 random(static_cast<unsigned>(first_index + 7));
  for (int i = 0; i < pairs; ++i) {
    auto both = open_pair(ctx, kind, port, first_index + i, random);
    if (both.empty()) break;
    for (auto& c : both) all.push_back(std::move(c));
  }
  return all;
}

/// Every one of `pairs`, or an error that says how many could be set up (a
/// run on fewer would only say, later, that it relayed nothing).
std::vector<std::unique_ptr<connection>> open_all_pairs(SSL_CTX* ctx, target kind, std::uint16_t port, int pairs,
                                                        const char* what) {
  auto all = open_pairs(ctx, kind, port, pairs);
  if (all.size() != static_cast<std::size_t>(2 * pairs)) {
    throw std::runtime_error("only " + std::to_string(all.size() / 2) + " of the " + std::to_string(pairs) + " " +
                             what + " pairs could be set up");
  }
  return all;
}

void idle_and_setup(target kind, const options& o, SSL_CTX* ctx, figures& f) {
  server_process server(kind, o, {});
  const double rss_before = server.rss_kib();
  const double cpu_before = server.cpu_us();
  auto all = open_all_pairs(ctx, kind, server.port(), o.idle_pairs, "idle");
  const double cpu_after = server.cpu_us();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a benchmark: let the server settle
  const double rss_after = server.rss_kib();
  const auto connections = static_cast<double>(all.size());
  f.setup_cpu_us_per_connection = (cpu_after - cpu_before) / connections;
  f.kib_per_idle_connection = (rss_after - rss_before) / connections;
}

void open_loop(target kind, const options& o, SSL_CTX* ctx, figures& f) {
  server_process server(kind, o, {});
  auto all = open_all_pairs(ctx, kind, server.port(), o.open_pairs, "open-loop");
  traffic t(kind, all);
  t.run(o.open_rate, o.seconds);
  if (t.latencies_us().empty()) throw std::runtime_error("the open-loop run relayed nothing");
  f.open_p50_us = percentile(t.latencies_us(), 0.50);
  f.open_p99_us = percentile(t.latencies_us(), 0.99);
}

void closed_loop(target kind, const options& o, SSL_CTX* ctx, figures& f) {
  server_process server(kind, o, {});
  auto all = open_all_pairs(ctx, kind, server.port(), o.closed_pairs, "closed-loop");
  traffic t(kind, all);
  server_process::usage start;
  unsigned long long allocs_start = 0;
  t.on_measure_start([&] {
    start = server.used();
    allocs_start = server.allocations();
  });
  t.run(0, o.seconds);
  const auto end = server.used();
  const double cpu = end.cpu_us - start.cpu_us;
  const auto allocs = server.allocations() - allocs_start;
  const auto messages = static_cast<double>(t.received());
  if (messages == 0) throw std::runtime_error("the closed-loop run relayed nothing");
  f.closed_msgs_per_s = messages / o.seconds;
  f.cpu_us_per_message = cpu / messages;
  f.system_cpu_us_per_message = (end.system_cpu_us - start.system_cpu_us) / messages;
  f.allocations_per_message = static_cast<double>(allocs) / messages;
  f.page_faults_per_1000_messages = static_cast<double>(end.minor_faults - start.minor_faults) * 1000 / messages;
}

// The capacity run needs more descriptors than one process has (two per
// pair here, and as many on the server): workers each hold a share.
void capacity(target kind, const options& o, figures& f) {
  server_process server(kind, o,
                        kind == target::heard
                            ? std::vector<std::string>{"--resume-grace-ms", "500", "--ended-session-linger-ms", "0"}
                            : std::vector<std::string>{});
  f.rss_at_start_mib = server.rss_kib() / 1024;
  struct worker {
    pid_t pid;
    int from_worker;
    int to_worker;
  };
  std::vector<worker> workers;
  const int share = o.capacity_pairs / o.capacity_workers;
  for (int w = 0; w < o.capacity_workers; ++w) {
    int up[2], down[2];
    if (pipe(up) != 0 || pipe(down) != 0) throw std::runtime_error("pipe");
    const pid_t pid = fork();
    if (pid == 0) {
      close(up[0]);
      close(down[1]);
      SSL_CTX* ctx = client_context(o);
      auto all = open_pairs(ctx, kind, server.port(), share, w * share);
      const std::string held = std::to_string(all.size() / 2) + "\n";
      if (::write(up[1], held.data(), held.size()) < 0) _exit(1);
      // Keep them open and idle (heartbeats, pings answered) until told to go.
      traffic t(kind, all);
      for (;;) {
        pollfd p{down[0], POLLIN, 0};
        if (poll(&p, 1, 0) > 0) break;
        t.run(-1, 0);
      }
      all.clear();
      _exit(0);
    }
    close(up[1]);
    close(down[0]);
    workers.push_back({pid, up[0], down[1]});
  }
  int held = 0;
  for (auto& w : workers) {
    char buffer[32] = {};
    if (::read(w.from_worker, buffer, sizeof buffer - 1) > 0) held += std::atoi(buffer);
  }
  f.capacity_pairs = held;
  f.capacity_rss_mib = server.rss_kib() / 1024;
  for (auto& w : workers) {
    if (::write(w.to_worker, "x", 1) < 0) break;
  }
  for (auto& w : workers) waitpid(w.pid, nullptr, 0);
  // Sessions end once nobody is connected (resume grace 0.5 s here).
  std::this_thread::sleep_for(std::chrono::seconds(3));  // a benchmark: the server's own timers
  f.rss_after_end_mib = server.rss_kib() / 1024;
}

// `by_round`: each round's ratio, for a median (empty for a single figure).
void print_row(const char* label, double floor, double heard, const char* unit, int precision = 0,
               const std::string& by_round = {}) {
  if (floor > 0) {
    std::printf("%-40s %12.*f %12.*f  %6.2fx  %-6s %s\n", label, precision, floor, precision, heard, heard / floor,
                unit, by_round.c_str());
  } else {
    std::printf("%-40s %12.*f %12.*f  %7s  %s\n", label, precision, floor, precision, heard, "-", unit);
  }
}

double median_of(const std::vector<figures>& rounds, double figures::*field) {
  std::vector<double> values;
  for (const auto& r : rounds) values.push_back(r.*field);
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The medians and their ratio, then each round's own ratio: how far this
// machine moved the figure while it was measured.
void print_median_row(const char* label, const std::vector<figures>& bare, const std::vector<figures>& heard,
                      double figures::*field, const char* unit, int precision = 0) {
  const double floor = median_of(bare, field);
  const double ours = median_of(heard, field);
  std::string by_round;
  for (std::size_t i = 0; i < bare.size() && i < heard.size(); ++i) {
    const double b = bare[i].*field;
    if (b <= 0) continue;
    char one[32];
    std::snprintf(one, sizeof one, "%s%.2f", by_round.empty() ? "" : " ", heard[i].*field / b);
    by_round += one;
  }
  print_row(label, floor, ours, unit, precision, by_round);
}

}  // namespace
}  // namespace heard::bench

int main(int argc, char** argv) {
  using namespace heard::bench;
  options o;
  bool run_capacity = true;
  // A number that is not one ends the run with the usage, not an exception.
  const auto number = [](const std::string& text, const char* what) {
    try {
      std::size_t used = 0;
      const double v = std::stod(text, &used);
      if (used == text.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
    std::fprintf(stderr, "heard-bench: %s needs a positive number, not \"%s\"\n", what, text.c_str());
    std::exit(2);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "heard-bench: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--heard-server")
      o.heard_server = value();
    else if (arg == "--bare-relay")
      o.bare_relay = value();
    else if (arg == "--alloc-counter")
      o.alloc_counter = value();
    else if (arg == "--certs")
      o.certs = value();
    else if (arg == "--seconds")
      o.seconds = number(value(), "--seconds");
    else if (arg == "--idle-pairs")
      o.idle_pairs = static_cast<int>(number(value(), "--idle-pairs"));
    else if (arg == "--capacity-pairs")
      o.capacity_pairs = static_cast<int>(number(value(), "--capacity-pairs"));
    else if (arg == "--no-capacity")
      run_capacity = false;
    else if (arg == "--rounds")
      o.rounds = std::max(1, static_cast<int>(number(value(), "--rounds")));
    else {
      std::fprintf(
          stderr,
          "usage: heard-bench --heard-server BIN --bare-relay BIN --alloc-counter LIB --certs DIR\n"
          "                   [--seconds S] [--idle-pairs N] [--capacity-pairs N] [--no-capacity] [--rounds N]\n");
      return 2;
    }
  }
  if (o.heard_server.empty() || o.bare_relay.empty() || o.alloc_counter.empty() || o.certs.empty()) {
    std::fprintf(stderr, "heard-bench: --heard-server, --bare-relay, --alloc-counter and --certs are needed\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  raise_file_limit();
  pin_to_core(1);
  try {
    SSL_CTX* ctx = client_context(o);
    std::map<target, std::vector<figures>> f;
    for (int round = 1; round <= o.rounds; ++round) {
      for (target kind : {target::bare, target::heard}) {
        const char* name = kind == target::bare ? "bare relay" : "heard-server";
        figures& r = f[kind].emplace_back();
        std::fprintf(stderr, "heard-bench: round %d of %d: %s: idle %d pairs\n", round, o.rounds, name, o.idle_pairs);
        idle_and_setup(kind, o, ctx, r);
        std::fprintf(stderr, "heard-bench: round %d of %d: %s: open loop %d pairs x %d/s\n", round, o.rounds, name,
                     o.open_pairs, o.open_rate);
        open_loop(kind, o, ctx, r);
        std::fprintf(stderr, "heard-bench: round %d of %d: %s: closed loop %d pairs\n", round, o.rounds, name,
                     o.closed_pairs);
        closed_loop(kind, o, ctx, r);
      }
    }
    // Capacity once: it is a count and memory, not a timing.
    if (run_capacity) {
      for (target kind : {target::bare, target::heard}) {
        const char* name = kind == target::bare ? "bare relay" : "heard-server";
        std::fprintf(stderr, "heard-bench: %s: capacity to %d pairs\n", name, o.capacity_pairs);
        capacity(kind, o, f[kind].front());
      }
    }
    const auto& b = f[target::bare];
    const auto& h = f[target::heard];
    std::printf("\n%-40s %12s %12s  %7s  %-6s %s\n", "", "bare relay", "heard", "ratio", "", "ratio by round");
    char label[128];
    std::snprintf(label, sizeof label, "open-loop p50 (%d pairs x %d msg/s)", o.open_pairs, o.open_rate);
    print_median_row(label, b, h, &figures::open_p50_us, "us");
    std::snprintf(label, sizeof label, "open-loop p99 (%d pairs x %d msg/s)", o.open_pairs, o.open_rate);
    print_median_row(label, b, h, &figures::open_p99_us, "us");
    std::snprintf(label, sizeof label, "closed loop, %d pairs", o.closed_pairs);
    print_median_row(label, b, h, &figures::closed_msgs_per_s, "msg/s");
    print_median_row("server CPU per relayed message", b, h, &figures::cpu_us_per_message, "us", 1);
    print_median_row("  of which in the kernel", b, h, &figures::system_cpu_us_per_message, "us", 1);
    print_median_row("heap allocations per relayed message", b, h, &figures::allocations_per_message, "", 1);
    print_median_row("page faults per 1,000 relayed messages", b, h, &figures::page_faults_per_1000_messages, "", 1);
    std::snprintf(label, sizeof label, "memory per idle connection (%d pairs)", o.idle_pairs);
    print_median_row(label, b, h, &figures::kib_per_idle_connection, "KiB", 1);
    print_median_row("setup CPU per connection", b, h, &figures::setup_cpu_us_per_connection, "us");
    if (run_capacity) {
      const auto& bc = b.front();
      const auto& hc = h.front();
      std::snprintf(label, sizeof label, "capacity: pairs held (of %d)", o.capacity_pairs);
      print_row(label, bc.capacity_pairs, hc.capacity_pairs, "pairs");
      print_row("capacity: RSS at start", bc.rss_at_start_mib, hc.rss_at_start_mib, "MiB", 1);
      print_row("capacity: RSS holding them", bc.capacity_rss_mib, hc.capacity_rss_mib, "MiB", 1);
      print_row("capacity: RSS after they end", bc.rss_after_end_mib, hc.rss_after_end_mib, "MiB", 1);
    }
    std::printf(
        "(%d CPUs; server on core 0, this load generator on core 1; medians of %d rounds, the bare relay and heard "
        "alternating; p50/p99 over each round's every message; capacity once)\n",
        static_cast<int>(std::thread::hardware_concurrency()), o.rounds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "heard-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
