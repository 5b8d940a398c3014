// The one translation unit that compiles Asio, Asio-SSL and Beast's
// non-template code (BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION): every other file that includes them
// compiles faster and links this instead. It lives beside the pure code only
// because both the server and the client link it; heard_common does not.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
