-- POST /v1/event with one event, as satori-js sends it (no id, no timestamp), round robin over the
-- analytics sessions the bench opened (BENCH_EVENT_TOKENS: space-separated tokens).
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_EVENT_TOKENS"), "%S+") do tokens[#tokens + 1] = t end
local counter = 0
local body = '{"events":[{"name":"bench","value":"1","metadata":{"level":"3"}}]}'

function request()
  counter = counter + 1
  local headers = { ["Authorization"] = "Bearer " .. tokens[counter % #tokens + 1], ["Content-Type"] = "application/json" }
  return wrk.format("POST", "/v1/event", headers, body)
end
