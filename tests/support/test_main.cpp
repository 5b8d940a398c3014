// The main() of every Heard test binary: GoogleTest's, plus one rule.
//
// An ASSERT_* inside a helper or a lambda only returns from that helper, and
// the test goes on with what the assertion said was missing (a stock Debian's
// ::1-first localhost once turned one such failure into a segfault). Turning
// every fatal failure into an exception stops the test where it failed, in a
// helper at any depth, as GoogleTest's advanced guide suggests ("Asserting on
// Subroutines with an exception"). GoogleTest catches AssertionException
// itself and reports the failure once.
#include <gtest/gtest.h>

namespace {

class throw_on_fatal_failure : public ::testing::EmptyTestEventListener {
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (result.type() == ::testing::TestPartResult::kFatalFailure) throw ::testing::AssertionException(result);
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Appended last, so the default printer has reported the failure first.
  ::testing::UnitTest::GetInstance()->listeners().Append(new throw_on_fatal_failure);
  return RUN_ALL_TESTS();
}
