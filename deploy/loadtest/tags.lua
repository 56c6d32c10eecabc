-- The route stall.sh blocks: GET /api/tags (reads the `tags` table, which stall.sh locks from
-- time to time), one request per connection every PACE_MS (env, default 50) milliseconds at
-- most, so that a lock stalls about one request per connection, not a crowd of them.
--   wrk -t1 -c1 -d10s -s tags.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(here .. "common.lua")

local pace = tonumber(os.getenv("PACE_MS") or "50")

request = c.mix({
  { 1, function() return c.get("/api/tags", false) end },
})

function delay()
  return pace
end

done = c.report
