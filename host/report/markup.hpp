// Escaping text for HTML and SVG, shared by every page gilhost writes.
#pragma once

#include <string>
#include <string_view>

namespace gilhost::report {

// Replaces & < > " with their entities: safe inside element text and quoted attributes.
std::string xml_escape(std::string_view s);

}  // namespace gilhost::report
