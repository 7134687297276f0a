#pragma once
// Prometheus metrics: request counts and latency histograms per route (prometheus-cpp's core, text format).
#include <memory>
#include <string>

namespace app {

class Metrics {
 public:
    Metrics();
    ~Metrics();
    void ObserveRequest(const std::string& route, const std::string& method, int status, double seconds);
    std::string Render() const;

 private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace app
