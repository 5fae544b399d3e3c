-- Apple sign-in: round robin over the identity tokens bench/AppleJwks.java wrote (one per line, file
-- in BENCH_APPLE_TOKENS), each thread starting at its own share. The URL's path and query are used
-- as given (?create=false when measuring existing accounts). Requests are formatted once, up front:
-- wrk shares the cores with the server, and building a 1 KB body per request would bill the server.
local threads = 0
local requests = {}
local counter = 0
local headers = { ["Authorization"] = os.getenv("BENCH_BASIC"), ["Content-Type"] = "application/json" }

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("BENCH_APPLE_TOKENS")) do
    requests[#requests + 1] = wrk.format("POST", nil, headers, '{"token":"' .. line .. '"}')
  end
  counter = math.floor(#requests * id / tonumber(os.getenv("BENCH_THREADS")))
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end
