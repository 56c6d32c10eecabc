-- A login flood: valid credentials, every request a full scrypt check (credential stuffing
-- from many addresses; start the gateway with --auth-rate-limit 0). Counts the status codes.
--   LOGIN_EMAIL=loadtest@example.com wrk -t1 -c32 -d10s -s login.lua http://127.0.0.1:8080
-- Env: LOGIN_EMAIL (one account) or LOGIN_USERS=N (user1 … userN@example.com, as seed.sql
-- makes them); PASSWORD (load-test-password, the password flood.sh and run.sh register).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(here .. "common.lua")
c.count_statuses()

local email = os.getenv("LOGIN_EMAIL") or "loadtest@example.com"
local users = tonumber(os.getenv("LOGIN_USERS") or "0")
local password = os.getenv("PASSWORD") or "load-test-password"

function init(args)
  math.randomseed(os.time() + 13)
end

request = c.mix({
  { 1, function()
      local who = users > 0 and ("user" .. math.random(1, users) .. "@example.com") or email
      return c.post("/api/users/login",
        string.format('{"user":{"email":"%s","password":"%s"}}', who, password), false)
    end },
})

done = c.report
