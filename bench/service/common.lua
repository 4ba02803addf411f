-- Shared by the wrk scripts of bench/run-service.sh (loaded with dofile from the repository root).
-- Each wrk thread gets its own number (the global tid, set before init runs) and its own random
-- sequence, so that two threads never make the same event; done() prints the RESULT line the script reads.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919 + math.floor(os.clock() * 1000000))
end

local complained = false
function response(status, headers, body)
  if status >= 300 and not complained then
    complained = true
    io.stderr:write("first answer that was not 2xx: " .. status .. " " .. body .. "\n")
  end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
