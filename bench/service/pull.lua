-- wrk script for bench/run-service.sh: reads 50-event pages of the generic feed at random positions of a
-- bulk-loaded log. Environment: BENCH_TOKEN, BENCH_RESOURCES (how many resources app_ttd_pull_<n>),
-- BENCH_CHUNKS ("tx:firstSeq:lastSeq,..." of the loaded transactions).
local token = os.getenv("BENCH_TOKEN") or ""
local resources = tonumber(os.getenv("BENCH_RESOURCES") or "100")
local chunks = {}
for tx, lo, hi in string.gmatch(os.getenv("BENCH_CHUNKS") or "", "(%d+):(%d+):(%d+)") do
  table.insert(chunks, {tx, tonumber(lo), tonumber(hi)})
end
local headers = {["Authorization"] = "Bearer " .. token}
local tid = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() + tid * 7919)
end
function request()
  local c = chunks[math.random(1, #chunks)]
  local after = c[1] .. "-" .. math.random(c[2], c[3])
  local path = string.format("/events/api/v1/events?resource=urn:altinn:resource:app_ttd_pull_%d&after=%s&size=50",
    math.random(0, resources - 1), after)
  return wrk.format("GET", path, headers)
end
function response(status, headers, body)
  if status == 200 and #body < 1000 then short_pages = (short_pages or 0) + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
