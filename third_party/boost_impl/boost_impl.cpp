// The one translation unit that compiles Asio, Asio-SSL and Beast's
// non-template code (BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION): every other file that includes them
// compiles faster and links this instead. Both the server and the client
// link it; the pure libraries (heard_common) do not.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
