#include "tui_model.hpp"

#include <gtest/gtest.h>

namespace heard::client::tui {
namespace {

session_view view_in(v1::Phase phase, v1::Seat me, v1::Seat speaker = v1::SEAT_A) {
  session_view v;
  v.my_seat = me;
  v.invite_code = "7KQ2-M9XD-4TRB";
  auto& s = v.snapshot;
  s.set_phase(phase);
  s.set_mode(v1::MODE_TEXT);
  member_in(s, v1::SEAT_A).set_name("Alex");
  member_in(s, v1::SEAT_B).set_name("Sam");
  member_in(s, v1::SEAT_A).set_present(true);
  member_in(s, v1::SEAT_B).set_present(phase != v1::PHASE_WAITING_FOR_PARTNER);
  s.set_round(phase >= v1::PHASE_SPEAKING ? 1 : 0);
  s.set_attempt(1);
  s.set_speaker(speaker);
  const v1::Seat listener = speaker == v1::SEAT_A ? v1::SEAT_B : v1::SEAT_A;
  if (phase == v1::PHASE_SPEAKING || phase == v1::PHASE_CONFIRMING) s.set_floor_holder(speaker);
  if (phase == v1::PHASE_PARAPHRASING) s.set_floor_holder(listener);
  return v;
}

std::string screen_text(const frame& f) {
  std::string out;
  for (const auto& r : f.rows) out += r.text + "\n";
  return out;
}

TEST(tui_wrap, breaks_at_spaces_and_keeps_line_breaks) {
  EXPECT_EQ(wrap("one two three four", 9), (std::vector<std::string>{"one two", "three", "four"}));
  EXPECT_EQ(wrap("first\nsecond", 20), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(wrap("", 10), (std::vector<std::string>{""}));
}

TEST(tui_wrap, splits_a_word_longer_than_the_line) {
  EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

TEST(tui_wrap, counts_wide_characters_as_two_columns) {
  EXPECT_EQ(display_width("caf\xC3\xA9"), 4u);       // é is one column
  EXPECT_EQ(display_width("\xE6\x84\x9B"), 2u);      // 愛
  EXPECT_EQ(display_width("\xF0\x9F\x92\x9B"), 2u);  // 💛
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);         // e + combining acute
  // Newer emoji the hand-written table missed: the C library's knows them.
  EXPECT_EQ(display_width("\xF0\x9F\x9A\x80"), 2u);  // 🚀 U+1F680
  EXPECT_EQ(display_width("\xF0\x9F\xAB\x82"), 2u);  // 🫂 U+1FAC2
  EXPECT_EQ(display_width("\xF0\x9F\xAB\xB6"), 2u);  // 🫶 U+1FAF6
  EXPECT_EQ(display_width("\xED\x95\x9C"), 2u);      // 한 (Hangul)
  EXPECT_EQ(display_width("a\xE2\x80\x8B"
                          "b"),
            2u);  // zero-width space
  // Four CJK characters need 8 columns: at 5 they wrap two by two.
  EXPECT_EQ(wrap("\xE6\x84\x9B\xE6\x84\x9B\xE6\x84\x9B\xE6\x84\x9B", 5).size(), 2u);
  for (const auto& line : wrap("\xE6\x84\x9B \xE6\x84\x9B \xE6\x84\x9B caf\xC3\xA9 \xF0\x9F\x92\x9B", 6)) {
    EXPECT_LE(display_width(line), 6u) << line;
  }
}

TEST(tui_wrap, ranges_cover_every_character_once_in_order_within_the_width) {
  for (std::string text : {"one two three four", "first\nsecond\n\nthird", "abcdefghij klm", "  lead  and  trail  ",
                           "\xE6\x84\x9B\xE6\x84\x9B \xE6\x84\x9B caf\xC3\xA9"}) {
    for (std::size_t width : {1u, 3u, 4u, 9u, 40u}) {
      std::size_t next = 0;  // every byte before this is on a line, a line break, or a space at a break
      for (const auto& r : wrap_ranges(text, width)) {
        ASSERT_LE(next, r.begin) << text << " at " << width;
        for (std::size_t k = next; k < r.begin; ++k) {
          EXPECT_TRUE(text[k] == ' ' || text[k] == '\n') << "byte " << k << " of \"" << text << "\" at " << width;
        }
        const std::string line = text.substr(r.begin, r.end - r.begin);
        // One wide character on a line one column wide is shown anyway.
        EXPECT_LE(display_width(line), std::max<std::size_t>(width, 2)) << line;
        next = r.end;
      }
      for (std::size_t k = next; k < text.size(); ++k) EXPECT_EQ(text[k], ' ') << text << " at " << width;
    }
  }
}

TEST(tui_cursor, places_a_position_on_the_wrapped_lines) {
  const std::string text = "one two three\nfour";  // at 9: "one two" / "three" / "four"
  EXPECT_EQ(place_cursor(text, 9, 0).line, 0u);
  EXPECT_EQ(place_cursor(text, 9, 4).col, 4u);   // before "two"
  EXPECT_EQ(place_cursor(text, 9, 8).line, 1u);  // "three" starts a line
  EXPECT_EQ(place_cursor(text, 9, 8).col, 0u);
  EXPECT_EQ(place_cursor(text, 9, 13).col, 5u);   // the end of "three", before the line break
  EXPECT_EQ(place_cursor(text, 9, 14).line, 2u);  // after the line break
  EXPECT_EQ(place_cursor(text, 9, text.size()).col, 4u);
  EXPECT_EQ(place_cursor("hello ", 20, 6).col, 6u) << "after a space just typed";
  EXPECT_EQ(place_cursor("\xE6\x84\x9Bx", 20, 3).col, 2u) << "a wide character is two columns";
  // 🫂🫶 then x: the cursor after them is at column 4, and at width 5 the x still fits the line.
  const std::string hugs = "\xF0\x9F\xAB\x82\xF0\x9F\xAB\xB6x";
  EXPECT_EQ(place_cursor(hugs, 20, 8).col, 4u);
  EXPECT_EQ(place_cursor(hugs, 5, hugs.size()).line, 0u);
  EXPECT_EQ(place_cursor(hugs, 5, hugs.size()).col, 5u);
}

TEST(tui_cursor, edits_at_the_cursor_by_whole_code_points) {
  std::string text = "I miss you";
  text_cursor c;
  c.left(text);
  c.left(text);
  c.left(text);  // before "you"
  c.insert(text, "all of ");
  EXPECT_EQ(text, "I miss all of you");
  EXPECT_EQ(c.offset(text), 14u) << "the cursor stays after what was typed";
  c.backspace(text);
  EXPECT_EQ(text, "I miss all ofyou");
  c.erase_forward(text);
  EXPECT_EQ(text, "I miss all ofou");
  c.end(text);
  EXPECT_EQ(c.from_end, 0u);

  std::string wide = "ok\xE6\x84\x9B!";
  text_cursor w;
  w.left(wide);
  w.backspace(wide);
  EXPECT_EQ(wide, "ok!") << "Backspace removes the whole character";
  w.left(wide);
  EXPECT_EQ(w.offset(wide), 1u);
  w.erase_forward(wide);
  EXPECT_EQ(wide, "o!");
  w.left(wide);
  w.left(wide);  // stays at the start
  EXPECT_EQ(w.offset(wide), 0u);
  w.backspace(wide);
  EXPECT_EQ(wide, "o!");
}

TEST(tui_cursor, home_and_end_keep_to_the_persons_own_line) {
  std::string text = "first line\nsecond";
  text_cursor c;
  c.home(text);
  EXPECT_EQ(c.offset(text), 11u);
  c.left(text);  // onto the line break: the end of the first line
  c.home(text);
  EXPECT_EQ(c.offset(text), 0u);
  c.end(text);
  EXPECT_EQ(c.offset(text), 10u);
  // Counting from the end keeps the cursor where it was if the text is
  // replaced by a longer one (a restored draft), and at the end when cleared.
  text_cursor at_end;
  std::string cleared;
  EXPECT_EQ(at_end.offset(cleared), 0u);
  text_cursor far{100};
  EXPECT_EQ(far.offset(text), 0u);
}

TEST(tui_layout, fills_the_screen_exactly_at_80x24_and_other_sizes) {
  ui_state ui;
  for (auto [w, h] : {std::pair<std::size_t, std::size_t>{80, 24}, {120, 40}, {20, 8}, {200, 60}}) {
    const auto f = layout(view_in(v1::PHASE_SPEAKING, v1::SEAT_A), ui, w, h);
    ASSERT_EQ(f.rows.size(), h);
    for (const auto& r : f.rows) EXPECT_LE(display_width(r.text), w) << r.text;
  }
}

// A narrow terminal shortens the names, never the safety code or the round.
TEST(tui_layout, on_a_narrow_screen_the_title_keeps_the_code_and_the_round) {
  auto view = view_in(v1::PHASE_SPEAKING, v1::SEAT_A);
  view.snapshot.set_guided(true);
  member_in(view.snapshot, v1::SEAT_COUNSELOR).set_name("Dana");
  member_in(view.snapshot, v1::SEAT_COUNSELOR).set_present(true);
  view.safety_code = "102 732";
  const auto wide = layout(view, ui_state{}, 100, 24).rows.front().text;
  EXPECT_EQ(wide, "Heard - Alex & Sam - guided by Dana   code 102 732 (F12)   round 1");
  const auto narrow = layout(view, ui_state{}, 50, 24).rows.front().text;
  EXPECT_LE(display_width(narrow), 50u);
  EXPECT_EQ(narrow, "Heard - Alex & Sam   code 102 732 (F12)   round 1");
  EXPECT_EQ(layout(view, ui_state{}, 45, 24).rows.front().text, "Heard - Alex &   code 102 732 (F12)   round 1");
  const auto tiny = layout(view, ui_state{}, 30, 24).rows.front().text;
  EXPECT_EQ(tiny, "code 102 732 (F12)   round 1");
}

TEST(tui_layout, a_tiny_window_asks_to_be_larger) {
  const auto f = layout(view_in(v1::PHASE_SPEAKING, v1::SEAT_A), ui_state{}, 15, 5);
  ASSERT_EQ(f.rows.size(), 5u);
  EXPECT_NE(screen_text(f).find("larger"), std::string::npos);
}

TEST(tui_layout, every_phase_says_in_plain_words_what_is_happening) {
  ui_state ui;
  EXPECT_NE(header_sentence(view_in(v1::PHASE_WAITING_FOR_PARTNER, v1::SEAT_A), ui).find("7KQ2-M9XD-4TRB"),
            std::string::npos);
  EXPECT_EQ(header_sentence(view_in(v1::PHASE_SPEAKING, v1::SEAT_B), ui),
            "Alex is speaking - listen. You'll say it back when Alex is done.");
  EXPECT_EQ(header_sentence(view_in(v1::PHASE_PARAPHRASING, v1::SEAT_B), ui),
            "Your turn: say back what you heard, in your own words.");
  EXPECT_EQ(header_sentence(view_in(v1::PHASE_CONFIRMING, v1::SEAT_B), ui), "Waiting for Alex to confirm.");
  auto paused = view_in(v1::PHASE_PAUSED, v1::SEAT_A);
  paused.snapshot.set_pause_reason(v1::PAUSE_REASON_TIME_OUT);
  paused.snapshot.set_paused_by(v1::SEAT_A);
  EXPECT_EQ(header_sentence(paused, ui), "Paused by you - resume when you're ready.");
  paused.snapshot.set_pause_reason(v1::PAUSE_REASON_PARTNER_AWAY);
  paused.snapshot.set_paused_by(v1::SEAT_B);
  EXPECT_EQ(header_sentence(paused, ui), "Sam's connection dropped - waiting for them to come back.");
}

TEST(tui_layout, the_input_is_active_only_for_the_floor_holder_and_says_why_otherwise) {
  ui_state ui;
  std::string why;
  EXPECT_TRUE(input_active(view_in(v1::PHASE_SPEAKING, v1::SEAT_A), ui, &why));
  EXPECT_FALSE(input_active(view_in(v1::PHASE_SPEAKING, v1::SEAT_B), ui, &why));
  EXPECT_EQ(why, "Alex has the floor. Listen; you'll say it back when they're done.");
  const auto f = layout(view_in(v1::PHASE_SPEAKING, v1::SEAT_B), ui, 80, 24);
  EXPECT_NE(screen_text(f).find("Alex has the floor."), std::string::npos);
  EXPECT_EQ(f.cursor_row, -1) << "no cursor where nothing can be typed";
  auto spoken = view_in(v1::PHASE_SPEAKING, v1::SEAT_A);
  spoken.snapshot.set_mode(v1::MODE_SPOKEN);
  EXPECT_FALSE(input_active(spoken, ui, &why));
}

TEST(tui_layout, the_cursor_shows_where_it_was_moved_even_in_a_long_text) {
  auto view = view_in(v1::PHASE_SPEAKING, v1::SEAT_A);
  std::string text;
  for (int i = 1; i <= 12; ++i) text += "line " + std::to_string(i) + "\n";
  text += "the end";
  view.my_draft = text;
  ui_state ui;
  ui.cursor.from_end = text.size() - text.find("line 2");  // far above the last input rows
  const auto f = layout(view, ui, 80, 24);
  ASSERT_GE(f.cursor_row, 0);
  EXPECT_EQ(f.rows[static_cast<std::size_t>(f.cursor_row)].text, "> line 2");
  EXPECT_EQ(f.cursor_col, 2);
  ui.cursor.from_end = 0;
  const auto at_end = layout(view, ui, 80, 24);
  EXPECT_EQ(at_end.rows[static_cast<std::size_t>(at_end.cursor_row)].text, "> the end");
  EXPECT_EQ(at_end.cursor_col, 2 + 7);
}

TEST(tui_layout, my_text_shows_in_the_input_with_the_cursor_after_it) {
  auto view = view_in(v1::PHASE_SPEAKING, v1::SEAT_A);
  view.my_draft = "I have missed you";
  const auto f = layout(view, ui_state{}, 80, 24);
  ASSERT_GE(f.cursor_row, 0);
  EXPECT_EQ(f.rows[static_cast<std::size_t>(f.cursor_row)].text, "> I have missed you");
  EXPECT_EQ(f.cursor_col, 2 + 17);
}

TEST(tui_layout, the_partners_words_grow_above_and_earlier_rounds_are_quieter) {
  auto view = view_in(v1::PHASE_SPEAKING, v1::SEAT_B, v1::SEAT_A);
  view.snapshot.set_round(2);
  ui_state ui;
  ui.transcript.push_back({transcript_entry::kind::statement, v1::SEAT_B, "Round one words", {}, 1, ""});
  ui.transcript.push_back({transcript_entry::kind::paraphrase, v1::SEAT_A, "You said round one", {}, 1, ""});
  ui.transcript.push_back({transcript_entry::kind::verdict, v1::SEAT_B, "", v1::VERDICT_ACCURATE_DONE, 1, ""});
  ui.transcript.push_back({transcript_entry::kind::statement, v1::SEAT_A, "x", {}, 1, ""});
  ui.transcript.push_back({transcript_entry::kind::paraphrase, v1::SEAT_B, "y", {}, 1, ""});
  ui.partner_draft = "Now I am say";
  const auto f = layout(view, ui, 80, 24);
  bool saw_draft = false, earlier_dim = false;
  for (const auto& r : f.rows) {
    if (r.text == "  Now I am say") saw_draft = r.look == style::normal;
    if (r.text == "  Round one words") earlier_dim = r.look == style::dim;
  }
  EXPECT_TRUE(saw_draft);
  EXPECT_TRUE(earlier_dim);
}

// During a time-out or the counselor's hold the floor is still the
// speaker's: their words stay on the listener's and the counselor's screen.
TEST(tui_layout, the_writers_draft_stays_on_screen_through_a_pause_and_a_hold) {
  for (const bool held : {false, true}) {
    for (const v1::Seat me : {v1::SEAT_B, v1::SEAT_COUNSELOR}) {
      auto view = view_in(v1::PHASE_SPEAKING, me, v1::SEAT_A);
      auto& s = view.snapshot;
      s.set_floor_holder(v1::SEAT_UNSPECIFIED);
      if (held) {
        s.set_held(true);
      } else {
        s.set_phase(v1::PHASE_PAUSED);
        s.set_paused_phase(v1::PHASE_SPEAKING);
        s.set_pause_reason(v1::PAUSE_REASON_TIME_OUT);
        s.set_paused_by(v1::SEAT_B);
      }
      ui_state ui;
      ui.partner_draft = "What I was saying";
      const auto text = screen_text(layout(view, ui, 80, 24));
      EXPECT_NE(text.find("Alex is saying:"), std::string::npos) << text;
      EXPECT_NE(text.find("  What I was saying"), std::string::npos) << text;
    }
  }
}

TEST(tui_time, warns_once_when_thirty_and_ten_seconds_are_left) {
  EXPECT_EQ(time_warning(31'000, 30'000), "30 seconds left.");
  EXPECT_EQ(time_warning(30'000, 29'000), "") << "once";
  EXPECT_EQ(time_warning(10'500, 9'500), "10 seconds left.");
  EXPECT_EQ(time_warning(60'000, 59'000), "");
  EXPECT_EQ(time_warning(1'000, 0), "") << "time is up: the floor moving on says so";
}

// A floor that ran out, or that the counselor moved on, says so in the history.
TEST(tui_layout, a_turn_cut_by_time_or_by_the_counselor_is_marked) {
  auto view = view_in(v1::PHASE_PARAPHRASING, v1::SEAT_B, v1::SEAT_A);
  ui_state ui;
  ui.transcript.push_back({transcript_entry::kind::statement, v1::SEAT_A, "I was still", {}, 1, "time ran out here"});
  const auto text = screen_text(layout(view, ui, 80, 24));
  EXPECT_NE(text.find("  (time ran out here)"), std::string::npos) << text;
}

TEST(tui_layout, a_spoken_session_shows_who_spoke_not_empty_words) {
  auto view = view_in(v1::PHASE_CONFIRMING, v1::SEAT_B, v1::SEAT_A);
  view.snapshot.set_mode(v1::MODE_SPOKEN);
  ui_state ui;
  ui.transcript.push_back({transcript_entry::kind::statement, v1::SEAT_A, "", {}, 1, ""});
  ui.transcript.push_back({transcript_entry::kind::paraphrase, v1::SEAT_B, "", {}, 1, ""});
  const auto text = screen_text(layout(view, ui, 80, 24));
  EXPECT_NE(text.find("Alex spoke."), std::string::npos) << text;
  EXPECT_NE(text.find("You said it back, out loud."), std::string::npos) << text;
  EXPECT_EQ(text.find("said:"), std::string::npos) << text;
}

TEST(tui_layout, aids_open_only_when_asked_and_replace_the_conversation) {
  ui_state ui;
  auto view = view_in(v1::PHASE_SPEAKING, v1::SEAT_A);
  EXPECT_EQ(screen_text(layout(view, ui, 80, 24)).find("lonely"), std::string::npos);
  ui.open = panel::feelings;
  EXPECT_NE(screen_text(layout(view, ui, 80, 24)).find("lonely"), std::string::npos);
  // The list scrolls to keep the chosen word in sight.
  ui.feelings_cursor = feelings_flat().size() - 1;
  const auto bottom = layout(view, ui, 80, 24);
  EXPECT_NE(screen_text(bottom).find("> cared for"), std::string::npos);
  ui.open = panel::reminder;
  EXPECT_NE(screen_text(layout(view, ui, 80, 24)).find("No rebuttal, no advice"), std::string::npos);
}

// F12: the safety code, who holds the keys, and how to mark it compared; the
// same sentence the line mode prints on /code.
TEST(tui_layout, the_safety_code_panel_names_the_code_and_every_key_holder) {
  ui_state ui;
  ui.open = panel::safety_code;
  auto view = view_in(v1::PHASE_READY, v1::SEAT_A);
  EXPECT_NE(screen_text(layout(view, ui, 80, 24)).find("Not every key has arrived yet"), std::string::npos);
  view.safety_code = "276 142";
  view.key_holders = {v1::SEAT_A, v1::SEAT_B};
  ui.open = panel::none;
  EXPECT_NE(screen_text(layout(view, ui, 80, 24)).find("code 276 142 (F12)"), std::string::npos)
      << "in the title until compared";
  ui.open = panel::safety_code;
  auto text = screen_text(layout(view, ui, 80, 24));
  EXPECT_NE(text.find("276 142"), std::string::npos) << text;
  EXPECT_NE(text.find("Enter: the codes matched."), std::string::npos) << text;
  view.keys_compared = true;
  text = screen_text(layout(view, ui, 80, 24));
  EXPECT_NE(text.find("You marked it compared."), std::string::npos) << text;
  EXPECT_EQ(text.find("Enter: the codes matched."), std::string::npos) << text;
  ui.open = panel::none;
  EXPECT_EQ(screen_text(layout(view, ui, 80, 24)).find("code 276 142"), std::string::npos)
      << "compared: out of the way";
  ui.open = panel::safety_code;
  view.keys_problem = "The key of B does not match what it committed to.";
  EXPECT_NE(screen_text(layout(view, ui, 80, 24)).find("Keys do not match"), std::string::npos);
}

TEST(tui_layout, the_footer_shows_the_keys_of_the_moment_within_80_columns) {
  ui_state ui;
  for (auto phase :
       {v1::PHASE_READY, v1::PHASE_SPEAKING, v1::PHASE_PARAPHRASING, v1::PHASE_CONFIRMING, v1::PHASE_CHECK_IN}) {
    for (auto me : {v1::SEAT_A, v1::SEAT_B}) {
      EXPECT_LE(display_width(footer_keys(view_in(phase, me), ui)), 80u);
    }
  }
  EXPECT_NE(footer_keys(view_in(v1::PHASE_CONFIRMING, v1::SEAT_A), ui).find("1 accurate"), std::string::npos);
  EXPECT_EQ(footer_keys(view_in(v1::PHASE_CONFIRMING, v1::SEAT_B), ui).find("1 accurate"), std::string::npos);
}

// At 60x15 the footer keeps whole keys that matter now (the aids go first),
// never a key cut in half.
TEST(tui_layout, a_narrow_window_keeps_the_keys_that_matter_now) {
  ui_state ui;
  const auto f = layout(view_in(v1::PHASE_SPEAKING, v1::SEAT_A), ui, 60, 15);
  const std::string footer = f.rows.back().text;
  EXPECT_LE(display_width(footer), 60u);
  EXPECT_NE(footer.find("^D done"), std::string::npos) << footer;
  EXPECT_NE(footer.find("^Q leave"), std::string::npos) << footer;
  EXPECT_EQ(footer.find("F3"), std::string::npos) << "the aids give way first: " << footer;
  EXPECT_EQ(fit_keys("^D done  F2 feelings  ^Q leave", 20), "^D done  ^Q leave");
  EXPECT_EQ(fit_keys("^D done  ^T pause  ^Q leave", 12), "^D done");
  for (std::size_t width = 0; width < 70; ++width) {
    const auto kept = fit_keys(footer_keys(view_in(v1::PHASE_CONFIRMING, v1::SEAT_A), ui), width);
    EXPECT_LE(display_width(kept), width);
    EXPECT_TRUE(kept.empty() || kept.back() != ' ') << kept;
  }
}

TEST(tui_layout, the_check_in_is_a_small_form) {
  ui_state ui;
  ui.check_in = {5, 3, 0};
  ui.check_in_field = 2;
  const auto text = screen_text(layout(view_in(v1::PHASE_CHECK_IN, v1::SEAT_A), ui, 80, 24));
  EXPECT_NE(text.find("I felt safe and supported."), std::string::npos);
  EXPECT_NE(text.find("[5]"), std::string::npos);
  EXPECT_NE(text.find("> My partner was invested in what I said."), std::string::npos);
}

// The counselor answers no check-in: their screen keeps the session in view
// while the partners answer (it once showed the partners' form, because
// "not A" was taken to mean "B").
TEST(tui_layout, the_counselor_never_gets_the_check_in_form) {
  ui_state ui;
  auto view = view_in(v1::PHASE_CHECK_IN, v1::SEAT_COUNSELOR);
  view.snapshot.set_guided(true);
  member_in(view.snapshot, v1::SEAT_COUNSELOR).set_present(true);
  member_in(view.snapshot, v1::SEAT_A).set_checked_in(true);  // B has not answered yet
  const auto text = screen_text(layout(view, ui, 80, 24));
  EXPECT_EQ(text.find("I felt safe and supported."), std::string::npos) << text;
  EXPECT_FALSE(view.i_check_in());
  view.my_seat = v1::SEAT_B;
  EXPECT_TRUE(view.i_check_in()) << "B still has to answer";
  EXPECT_NE(screen_text(layout(view, ui, 80, 24)).find("I felt safe and supported."), std::string::npos);
}

}  // namespace
}  // namespace heard::client::tui
