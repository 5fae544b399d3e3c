-- Session refresh with one valid refresh token (Nakama keeps a refresh token valid until expiry).
wrk.method = "POST"
wrk.headers["Authorization"] = os.getenv("BENCH_BASIC")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"token":"' .. os.getenv("BENCH_REFRESH") .. '","vars":{}}'
