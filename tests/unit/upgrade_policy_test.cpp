#include <gtest/gtest.h>

#include "link.hpp"
#include "upgrade_policy.hpp"

namespace heard::server {
namespace {

class fake_app : public link_acceptor {
 public:
  bool serves_target(std::string_view target) const override {
    return target.starts_with("/v2/") && target.size() == 8;
  }
  std::shared_ptr<link_handler> on_open(std::shared_ptr<link>, std::string_view) override { return nullptr; }
};

request_head upgrade(std::string_view target) {
  request_head h;
  h.is_get = true;
  h.is_websocket_upgrade = true;
  h.target = target;
  return h;
}

TEST(upgrade_policy, a_served_target_is_upgraded) {
  fake_app app;
  const upgrade_policy policy({}, app);
  EXPECT_FALSE(policy.decide(upgrade("/v2/7KQ2")));
}

TEST(upgrade_policy, plain_http_gets_the_health_check_or_426) {
  fake_app app;
  const upgrade_policy policy({}, app);
  request_head health;
  health.is_get = true;
  health.target = "/healthz";
  auto answer = policy.decide(health);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "ok\n");
  EXPECT_EQ(answer->counted, transport_event::plain_http_request);

  request_head page = health;
  page.target = "/";
  answer = policy.decide(page);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 426) << "without --web-root there is no page";
  EXPECT_TRUE(answer->upgrade_required);

  request_head post = health;
  post.is_get = false;
  answer = policy.decide(post);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 426) << "only GET /healthz is a health check";
}

TEST(upgrade_policy, a_protocol_1_target_gets_410_with_what_to_do) {
  fake_app app;
  const upgrade_policy policy({}, app);
  const auto answer = policy.decide(upgrade("/v1/sessions/7KQ2-M9XD-4TRB"));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 410);
  EXPECT_NE(answer->body.find("Update heard"), std::string_view::npos);
  EXPECT_EQ(answer->counted, transport_event::upgrade_rejected);
}

TEST(upgrade_policy, an_unknown_target_gets_404) {
  fake_app app;
  const upgrade_policy policy({}, app);
  const auto answer = policy.decide(upgrade("/v3/elsewhere"));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 404);
  EXPECT_EQ(answer->counted, transport_event::upgrade_rejected);
}

TEST(upgrade_policy, only_allowed_origins_may_upgrade_and_no_origin_is_the_native_client) {
  fake_app app;
  const upgrade_policy policy({"https://heard.example"}, app);
  auto head = upgrade("/v2/7KQ2");
  head.origin = "https://heard.example";
  EXPECT_FALSE(policy.decide(head));
  head.origin = "https://evil.example";
  const auto answer = policy.decide(head);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 403);
  EXPECT_EQ(answer->counted, transport_event::origin_refused);
  head.origin.reset();
  EXPECT_FALSE(policy.decide(head));

  const upgrade_policy closed({}, app);
  head.origin = "https://heard.example";
  ASSERT_TRUE(closed.decide(head));
  EXPECT_EQ(closed.decide(head)->status, 403) << "with no allowed origins every browser is refused";
}

TEST(upgrade_policy, the_servers_own_origin_may_upgrade_and_no_other) {
  fake_app app;
  const upgrade_policy policy({}, app);
  auto head = upgrade("/v2/7KQ2");
  head.host = "heard.example:8443";
  head.origin = "https://heard.example:8443";
  EXPECT_FALSE(policy.decide(head)) << "the page this server (or its nginx) served";
  for (const char* other : {"http://heard.example:8443", "https://heard.example", "https://heard.example:8443.evil",
                            "https://evil.example", "null", ""}) {
    head.origin = other;
    ASSERT_TRUE(policy.decide(head)) << other;
    EXPECT_EQ(policy.decide(head)->status, 403) << other;
  }
  head.host = "";
  head.origin = "https://";
  ASSERT_TRUE(policy.decide(head));
  EXPECT_EQ(policy.decide(head)->status, 403) << "no Host names no origin";
}

TEST(upgrade_policy, heads_that_could_not_be_read_get_431_or_400) {
  EXPECT_EQ(upgrade_policy::too_large().status, 431);
  EXPECT_EQ(upgrade_policy::too_large().counted, transport_event::upgrade_too_large);
  EXPECT_EQ(upgrade_policy::has_body().status, 400);
}

}  // namespace
}  // namespace heard::server
