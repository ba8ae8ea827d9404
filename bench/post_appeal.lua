-- wrk script of the intake benchmark: every request POSTs one valid appeal.
--
-- Environment:
--   POS_BENCH_KEY   the organisation's API key (required)
--   POS_BENCH_CONTACT  "phone" for an appeal without e-mail (no notice); else it has one
--   POS_BENCH_RATE  requests per second for each wrk thread; unset or 0 means as fast as the
--                   connections allow (the peak runs)
--
-- Fixed rate. wrk calls delay() before every request it sends, including each connection's
-- first, and waits that many milliseconds; latency is timed from the write, so the wait is not
-- counted. delay() here hands out send times from one schedule per thread, `1000 / rate` ms
-- apart, read off CLOCK_MONOTONIC through LuaJIT's ffi. A connection that comes back late finds
-- its slot already due and sends at once, so the schedule is kept as long as some connection is
-- free: run with more connections than rate x worst latency. (wrk2 would also correct the
-- latency of requests a stalled server delayed; with spare connections there are few.)
-- done() prints one line of JSON for bench/intake.py, from the histogram --latency reports.

local key = os.getenv("POS_BENCH_KEY")
if key == nil or key == "" then
  error("POS_BENCH_KEY must hold the API key")
end
local rate = tonumber(os.getenv("POS_BENCH_RATE") or "0") or 0

wrk.method = "POST"
wrk.path = "/api/v1/appeals"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"
-- POS_BENCH_CONTACT=phone files the appeal with a phone number instead of an e-mail address:
-- no notice is sent for it
local contact = '{"name":"Иван Петров","email":"ivan.petrov@example.ru"}'
if os.getenv("POS_BENCH_CONTACT") == "phone" then
  contact = '{"name":"Иван Петров","phone":"+7 916 123-45-67"}'
end
wrk.body = '{"category":"roads","text":"Яма на проезжей части у дома 12 по улице Ленина, '
  .. 'глубина около 20 см, машины объезжают её по встречной полосе.","address":"ул. Ленина, 12",'
  .. '"contact":' .. contact .. ',"consent":true}'

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef([[
    typedef struct { long tv_sec; long tv_nsec; } pos_bench_timespec;
    int clock_gettime(int clock_id, pos_bench_timespec *tp);
  ]])
  local CLOCK_MONOTONIC = 1
  local ts = ffi.new("pos_bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end

  local interval = 1000 / rate
  local next_at = nil

  function delay()
    local now = now_ms()
    if next_at == nil then
      next_at = now
    end
    local wait = next_at - now
    next_at = next_at + interval
    if wait <= 0 then
      return 0
    end
    return math.floor(wait)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'POS_BENCH_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,'
      .. '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
