// ThreadSanitizer runner for the tracer's lock-free structures (no Python: TSan and an
// uninstrumented libpython do not mix).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
