#include "secure_random.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace heard {

std::string secure_random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("the system random generator failed");
  }
  return out;
}

bool secure_random_bit() { return (static_cast<unsigned char>(secure_random_bytes(1)[0]) & 1) != 0; }

std::string log_label(const std::string& secret_id) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(secret_id.data(), secret_id.size(), digest, &size, EVP_sha256(), nullptr);
  return to_hex(std::string(reinterpret_cast<char*>(digest), size)).substr(0, 12);
}

}  // namespace heard
