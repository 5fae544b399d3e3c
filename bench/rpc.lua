-- A player's RPC round trip: POST /v2/rpc/echo with a session token and a small JSON payload.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '"{\\"match\\":\\"m-1\\",\\"score\\":12}"'
