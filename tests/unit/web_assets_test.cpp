#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "link.hpp"
#include "upgrade_policy.hpp"
#include "web_assets.hpp"

namespace heard::server {
namespace {

namespace fs = std::filesystem;

class web_assets_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("heard-web-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                     "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& body) { std::ofstream(dir_ / name, std::ios::binary) << body; }

  std::string load_error(std::size_t max_bytes = 1 << 20) {
    try {
      web_assets::load(dir_, max_bytes);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return {};
  }

  fs::path dir_;
};

class fake_app : public link_acceptor {
 public:
  bool serves_target(std::string_view target) const override { return target.starts_with("/v2/"); }
  std::shared_ptr<link_handler> on_open(std::shared_ptr<link>, std::string_view) override { return nullptr; }
};

TEST_F(web_assets_test, serves_the_files_found_at_start_and_nothing_else) {
  write("index.html", "<!doctype html><title>Heard</title>");
  write("app.js", "console.log(1)");
  write("app.css", "body{}");
  const auto web = web_assets::load(dir_, 1 << 20);
  EXPECT_EQ(web.size(), 3u);
  ASSERT_TRUE(web.find("/"));
  EXPECT_EQ(web.find("/")->body, "<!doctype html><title>Heard</title>");
  EXPECT_EQ(web.find("/")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(web.find("/?join=1"), web.find("/index.html")) << "a query names the same file";
  EXPECT_EQ(web.find("/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(web.find("/app.css")->content_type, "text/css; charset=utf-8");
  EXPECT_NE(web.find("/app.js")->etag, web.find("/app.css")->etag);
  for (const char* missing : {"/../etc/passwd", "/app.js/", "//app.js", "/APP.JS", "/nothing.html", "", "app.js"}) {
    EXPECT_EQ(web.find(missing), nullptr) << missing;
  }
  write("app.js", "changed after start");
  EXPECT_EQ(web.find("/app.js")->body, "console.log(1)") << "read once, at start";
}

TEST_F(web_assets_test, refuses_to_start_with_a_sentence_for_each_mistake) {
  EXPECT_NE(load_error().find("has no index.html"), std::string::npos) << load_error();
  write("index.html", "x");
  write("notes.md", "x");
  EXPECT_NE(load_error().find("notes.md is of a type the server does not serve"), std::string::npos) << load_error();
  fs::remove(dir_ / "notes.md");
  fs::create_directories(dir_ / "sub");
  EXPECT_NE(load_error().find("is not a plain file"), std::string::npos) << load_error();
  fs::remove(dir_ / "sub");
  write("app.js", std::string(2000, 'x'));
  EXPECT_NE(load_error(1000).find("more than --max-web-bytes"), std::string::npos) << load_error(1000);
  EXPECT_EQ(load_error(), "");
  fs::remove_all(dir_);
  EXPECT_NE(load_error().find("does not exist"), std::string::npos) << load_error();
}

TEST_F(web_assets_test, the_policy_answers_pages_with_their_security_headers_and_304_when_unchanged) {
  write("index.html", "<!doctype html>");
  const auto web = web_assets::load(dir_, 1 << 20);
  fake_app app;
  const upgrade_policy policy({}, app, &web);
  request_head head;
  head.is_get = true;
  head.target = "/";
  auto answer = policy.decide(head);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "<!doctype html>");
  EXPECT_EQ(answer->counted, transport_event::page_request);
  EXPECT_TRUE(answer->keep_alive);
  bool csp = false;
  for (const auto& [name, value] : answer->headers) {
    if (name != "Content-Security-Policy") continue;
    csp = true;
    EXPECT_NE(value.find("default-src 'none'"), std::string_view::npos);
    EXPECT_NE(value.find("script-src 'self'"), std::string_view::npos);
    EXPECT_EQ(value.find("unsafe"), std::string_view::npos) << "no inline script or eval, ever";
    EXPECT_NE(value.find("frame-ancestors 'none'"), std::string_view::npos);
  }
  EXPECT_TRUE(csp);

  head.if_none_match = answer->etag;
  answer = policy.decide(head);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 304);
  EXPECT_TRUE(answer->body.empty());

  head.target = "/elsewhere";
  answer = policy.decide(head);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 404);
  EXPECT_FALSE(answer->keep_alive);

  head.target = "/";
  head.is_get = false;
  answer = policy.decide(head);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 426) << "only GET reads a page";
}

}  // namespace
}  // namespace heard::server
