-- Device sign-up with a fresh device id on every request (creates an account each time).
local counter = 0
local prefix
local headers = { ["Authorization"] = os.getenv("BENCH_BASIC"), ["Content-Type"] = "application/json" }

function setup(thread)
  thread:set("tid", tostring(math.random(1, 1000000000)))
end

function init(args)
  prefix = "bench-new-" .. tid .. "-" .. os.time() .. "-"
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/v2/account/authenticate/device", headers, '{"id":"' .. prefix .. counter .. '"}')
end
