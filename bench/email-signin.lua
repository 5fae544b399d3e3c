-- Email sign-in of one existing account: a bcrypt check per request (cost 13 by default).
wrk.method = "POST"
wrk.path = "/v2/account/authenticate/email?create=false"
wrk.headers["Authorization"] = os.getenv("BENCH_BASIC")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"bench-email@example.com","password":"bench-password"}'
