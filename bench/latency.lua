-- wrk: one kind of request over and over, and at the end its p50/p95/p99 latency in ms and the count of answers
-- other than the expected status, on one line: "LATENCY p50 p95 p99 unexpected".
-- Environment: BENCH_PATH, BENCH_COOKIE, BENCH_STATUS (200), BENCH_DELAY_MS (optional: a pause per connection
-- between requests, for a fixed rate). With BENCH_FORM, a form POST of that body with
-- "&date=" and the next of the comma-separated BENCH_DATES appended (the morning rush of absences, each a write).
local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("BENCH_COOKIE")
local expected = tonumber(os.getenv("BENCH_STATUS") or "200")
local form = os.getenv("BENCH_FORM")
local dates = {}
for d in string.gmatch(os.getenv("BENCH_DATES") or "", "[^,]+") do dates[#dates + 1] = d end
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local threads = {}
local unexpected = 0
local n = 0

function setup(thread)
  table.insert(threads, thread)
end

function request()
  if not form then return wrk.format("GET", path, { ["Cookie"] = cookie }) end
  n = n + 1
  return wrk.format("POST", path, { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded" },
    form .. "&date=" .. dates[(n % #dates) + 1])
end

function delay()
  return delay_ms
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
