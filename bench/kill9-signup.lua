-- Device sign-ups, each with its device id as username, for bench/kill9: every 200 answer's session
-- token (whose "usn" claim is that username) is appended to tokens-<thread>.txt in $BENCH_OUT, so
-- the tokens on file are exactly the sign-ups the server acknowledged.
local counter = 0
local prefix
local out
local headers = { ["Authorization"] = os.getenv("BENCH_BASIC"), ["Content-Type"] = "application/json" }

function setup(thread)
  thread:set("tid", tostring(math.random(1, 1000000000)))
end

function init(args)
  prefix = "k9-" .. tid .. "-" .. os.time() .. "-"
  out = io.open(os.getenv("BENCH_OUT") .. "/tokens-" .. tid .. ".txt", "a")
  out:setvbuf("line")
end

function request()
  counter = counter + 1
  local id = prefix .. counter
  return wrk.format("POST", "/v2/account/authenticate/device?username=" .. id, headers, '{"id":"' .. id .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    local token = body:match('"token":"([^"]+)"')
    if token then
      out:write(token, "\n")
    end
  end
end
