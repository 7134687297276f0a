-- wrk: kiosk scans, each with its own scan_id, the cards of one site in turn, the scan time now.
-- Environment: BENCH_CARDS (a file of "child-id payload [kiosk]" lines), BENCH_KIOSK (the kiosk credential),
-- BENCH_DELAY_MS (optional: a pause per connection between requests, for a fixed rate).
local cards, kiosks = {}, {}
local kiosk = os.getenv("BENCH_KIOSK")
for line in io.lines(os.getenv("BENCH_CARDS")) do
  -- "child-id payload", or "child-id payload kiosk-credential" for cards of several sites (each its own kiosk)
  local payload, own = line:match("^%d+ (%S+) ?(%S*)$")
  if payload then
    cards[#cards + 1] = payload
    kiosks[#kiosks + 1] = (own ~= "" and own) or kiosk
  end
end
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
-- A token of this run in every scan_id: Lua's random numbers start alike in every run, and a scan_id sent in an
-- earlier run (the warm-up) is a cheap replay, not a scan.
local urandom = io.open("/dev/urandom", "rb")
local run = urandom:read(6):gsub(".", function(c) return string.format("%02x", c:byte()) end)
urandom:close()
local threads = 0
local threads_list = {}

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
  table.insert(threads_list, thread)
end

local n = 0
function request()
  n = n + 1
  local i = (n % #cards) + 1
  local body = string.format('{"card":"%s","scan_id":"b%s-%d-%d","scanned_at":"%s"}',
    cards[i], run, tid, n, os.date("!%Y-%m-%dT%H:%M:%S.000Z"))
  return wrk.format("POST", "/api/v1/kiosk/scans",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. kiosks[i] }, body)
end

function delay()
  return delay_ms
end

errors = 0  -- global: done() reads it from each thread
function response(status, headers, body)
  if status ~= 201 and status ~= 200 then errors = errors + 1 end
end

-- At the end: "SCANS p50 p99 errors" (ms), for runs that report the scans' own latency beside something else.
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads_list) do bad = bad + (t:get("errors") or 0) end
  io.write(string.format("SCANS %.2f %.2f %d\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end
