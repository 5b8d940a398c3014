#include "tls_context.hpp"

#include <boost/system/system_error.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace heard::server {
namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "modern" profile: TLS 1.3 only, its three AEAD suites, and
// X25519/P-256/P-384 for key exchange. The certificate is ECDSA P-256.
constexpr const char* tls13_suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* tls_groups = "X25519:P-256:P-384";

}  // namespace

void configure_server_tls(ssl::context& ctx, const std::string& cert_file, const std::string& key_file) {
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION);
  SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
  if (SSL_CTX_set_ciphersuites(native, tls13_suites) != 1 || SSL_CTX_set1_groups_list(native, tls_groups) != 1) {
    throw std::runtime_error("OpenSSL refused the TLS 1.3 suites or groups");
  }
  // No resumption is used, so no tickets: each one would be state to protect.
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_num_tickets(native, 0);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  try {
    ctx.use_certificate_chain_file(cert_file);
    ctx.use_private_key_file(key_file, ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot load the TLS certificate '" + cert_file + "' and key '" + key_file +
                             "': " + e.what() + " (for development, run certs/make-dev-certs.sh)");
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("the TLS key '" + key_file + "' does not match the certificate");
  }
}

bool openssl_frees_buffers_safely() { return OpenSSL_version_num() >= 0x300000e0L; }

}  // namespace heard::server
