// libFuzzer: message decoding and every validation a decoded message meets.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec.hpp"
#include "invite_code.hpp"
#include "text_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoded = heard::decode_client(bytes);
  if (auto* m = std::get_if<heard::v1::ClientMessage>(&decoded)) {
    (void)heard::body_name(*m);
    (void)heard::negotiate_version(m->hello());
    (void)heard::check_name(m->hello().display_name(), 64);
    (void)heard::check_text(m->hello().create().topic(), 1000);
    (void)heard::check_text(m->draft().text(), 4000);
    (void)heard::check_text(m->end_turn().text(), 4000);
    (void)heard::check_text(m->judge().missed(), 4000);
    (void)heard::check_text(m->check_in().words(), 1000);
    (void)heard::check_text(m->counsel().note().text(), 1000);
    (void)heard::normalize_invite_code(m->draft().text());
  }
  auto server = heard::decode_server(bytes);
  if (auto* m = std::get_if<heard::v1::ServerMessage>(&server)) (void)heard::body_name(*m);
  (void)heard::normalize_invite_code(bytes);
  (void)heard::count_code_points(bytes);
  return 0;
}
