-- GET /v2/account with one valid session token, each connection waiting BENCH_GET_DELAY_MS between
-- requests (players polling, not a flood); wrk's latency excludes the wait.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
local pause = tonumber(os.getenv("BENCH_GET_DELAY_MS") or "0")
function delay()
  return pause
end
