-- wrk: one request over and over (method, path, headers and body from the environment), and at the end the
-- p50/p95/p99 latency in ms and the count of answers other than the expected status, on one line:
-- "LATENCY p50 p95 p99 unexpected". Environment: BENCH_METHOD (GET), BENCH_PATH, BENCH_COOKIE, BENCH_STATUS (200).
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("BENCH_COOKIE")
local expected = tonumber(os.getenv("BENCH_STATUS") or "200")
local unexpected = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  return wrk.format(method, path, { ["Cookie"] = cookie })
end

function response(status)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("unexpected") or 0) end
  io.write(string.format("LATENCY %.2f %.2f %.2f %d\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, bad))
end
