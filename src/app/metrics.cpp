#include "app/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace app {

struct Metrics::Impl {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Counter>& requests = prometheus::BuildCounter()
                                                            .Name("tadaima_http_requests_total")
                                                            .Help("HTTP requests by route, method and status")
                                                            .Register(*registry);
    prometheus::Family<prometheus::Histogram>& latency = prometheus::BuildHistogram()
                                                             .Name("tadaima_http_request_duration_seconds")
                                                             .Help("Time from request head to response, by route")
                                                             .Register(*registry);
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::ObserveRequest(const std::string& route, const std::string& method, int status, double seconds) {
    static const prometheus::Histogram::BucketBoundaries kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                     0.05,   0.1,   0.25,   0.5,   1,    2.5};
    impl_->requests.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}}).Increment();
    impl_->latency.Add({{"route", route}}, kBuckets).Observe(seconds);
}

std::string Metrics::Render() const { return prometheus::TextSerializer().Serialize(impl_->registry->Collect()); }

}  // namespace app
