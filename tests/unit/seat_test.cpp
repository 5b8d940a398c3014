#include <gtest/gtest.h>

#include "seat.hpp"

namespace heard {
namespace {

TEST(seat, a_table_has_one_row_per_seat) {
  seat_table<int> t;
  t[v1::SEAT_A] = 1;
  t[v1::SEAT_B] = 2;
  t[v1::SEAT_COUNSELOR] = 3;
  int sum = 0;
  for (int v : t) sum += v;
  EXPECT_EQ(sum, 6);
  EXPECT_EQ(t[v1::SEAT_B], 2);
  EXPECT_EQ(other_partner(v1::SEAT_A), v1::SEAT_B);
  EXPECT_EQ(other_partner(v1::SEAT_B), v1::SEAT_A);
  EXPECT_TRUE(addresses(to_a | to_counselor, v1::SEAT_COUNSELOR));
  EXPECT_FALSE(addresses(to_a | to_counselor, v1::SEAT_B));
  EXPECT_FALSE(addresses(everyone, v1::SEAT_UNSPECIFIED));
}

TEST(seat, a_member_is_read_from_its_own_fields_only) {
  v1::Snapshot s;
  member_in(s, v1::SEAT_B).set_name("Sam");
  member_in(s, v1::SEAT_B).set_checked_in(true);
  member_in(s, v1::SEAT_COUNSELOR).set_link(v1::LINK_DROPPED);
  EXPECT_EQ(member_of(s, v1::SEAT_B).name(), "Sam");
  EXPECT_TRUE(member_of(s, v1::SEAT_B).checked_in());
  EXPECT_FALSE(member_of(s, v1::SEAT_A).checked_in());
  EXPECT_FALSE(member_of(s, v1::SEAT_COUNSELOR).checked_in()) << "a counselor gives no check-in";
  EXPECT_EQ(member_of(s, v1::SEAT_COUNSELOR).link(), v1::LINK_DROPPED);
}

TEST(seat, names_say_you_then_the_name_then_the_role) {
  v1::Snapshot s;
  member_in(s, v1::SEAT_A).set_name("Alex");
  EXPECT_EQ(seat_name(s, v1::SEAT_A, v1::SEAT_A, seat_naming::sentence), "you");
  EXPECT_EQ(seat_name(s, v1::SEAT_B, v1::SEAT_A, seat_naming::line), "Alex");
  EXPECT_EQ(seat_name(s, v1::SEAT_A, v1::SEAT_B, seat_naming::line), "partner");
  EXPECT_EQ(seat_name(s, v1::SEAT_A, v1::SEAT_B, seat_naming::sentence), "your partner");
  EXPECT_EQ(seat_name(s, v1::SEAT_A, v1::SEAT_COUNSELOR, seat_naming::sentence), "your counselor");
  EXPECT_EQ(seat_name(s, v1::SEAT_COUNSELOR, v1::SEAT_B, seat_naming::line), "B");
  EXPECT_EQ(seat_name(s, v1::SEAT_COUNSELOR, v1::SEAT_B, seat_naming::sentence), "partner B");
}

}  // namespace
}  // namespace heard
