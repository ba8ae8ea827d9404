-- wrk script of the polls benchmark: every request POSTs one ballot to one poll at the
-- `anyone` level, without a voter id, so each is a new voter and is counted.
--
-- Environment:
--   POS_BENCH_POLL  the poll's id (required)
-- done() prints one line of JSON, as post_appeal.lua's does.

local poll = os.getenv("POS_BENCH_POLL")
if poll == nil or poll == "" then
  error("POS_BENCH_POLL must hold the poll's id")
end

wrk.method = "POST"
wrk.path = "/api/v1/polls/" .. poll .. "/votes"
wrk.headers["Content-Type"] = "application/json"
local bodies = {
  '{"answers":{"q1":"a","q2":["light","play"],"q3":4}}',
  '{"answers":{"q1":"b","q2":"bench","q3":5}}',
  '{"answers":{"q1":"a","q2":["bench"],"q3":2}}',
}
local n = 0

function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])
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
