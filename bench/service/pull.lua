-- wrk script for bench/run-service.sh: reads 50-event pages of the generic feed at random positions of a
-- bulk-loaded log. Environment: BENCH_TOKEN, BENCH_RESOURCES (how many resources app_ttd_pull_<n>),
-- BENCH_CHUNKS_FILE (the loaded transactions, one "tx:firstSeq:lastSeq" a line).
local token = os.getenv("BENCH_TOKEN") or ""
local resources = tonumber(os.getenv("BENCH_RESOURCES") or "100")
local chunks = {}
local f = assert(io.open(assert(os.getenv("BENCH_CHUNKS_FILE"), "BENCH_CHUNKS_FILE is required"), "r"))
for tx, lo, hi in string.gmatch(f:read("*a"), "(%d+):(%d+):(%d+)") do
  table.insert(chunks, {tx, tonumber(lo), tonumber(hi)})
end
f:close()
local headers = {["Authorization"] = "Bearer " .. token}
dofile("bench/service/common.lua")

function request()
  local c = chunks[math.random(1, #chunks)]
  local after = c[1] .. "-" .. math.random(c[2], c[3])
  local path = string.format("/events/api/v1/events?resource=urn:altinn:resource:app_ttd_pull_%d&after=%s&size=50",
    math.random(0, resources - 1), after)
  return wrk.format("GET", path, headers)
end
