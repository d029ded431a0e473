// Built without libpq-dev: postgresql:// databases say so.
#include "sql_connection.hpp"

#include <stdexcept>

namespace tb::bench {

std::unique_ptr<sql_connection> open_postgres(const std::string&, const std::string& shown) {
  throw std::runtime_error(shown + ": this triton-bench was built without PostgreSQL (Debian libpq-dev)");
}

}  // namespace tb::bench
