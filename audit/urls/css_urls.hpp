// URLs in CSS: url(...) in declarations and @import "..." rules (style attributes and <style> blocks).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::urls {

std::vector<std::string> find_css_urls(std::string_view css, std::size_t max = 1000);

}  // namespace mailaudit::urls
