#include "private_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace heard {
namespace {

namespace fs = std::filesystem;

class private_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("heard-private-file-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static unsigned mode(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }

  fs::path dir_;
};

TEST_F(private_file_test, writes_a_file_only_its_owner_can_read_and_replaces_it_whole) {
  const auto path = dir_ / "state";
  std::string error;
  ASSERT_TRUE(write_private_file(path.string(), "first", error)) << error;
  EXPECT_EQ(read(path), "first");
  EXPECT_EQ(mode(path), 0600u);
  fs::permissions(path, fs::perms::all);  // someone loosened it
  ASSERT_TRUE(write_private_file(path.string(), "second", error)) << error;
  EXPECT_EQ(read(path), "second");
  EXPECT_EQ(mode(path), 0600u) << "a rewrite makes it private again";
  EXPECT_EQ(entries(), 1u) << "no temporary is left behind";
}

TEST_F(private_file_test, a_new_file_never_replaces_one_of_the_same_name) {
  const auto stem = (dir_ / "words").string();
  std::string error;
  const auto first = write_new_private_file(stem, ".txt", "Alex's words", error);
  const auto second = write_new_private_file(stem, ".txt", "Sam's words", error);
  const auto third = write_new_private_file(stem, ".txt", "Rivera's notes", error);
  EXPECT_EQ(first, stem + ".txt") << error;
  EXPECT_EQ(second, stem + "-2.txt") << error;
  EXPECT_EQ(third, stem + "-3.txt") << error;
  EXPECT_EQ(read(first), "Alex's words");
  EXPECT_EQ(read(second), "Sam's words");
  EXPECT_EQ(read(third), "Rivera's notes");
  EXPECT_EQ(mode(second), 0600u);
  EXPECT_EQ(entries(), 3u) << "no temporary is left behind";
}

TEST_F(private_file_test, a_new_file_that_cannot_be_written_says_why) {
  std::string error;
  EXPECT_EQ(write_new_private_file((dir_ / "no" / "such" / "folder").string(), ".txt", "words", error), "");
  EXPECT_NE(error.find("cannot write"), std::string::npos) << error;
}

TEST_F(private_file_test, makes_missing_folders_private_when_asked) {
  const auto path = dir_ / "heard" / "session";
  std::string error;
  EXPECT_FALSE(write_private_file(path.string(), "words", error));
  EXPECT_NE(error.find("cannot write"), std::string::npos) << error;
  ASSERT_TRUE(write_private_file(path.string(), "words", error, true)) << error;
  EXPECT_EQ(read(path), "words");
  EXPECT_EQ(mode(dir_ / "heard"), 0700u);
}

TEST_F(private_file_test, a_failure_says_why_and_leaves_the_old_file) {
  const auto path = dir_ / "state";
  std::string error;
  ASSERT_TRUE(write_private_file(path.string(), "kept", error)) << error;
  // A folder where the file should go: the rename cannot replace it.
  const auto blocked = dir_ / "blocked";
  fs::create_directories(blocked / "inside");
  EXPECT_FALSE(write_private_file(blocked.string(), "lost", error));
  EXPECT_NE(error.find("cannot replace"), std::string::npos) << error;
  EXPECT_EQ(read(path), "kept");
  EXPECT_EQ(entries(), 2u) << "no temporary is left behind";
}

}  // namespace
}  // namespace heard
