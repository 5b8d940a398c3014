#include "summary_format.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "codec.hpp"
#include "private_file.hpp"

namespace heard::client {
namespace {

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// People's words in Markdown: what could start a table cell, a heading,
// emphasis, a link or HTML is escaped; a line break becomes a space, so a
// table row stays one row.
std::string markdown(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (std::string_view("\\`*_{}[]<>()#+-!|~").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string how_it_ended(const v1::SessionSummary::Statement& st) {
  return st.timed_out() ? "time ran out" : st.moved_on() ? "moved on by the counselor" : "finished";
}

std::string seat_name(const v1::SessionSummary& s, v1::Seat seat) {
  const std::string& name = seat == v1::SEAT_A ? s.a_name() : s.b_name();
  if (!name.empty()) return name;
  return seat == v1::SEAT_A ? "Partner A" : "Partner B";
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string minutes(std::uint64_t ms) {
  std::ostringstream out;
  out << ms / 60000 << "m " << (ms / 1000) % 60 << "s";
  return out.str();
}

}  // namespace

std::string summary_json(const v1::SessionSummary& s) {
  std::ostringstream out;
  out << "{\n";
  out << "  \"topic\": " << json_string(s.topic()) << ",\n";
  out << "  \"partners\": {\"a\": " << json_string(seat_name(s, v1::SEAT_A))
      << ", \"b\": " << json_string(seat_name(s, v1::SEAT_B)) << "},\n";
  out << "  \"duration_ms\": " << s.duration_ms() << ",\n";
  out << "  \"rounds\": " << s.rounds() << ",\n";
  out << "  \"statements\": [";
  for (int i = 0; i < s.statements_size(); ++i) {
    const auto& st = s.statements(i);
    out << (i ? ",\n" : "\n") << "    {\"round\": " << st.round()
        << ", \"speaker\": " << json_string(st.speaker() == v1::SEAT_A ? "a" : "b")
        << ", \"paraphrase_attempts\": " << st.attempts() << ", \"timed_out\": " << (st.timed_out() ? "true" : "false")
        << ", \"moved_on\": " << (st.moved_on() ? "true" : "false") << "}";
  }
  out << (s.statements_size() ? "\n  ],\n" : "],\n");
  out << "  \"time_in_phase_ms\": {";
  for (int i = 0; i < s.phase_times_size(); ++i) {
    out << (i ? ", " : "") << json_string(lower(phase_name(s.phase_times(i).phase()))) << ": " << s.phase_times(i).ms();
  }
  out << "},\n";
  out << "  \"time_outs\": {\"a\": " << s.time_outs_a() << ", \"b\": " << s.time_outs_b() << "},\n";
  out << "  \"counselor_pauses\": " << s.holds() << ",\n";
  out << "  \"check_ins\": {";
  for (int i = 0; i < s.check_ins().answers_size(); ++i) {
    const auto& a = s.check_ins().answers(i);
    out << (i ? ",\n" : "\n") << "    " << json_string(a.seat() == v1::SEAT_A ? "a" : "b") << ": ";
    if (!a.answered()) {
      out << "null";
      continue;
    }
    out << "{\"felt_safe\": " << a.answers().felt_safe()
        << ", \"could_say_anything\": " << a.answers().could_say_anything()
        << ", \"partner_invested\": " << a.answers().partner_invested();
    // Only words the partner chose to share reach the counselor at all.
    if (!a.answers().words().empty()) out << ", \"shared_words\": " << json_string(a.answers().words());
    out << "}";
  }
  out << "\n  }\n}\n";
  return out.str();
}

std::string summary_markdown(const v1::SessionSummary& s) {
  std::ostringstream out;
  const auto a = seat_name(s, v1::SEAT_A), b = seat_name(s, v1::SEAT_B);
  out << "# Session summary: " << markdown(a) << " & " << markdown(b) << "\n\n";
  if (!s.topic().empty()) out << "Topic: " << markdown(s.topic()) << "\n\n";
  out << "Duration " << minutes(s.duration_ms()) << ", " << s.rounds() << " round" << (s.rounds() == 1 ? "" : "s")
      << ". Time-outs: " << markdown(a) << " " << s.time_outs_a() << ", " << markdown(b) << " " << s.time_outs_b()
      << ". Counselor pauses: " << s.holds() << ".\n\n";
  out << "## Statements\n\n| round | speaker | paraphrase attempts | the floor |\n| --- | --- | --- | --- |\n";
  for (const auto& st : s.statements()) {
    out << "| " << st.round() << " | " << markdown(seat_name(s, st.speaker())) << " | " << st.attempts() << " | "
        << how_it_ended(st) << " |\n";
  }
  out << "\n## Time in each phase\n\n| phase | time |\n| --- | --- |\n";
  for (const auto& t : s.phase_times())
    out << "| " << lower(phase_name(t.phase())) << " | " << minutes(t.ms()) << " |\n";
  out << "\n## Check-ins (1 = not at all, 5 = fully)\n\n"
      << "| | safe and supported | could say anything | partner invested | words they shared with you |\n"
         "| --- | --- | --- | --- | --- |\n";
  for (const auto& ans : s.check_ins().answers()) {
    out << "| " << markdown(seat_name(s, ans.seat())) << " | ";
    if (!ans.answered()) {
      out << "- | - | - | (no answer) |\n";
      continue;
    }
    out << ans.answers().felt_safe() << " | " << ans.answers().could_say_anything() << " | "
        << ans.answers().partner_invested() << " | " << markdown(ans.answers().words()) << " |\n";
  }
  return out.str();
}

std::pair<std::string, std::string> write_summary(const v1::SessionSummary& summary, const std::string& path) {
  std::string base = path;
  for (std::string ext : {".json", ".md"}) {
    if (base.size() > ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0) {
      base.resize(base.size() - ext.size());
    }
  }
  const std::pair<std::string, std::string> paths{base + ".json", base + ".md"};
  for (const auto& [file, text] :
       {std::pair{paths.first, summary_json(summary)}, std::pair{paths.second, summary_markdown(summary)}}) {
    // Names, the topic and words a partner chose to share: the counselor's eyes only.
    std::string error;
    if (!write_private_file(file, text, error)) throw std::runtime_error("cannot write the summary: " + error);
  }
  return paths;
}

}  // namespace heard::client
