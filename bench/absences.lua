-- wrk: the morning rush — a guardian's phone reporting absences (POST /family/children/{id}/contact), each for
-- the next open day in turn, so every request writes a plan change and a contact row. At the end:
-- "LATENCY p50 p95 p99 unexpected" (ms; answers other than 303). Environment: BENCH_COOKIE (the guardian's
-- session), BENCH_CSRF, BENCH_CHILD, BENCH_DATES (comma-separated open days).
local cookie = os.getenv("BENCH_COOKIE")
local csrf = os.getenv("BENCH_CSRF")
local path = "/family/children/" .. os.getenv("BENCH_CHILD") .. "/contact"
local dates = {}
for d in string.gmatch(os.getenv("BENCH_DATES"), "[^,]+") do dates[#dates + 1] = d end
local threads = {}
local unexpected = 0
local n = 0

function setup(thread)
  table.insert(threads, thread)
end

function request()
  n = n + 1
  local body = "_csrf=" .. csrf .. "&kind=absence&absence_reason=illness&note=bench&date=" .. dates[(n % #dates) + 1]
  return wrk.format("POST", path,
    { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status)
  if status ~= 303 then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("unexpected") or 0) end
  io.write(string.format("LATENCY %.2f %.2f %.2f %d\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, bad))
end
