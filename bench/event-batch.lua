-- POST /v1/event with a batch of 100 events, round robin over the bench's analytics sessions.
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_EVENT_TOKENS"), "%S+") do tokens[#tokens + 1] = t end
local counter = 0

function request()
  counter = counter + 1
  local headers = { ["Authorization"] = "Bearer " .. tokens[counter % #tokens + 1], ["Content-Type"] = "application/json" }
  local prefix = id .. "-" .. counter .. "-"
  local events = {}
  for i = 1, 100 do
    events[i] = '{"name":"bench","id":"' .. prefix .. i .. '","value":"1","metadata":{"level":"3"}}'
  end
  return wrk.format("POST", "/v1/event", headers, '{"events":[' .. table.concat(events, ",") .. ']}')
end

function setup(thread)
  thread:set("id", tostring(math.random(1, 1e9)))
end
