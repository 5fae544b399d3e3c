-- Apple sign-in: round robin over the identity tokens bench/AppleJwks.java wrote (one per line, file
-- in BENCH_APPLE_TOKENS), each thread starting at its own share. The URL's path and query are used
-- as given (?create=false when measuring existing accounts).
local threads = 0
local tokens = {}
local counter = 0
local headers = { ["Authorization"] = os.getenv("BENCH_BASIC"), ["Content-Type"] = "application/json" }

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("BENCH_APPLE_TOKENS")) do
    tokens[#tokens + 1] = line
  end
  counter = math.floor(#tokens * id / tonumber(os.getenv("BENCH_THREADS")))
end

function request()
  counter = counter % #tokens + 1
  return wrk.format("POST", nil, headers, '{"token":"' .. tokens[counter] .. '"}')
end
