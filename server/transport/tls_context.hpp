#pragma once

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace heard::server {

/// The server's TLS policy, Mozilla "modern": TLS 1.3 only, its three AEAD
/// suites, X25519/P-256/P-384, no tickets or renegotiation; then the
/// certificate chain and key. Throws std::runtime_error saying what to do
/// when they cannot be used.
void configure_server_tls(boost::asio::ssl::context& ctx, const std::string& cert_file, const std::string& key_file);

/// Whether this OpenSSL may free a quiet link's record buffers on request
/// (3.0.14 and later): before it SSL_free_buffers could free a half-read
/// record (CVE-2024-4741), so the buffers go with every record instead.
bool openssl_frees_buffers_safely();

}  // namespace heard::server
