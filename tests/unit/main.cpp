// The Catch2 v2 runner of gilhost's unit tests (pure C++ parts: no interpreter needed).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
