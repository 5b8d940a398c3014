#include "sealing.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdio>
#include <memory>
#include <span>

namespace heard::sealing {
namespace {

using sealed_format::bucket_for;
using sealed_format::buckets;
using sealed_format::length_prefix_bytes;
using sealed_format::nonce_bytes;
using sealed_format::tag_bytes;

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct pkey_ctx_free {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct cipher_ctx_free {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct kdf_free {
  void operator()(EVP_KDF* p) const { EVP_KDF_free(p); }
};
struct kdf_ctx_free {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

// Every label and variable-length field is length-prefixed (two bytes, big
// endian), so no two different inputs hash or bind to the same bytes.
void put_lp(std::string& out, std::string_view field) {
  out.push_back(static_cast<char>((field.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(field.size() & 0xff));
  out.append(field);
}
void put_seat(std::string& out, v1::Seat seat) { out.push_back(static_cast<char>(seat)); }
void put_key(std::string& out, const key32& key) { out.append(reinterpret_cast<const char*>(key.data()), key.size()); }

key32 sha256(std::string_view bytes) {
  key32 out{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

std::optional<key32> hkdf_sha256(std::span<const unsigned char> ikm, const key32& salt, std::string_view info) {
  std::unique_ptr<EVP_KDF, kdf_free> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return std::nullopt;
  std::unique_ptr<EVP_KDF_CTX, kdf_ctx_free> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return std::nullopt;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(ikm.data()), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<unsigned char*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
      OSSL_PARAM_construct_end(),
  };
  key32 out{};
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) return std::nullopt;
  return out;
}

}  // namespace

std::string bytes_of(const key32& key) { return {reinterpret_cast<const char*>(key.data()), key.size()}; }

std::optional<key32> key_from_bytes(std::string_view bytes) {
  if (bytes.size() != key32{}.size()) return std::nullopt;
  key32 key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

key_pair key_pair_from(const key32& random) {
  key_pair pair;
  pair.private_key = random;
  pkey_ptr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, random.data(), random.size()));
  std::size_t size = pair.public_key.size();
  if (key) EVP_PKEY_get_raw_public_key(key.get(), pair.public_key.data(), &size);
  return pair;
}

key32 commitment(std::string_view session, v1::Seat seat, const key32& public_key) {
  std::string in;
  put_lp(in, "heard/commit/1");
  put_lp(in, session);
  put_seat(in, seat);
  put_key(in, public_key);
  return sha256(in);
}

key32 transcript_hash(std::string_view session, const std::vector<std::pair<v1::Seat, key32>>& keys) {
  std::string in;
  put_lp(in, "heard/keys/1");
  put_lp(in, session);
  for (const auto& [seat, key] : keys) {
    put_seat(in, seat);
    put_key(in, key);
  }
  return sha256(in);
}

std::optional<key32> content_key(const key32& my_private, const key32& their_public, const key32& transcript,
                                 v1::Seat sender, v1::Seat recipient) {
  pkey_ptr mine(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, my_private.data(), my_private.size()));
  pkey_ptr theirs(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, their_public.data(), their_public.size()));
  if (!mine || !theirs) return std::nullopt;
  std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free> ctx(EVP_PKEY_CTX_new(mine.get(), nullptr));
  key32 secret{};
  std::size_t size = secret.size();
  // OpenSSL refuses an all-zero X25519 result (a low-order peer key).
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), theirs.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), secret.data(), &size) != 1 || size != secret.size()) {
    return std::nullopt;
  }
  std::string info = "heard/content/1";
  put_seat(info, sender);
  put_seat(info, recipient);
  return hkdf_sha256(secret, transcript, info);
}

std::string safety_code(const key32& transcript) {
  std::string in;
  put_lp(in, "heard/safety-code/1");
  put_key(in, transcript);
  const key32 h = sha256(in);
  const std::uint32_t n = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) | h[3];
  char out[8];
  const unsigned code = n % 1'000'000U;
  std::snprintf(out, sizeof out, "%03u %03u", code / 1000U, code % 1000U);
  return out;
}

std::string associated_data(const binding& b) {
  std::string ad;
  put_lp(ad, "heard/box/1");
  put_lp(ad, b.session);
  put_seat(ad, b.sender);
  put_seat(ad, b.recipient);
  ad.push_back(static_cast<char>(b.kind));
  for (int shift = 56; shift >= 0; shift -= 8) ad.push_back(static_cast<char>((b.counter >> shift) & 0xff));
  return ad;
}

std::optional<std::string> seal(const key32& key, const binding& b, std::string_view content, const nonce12& nonce) {
  const auto bucket = bucket_for(content.size());
  if (!bucket) return std::nullopt;
  std::string plain(*bucket, '\0');
  const auto n = static_cast<std::uint32_t>(content.size());
  plain[0] = static_cast<char>(n >> 24);
  plain[1] = static_cast<char>(n >> 16);
  plain[2] = static_cast<char>(n >> 8);
  plain[3] = static_cast<char>(n);
  plain.replace(length_prefix_bytes, content.size(), content);

  const std::string ad = associated_data(b);
  std::string box(sealed_format::box_bytes(*bucket), '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  std::copy(nonce.begin(), nonce.end(), out);
  std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free> ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), key.data(), nonce.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()),
                        static_cast<int>(ad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out + nonce_bytes, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + nonce_bytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_bytes),
                          out + nonce_bytes + plain.size()) != 1) {
    return std::nullopt;
  }
  return box;
}

opened open(const key32& key, const binding& b, std::string_view box) {
  opened result;
  if (!sealed_format::valid_box_size(box.size(), buckets.back())) {
    result.failure = open_failure::bad_size;
    return result;
  }
  const auto* in = reinterpret_cast<const unsigned char*>(box.data());
  const std::size_t cipher_bytes = box.size() - nonce_bytes - tag_bytes;
  const std::string ad = associated_data(b);
  std::string plain(cipher_bytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free> ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  std::array<unsigned char, tag_bytes> tag{};
  std::copy(in + nonce_bytes + cipher_bytes, in + box.size(), tag.begin());
  if (!ctx || EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), key.data(), in, nullptr) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()),
                        static_cast<int>(ad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &len, in + nonce_bytes, static_cast<int>(cipher_bytes)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_bytes), tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) != 1) {
    result.failure = open_failure::not_authentic;
    return result;
  }
  const std::uint32_t n = (std::uint32_t{out[0]} << 24) | (std::uint32_t{out[1]} << 16) | (std::uint32_t{out[2]} << 8) |
                          std::uint32_t{out[3]};
  // The bucket must be the smallest that fits, and the padding all zeros: a
  // box is exactly what a correct sender makes, or it is refused.
  if (n > cipher_bytes - length_prefix_bytes || bucket_for(n) != cipher_bytes ||
      plain.find_first_not_of('\0', length_prefix_bytes + n) != std::string::npos) {
    result.failure = open_failure::bad_padding;
    return result;
  }
  result.content = plain.substr(length_prefix_bytes, n);
  return result;
}

}  // namespace heard::sealing
