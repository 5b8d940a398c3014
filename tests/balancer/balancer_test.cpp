// The whole, scaled out: three heard-server nodes behind the shipped balancer
// configuration (deploy/haproxy/haproxy.cfg, deploy/nginx/heard.conf, with
// only addresses and paths replaced), on 127.0.0.1. 200 pairs create, join
// and exchange a round through it; a node is restarted gracefully under its
// pairs; a fourth node is added and the routes that move are counted; the
// nodes' per-address limits see each real client; the balancer's access log
// holds no secret.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "invite_code.hpp"
#include "process_limits.hpp"
#include "relay_fixture.hpp"
#include "test_client.hpp"

namespace heard::testing {
namespace {

using namespace std::chrono_literals;

constexpr int pairs = 200;
constexpr int mapped_routes = 300;

void write_file(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::uint16_t free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t size = sizeof addr;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &size);
  ::close(s);
  return ntohs(addr.sin_port);
}

bool accepts_connections(std::uint16_t port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(s);
  return ok;
}

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);  // polling files another process writes, with a deadline
  }
  return true;
}

/// A loopback address of its own for client `n` of `group`: the nodes must
/// see each as a different client through the balancer.
std::string client_address(int group, int n) {
  return "127." + std::to_string(group) + "." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
}

struct node {
  std::unique_ptr<child_process> process;
  std::string port = "0";
  std::string log;
  std::string state_file;
};

class balancer_test : public ::testing::TestWithParam<std::string> {
 protected:
  // 400 people and 300 probes in this one process need more descriptors than
  // a stock soft limit (1,024) gives; the hard limit is there to be used, as
  // heard-server does for itself.
  static void SetUpTestSuite() { server::raise_open_file_limit(); }

  bool haproxy() const { return GetParam() == "haproxy"; }
  std::string dir() const { return scratch_dir() + GetParam() + "-"; }
  std::string certs() const { return HEARD_TEST_CERT_DIR; }
  std::string ca_file() const { return certs() + "/ca.crt"; }

  void TearDown() override {
    stop_balancer();
    for (auto& n : nodes_) {
      if (n.process) {
        n.process->signal(SIGTERM);
        n.process->wait_exit(10s);
      }
    }
  }

  void start_node(std::size_t index) {
    if (nodes_.size() <= index) nodes_.resize(index + 1);
    auto& n = nodes_[index];
    n.log = dir() + "node" + std::to_string(index) + ".log";
    n.state_file = dir() + "node" + std::to_string(index) + ".state";
    std::string bound;
    n.process = start_heard_server(
        HEARD_SERVER_BIN, n.port,
        {"--trusted-proxy", "127.0.0.1", "--proxy-header", haproxy() ? "proxy-v2" : "x-forwarded-for", "--state-file",
         n.state_file, "--max-connections-per-ip", "2"},
        n.log, bound);
    ASSERT_TRUE(n.process) << "node " << index << " did not start: " << read_file(n.log);
    n.port = bound;
  }

  /// The shipped configuration with this machine's addresses and paths.
  std::string balancer_config(std::uint16_t port) {
    const std::string source =
        std::string(HEARD_SOURCE_DIR) + (haproxy() ? "/deploy/haproxy/haproxy.cfg" : "/deploy/nginx/heard.conf");
    std::istringstream shipped(read_file(source));
    std::string out;
    bool servers_written = false;
    for (std::string line; std::getline(shipped, line);) {
      const bool server_line = haproxy() ? line.rfind("    server ", 0) == 0 : line.rfind("    server 10.", 0) == 0;
      if (server_line) {
        if (!servers_written) {
          for (const auto& n : nodes_) {
            out += haproxy() ? "    server n" + n.port + " 127.0.0.1:" + n.port + "\n"
                             : "    server 127.0.0.1:" + n.port + " max_fails=0;\n";
          }
          servers_written = true;
        }
        continue;
      }
      out += line + "\n";
    }
    EXPECT_TRUE(servers_written) << "no server lines in " << source;
    out = replace_all(out, "heard-node.internal", "localhost");
    if (haproxy()) {
      write_file(dir() + "haproxy.pem", read_file(certs() + "/server.crt") + read_file(certs() + "/server.key"));
      out = replace_all(out, "log /dev/log local0", "log stderr format raw local0");
      out = replace_all(out, "maxconn 100000", "maxconn 4000");  // this machine's descriptor limit
      out = replace_all(out, "bind :443 ssl crt /etc/haproxy/tls/heard.pem",
                        "bind 127.0.0.1:" + std::to_string(port) + " ssl crt " + dir() + "haproxy.pem");
      out = replace_all(out, "/etc/haproxy/tls/nodes-ca.crt", ca_file());
      return out;
    }
    out = replace_all(out, "listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(port) + " ssl;");
    out = replace_all(out, "    listen [::]:443 ssl;\n", "");
    out = replace_all(out, "/etc/nginx/tls/heard-fullchain.pem", certs() + "/server.crt");
    out = replace_all(out, "/etc/nginx/tls/heard.key", certs() + "/server.key");
    out = replace_all(out, "/etc/nginx/tls/nodes-ca.crt", ca_file());
    out =
        replace_all(out, "access_log /var/log/nginx/heard.access.log;", "access_log " + access_log() + " heard_test;");
    const std::string temp = dir() + "nginx-temp";
    std::filesystem::create_directories(temp);
    return "user root;\nworker_processes 1;\nworker_rlimit_nofile 16384;\ndaemon off;\npid " + dir() +
           "nginx.pid;\nerror_log " + dir() +
           "nginx-error.log;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n  "
           "client_body_temp_path " +
           temp + "/body;\n  proxy_temp_path " + temp + "/proxy;\n  fastcgi_temp_path " + temp +
           "/fastcgi;\n  uwsgi_temp_path " + temp + "/uwsgi;\n  scgi_temp_path " + temp +
           "/scgi;\n  log_format heard_test '$upstream_addr \"$request\"';\n" + out + "}\n";
  }

  std::string access_log() const { return haproxy() ? dir() + "haproxy.log" : dir() + "nginx-access.log"; }

  /// nginx's workers outlive a killed master: stop it as its service would.
  void stop_balancer() {
    if (!balancer_) return;
    balancer_->signal(SIGTERM);
    balancer_->wait_exit(10s);
    balancer_.reset();
  }

  void start_balancer() {
    stop_balancer();
    port_ = free_port();
    const std::string config = dir() + (haproxy() ? "haproxy.cfg" : "nginx.conf");
    write_file(config, balancer_config(port_));
    const std::vector<std::string> check = haproxy() ? std::vector<std::string>{"/usr/sbin/haproxy", "-c", "-f", config}
                                                     : std::vector<std::string>{"/usr/sbin/nginx", "-t", "-c", config};
    child_process checker(check, dir() + "balancer-check.log");
    ASSERT_EQ(checker.wait_exit(10s), 0) << read_file(dir() + "balancer-check.log") << "\n" << config;
    balancer_ =
        std::make_unique<child_process>(haproxy() ? std::vector<std::string>{"/usr/sbin/haproxy", "-db", "-f", config}
                                                  : std::vector<std::string>{"/usr/sbin/nginx", "-c", config},
                                        haproxy() ? access_log() : dir() + "nginx-stderr.log");
    ASSERT_TRUE(eventually([&] { return accepts_connections(port_); }, 10s)) << GetParam() << " did not listen";
  }

  /// How many sessions each node has created on `route`, from its log.
  std::vector<std::size_t> created_on(const std::string& route) {
    const std::string needle = "event=created route=" + route + " ";
    std::vector<std::size_t> counts;
    for (const auto& n : nodes_) {
      const auto log = read_file(n.log);
      std::size_t count = 0;
      for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++count;
      counts.push_back(count);
    }
    return counts;
  }

  /// Which node has the sessions of `route` (index); nullopt if none has.
  std::optional<std::size_t> node_of(const std::string& route) {
    const auto counts = created_on(route);
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] > 0) return i;
    }
    return std::nullopt;
  }

  /// Creates a session on `route` through the balancer, from the `n`th
  /// address of `group`, and says which node took it: the one whose count of
  /// sessions on that route went up.
  std::optional<std::size_t> map_route(const std::string& route, int group, int n) {
    const auto before = created_on(route);
    raw_client creator(port_, session_target_for(route), client_address(group, n));
    if (!creator.wait_open()) return std::nullopt;
    creator.send(hello_bytes());
    auto welcome = creator.wait_message(0);
    if (!welcome || !welcome->has_welcome()) return std::nullopt;
    std::optional<std::size_t> found;
    eventually(
        [&] {
          const auto now = created_on(route);
          for (std::size_t i = 0; i < now.size(); ++i) {
            if (now[i] > before[i]) found = i;
          }
          return found.has_value();
        },
        5s);
    return found;
  }

  std::vector<node> nodes_;
  std::unique_ptr<child_process> balancer_;
  std::uint16_t port_ = 0;
};

TEST_P(balancer_test, pairs_meet_on_one_node_survive_its_restart_and_a_new_node_moves_a_quarter_of_routes) {
  for (std::size_t i = 0; i < 3; ++i) ASSERT_NO_FATAL_FAILURE(start_node(i));
  ASSERT_NO_FATAL_FAILURE(start_balancer());

  // Routes before a fourth node: the balancer's own choice, read from the nodes.
  std::vector<std::string> routes;
  std::mt19937 random(20261127);
  while (routes.size() < mapped_routes) {
    std::string bytes;
    for (std::size_t k = 0; k < route_random_bytes; ++k) bytes.push_back(static_cast<char>(random() & 0xFF));
    auto route = route_from_random(bytes);
    if (std::find(routes.begin(), routes.end(), route) == routes.end()) routes.push_back(route);
  }
  // Mapped one per route, so each route's node is the one that logged it.
  std::map<std::string, std::size_t> before;
  for (std::size_t r = 0; r < routes.size(); ++r) {
    const auto& route = routes[r];
    auto at = map_route(route, 9, static_cast<int>(r));
    ASSERT_TRUE(at) << "route " << route << " reached no node";
    before[route] = *at;
  }

  // The per-address limit (2 here) counts each real client, not the balancer.
  {
    raw_client first(port_, session_target_for("7KQ2"), client_address(8, 1));
    raw_client second(port_, session_target_for("7KQ2"), client_address(8, 1));
    ASSERT_TRUE(first.wait_open());
    ASSERT_TRUE(second.wait_open());
    raw_client third(port_, session_target_for("7KQ2"), client_address(8, 1));
    EXPECT_FALSE(third.wait_open()) << "a third connection from one client is refused";
    raw_client other(port_, session_target_for("7KQ2"), client_address(8, 2));
    EXPECT_TRUE(other.wait_open()) << "another client behind the same balancer has room";
  }

  // 200 pairs, each person from an address of their own.
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<test_client>> a;
  std::vector<std::unique_ptr<test_client>> b;
  std::vector<std::string> codes;
  for (int i = 0; i < pairs; ++i) {
    a.push_back(std::make_unique<test_client>(port_, ca_file(), "A" + std::to_string(i),
                                              [&](auto& o) { o.tls.local_address = client_address(10, i); }));
    (*a.back())->start(v1::CreateOptions{});
  }
  for (int i = 0; i < pairs; ++i) {
    auto welcome = a[i]->wait_for(v1::ServerMessage::kWelcome, 20s);
    ASSERT_TRUE(welcome) << "creator " << i;
    codes.push_back(invite_code_for(welcome->welcome(), v1::SEAT_B));
  }
  for (int i = 0; i < pairs; ++i) {
    b.push_back(std::make_unique<test_client>(port_, ca_file(), "B" + std::to_string(i),
                                              [&](auto& o) { o.tls.local_address = client_address(11, i); }));
    (*b.back())->join(codes[i]);
  }
  for (int i = 0; i < pairs; ++i) {
    ASSERT_TRUE(b[i]->wait_phase(v1::PHASE_READY, 0, 20s)) << "partner " << i << " did not reach the creator's node";
  }
  // A round: speak, paraphrase, accurate and done, roles switch.
  for (int i = 0; i < pairs; ++i) {
    (*a[i])->ready();
    (*b[i])->ready();
  }
  for (int i = 0; i < pairs; ++i) {
    ASSERT_TRUE(a[i]->wait_phase(v1::PHASE_SPEAKING, 1, 20s)) << i;
    (*a[i])->end_turn("Pair " + std::to_string(i) + " speaks.");
  }
  for (int i = 0; i < pairs; ++i) {
    ASSERT_TRUE(b[i]->wait_phase(v1::PHASE_PARAPHRASING, 1, 20s)) << i;
    (*b[i])->end_turn("You said pair " + std::to_string(i) + " speaks.");
  }
  for (int i = 0; i < pairs; ++i) {
    ASSERT_TRUE(a[i]->wait_phase(v1::PHASE_CONFIRMING, 1, 20s)) << i;
    (*a[i])->judge(v1::VERDICT_ACCURATE_DONE);
  }
  for (int i = 0; i < pairs; ++i) {
    ASSERT_TRUE(b[i]->wait_phase(v1::PHASE_SPEAKING, 2, 20s)) << "pair " << i << ": roles switch";
  }
  const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Which node each pair is on; every node has some.
  std::vector<std::size_t> pair_node(pairs);
  std::vector<int> per_node(nodes_.size());
  for (int i = 0; i < pairs; ++i) {
    const std::string route(route_of(*normalize_invite_code(codes[i])));
    auto at = node_of(route);
    ASSERT_TRUE(at) << route;
    pair_node[i] = *at;
    ++per_node[*at];
  }
  for (std::size_t n = 0; n < nodes_.size(); ++n) EXPECT_GT(per_node[n], 0) << "node " << n << " got no pair";

  // Node 0 restarts gracefully (saved, restored): its pairs resume on it,
  // the others never notice.
  nodes_[0].process->signal(SIGTERM);
  ASSERT_EQ(nodes_[0].process->wait_exit(20s), 0);
  ASSERT_NO_FATAL_FAILURE(start_node(0));
  for (int i = 0; i < pairs; ++i) {
    (*b[i])->end_turn("After the restart, pair " + std::to_string(i) + ".");
  }
  for (int i = 0; i < pairs; ++i) {
    auto turn = a[i]->wait_for(
        [&](const v1::ServerMessage& m) { return m.has_turn() && m.turn().text().find("After the restart") == 0; },
        30s);
    ASSERT_TRUE(turn) << "pair " << i << " on node " << pair_node[i] << " lost its turn";
    if (pair_node[i] == 0) {
      EXPECT_GE(a[i]->drops(), 1) << "pair " << i << " was on the restarted node";
    } else {
      EXPECT_EQ(a[i]->drops(), 0) << "pair " << i << " was not on the restarted node";
      EXPECT_EQ(b[i]->drops(), 0) << "pair " << i << " was not on the restarted node";
    }
  }
  a.clear();
  b.clear();

  // No secret in the balancer's access log: only routes.
  stop_balancer();
  const std::string logged = read_file(access_log());
  EXPECT_NE(logged.find("/v2/"), std::string::npos) << "the access log recorded nothing";
  for (const auto& code : codes) {
    const auto canonical = *normalize_invite_code(code);
    EXPECT_EQ(logged.find(canonical.substr(route_digits)), std::string::npos) << "a code's secret digits were logged";
    EXPECT_EQ(logged.find(code), std::string::npos) << "a code was logged";
  }

  // A fourth node: only the routes it takes over move, about a quarter.
  ASSERT_NO_FATAL_FAILURE(start_node(3));
  ASSERT_NO_FATAL_FAILURE(start_balancer());
  int moved = 0;
  int moved_elsewhere = 0;
  for (std::size_t r = 0; r < routes.size(); ++r) {
    const auto& route = routes[r];
    // The route's sessions from the first pass stay on its old node; a new
    // session shows where the route goes now.
    const auto now = map_route(route, 12, static_cast<int>(r));
    ASSERT_TRUE(now) << "route " << route << " reached no node";
    if (*now != before[route]) {
      ++moved;
      if (*now != 3) ++moved_elsewhere;
    }
  }
  const double moved_share = static_cast<double>(moved) / mapped_routes;
  std::printf(
      "[ figures  ] %s: %d pairs set up and through a round in %.1f s; per node %d/%d/%d; "
      "a fourth node moved %d of %d routes (%.0f%%)\n",
      GetParam().c_str(), pairs, setup_s, per_node[0], per_node[1], per_node[2], moved, mapped_routes,
      100 * moved_share);
  EXPECT_EQ(moved_elsewhere, 0) << "consistent hashing moves routes only to the new node";
  EXPECT_GT(moved_share, 0.12);
  EXPECT_LT(moved_share, 0.40);
}

INSTANTIATE_TEST_SUITE_P(engines, balancer_test, ::testing::Values("haproxy", "nginx"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace heard::testing
