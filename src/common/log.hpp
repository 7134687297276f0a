#pragma once
// Structured JSON log lines on stderr. Log ids, never names, emails or tokens.
#include <boost/json/object.hpp>
#include <string_view>

namespace common {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view message, boost::json::object fields = {});
inline void LogInfo(std::string_view m, boost::json::object f = {}) { Log(LogLevel::kInfo, m, std::move(f)); }
inline void LogWarn(std::string_view m, boost::json::object f = {}) { Log(LogLevel::kWarn, m, std::move(f)); }
inline void LogError(std::string_view m, boost::json::object f = {}) { Log(LogLevel::kError, m, std::move(f)); }

}  // namespace common
