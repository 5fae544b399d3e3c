-- Custom-id sign-in to one of the accounts the bench created beforehand (round robin). The bench's
-- module hooks this operation with a no-op before and after hook.
local counter = 0
local pool = tonumber(os.getenv("BENCH_POOL"))
local headers = { ["Authorization"] = os.getenv("BENCH_BASIC"), ["Content-Type"] = "application/json" }

function request()
  counter = counter + 1
  return wrk.format("POST", "/v2/account/authenticate/custom?create=false", headers,
    '{"id":"bench-custom-' .. (counter % pool) .. '"}')
end
