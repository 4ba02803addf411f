-- wrk script for bench/run-service.sh: POSTs CloudEvents of ~830 bytes, each with a unique id.
-- Environment: BENCH_TOKEN (bearer token, may be empty), BENCH_PATH (default: the URL's), BENCH_BATCH (events per request,
-- 0 = a single event), BENCH_RUN (makes ids unique across runs), BENCH_RESOURCE.
local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH") -- nil: the path of the URL wrk was given
local batch = tonumber(os.getenv("BENCH_BATCH") or "0")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local resource = os.getenv("BENCH_RESOURCE") or "urn:altinn:resource:app_ttd_bench"
dofile("bench/service/common.lua")
local counter = 0

local template = '{"specversion":"1.0","id":"%s","source":"https://ttd.apps.altinn.no/ttd/bench/instances/%d/%s",'
  .. '"type":"app.instance.process.movedTo.Task_2","subject":"/party/%d","alternativesubject":"/person/1224791%04d",'
  .. '"resource":"%s","resourceinstance":"%d/%s","time":"2026-12-06T04:00:00.000Z","datacontenttype":"application/json",'
  .. '"data":{"instanceOwner":{"partyId":"%d","personNumber":"1224791%04d"},"process":{"currentTask":"Task_2",'
  .. '"startEvent":"StartEvent_1","started":"2026-12-06T03:59:58.123Z","elementType":"Task","flowType":"CompleteCurrentMoveToNext",'
  .. '"name":"Utfylling","altinnTaskType":"data"},"dataValues":{"amount":1234.50,"ratio":0.10000000000000000000000000001,'
  .. '"count":1E2,"zero":-0},"note":"a typical app event with a nested payload"}}'

local function event()
  counter = counter + 1
  local party = 50000000 + math.random(0, 99999)
  local guid = string.format("%08x-%04x-4%03x-8%03x-%012x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), math.random(0, 0xfff), math.random(0, 0x7fffffff))
  local id = string.format("%s-%d-%d", run, tid, counter)
  local person = math.random(0, 9999)
  return string.format(template, id, party, guid, party, person, resource, party, guid, party, person)
end

local headers = {}
if token ~= "" then headers["Authorization"] = "Bearer " .. token end
if batch > 0 then
  headers["Content-Type"] = "application/cloudevents-batch+json"
else
  headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/cloudevents+json"
end

function request()
  if batch > 0 then
    local parts = {}
    for i = 1, batch do parts[i] = event() end
    return wrk.format("POST", path, headers, "[" .. table.concat(parts, ",") .. "]")
  end
  return wrk.format("POST", path, headers, event())
end
