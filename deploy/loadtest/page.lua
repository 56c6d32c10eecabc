-- The first page of the global article list, anonymous: issue 19's yardstick for cheap reads
-- (flood.sh creates 30 articles, so the page is full).
--   wrk -t1 -c32 -d10s -s page.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(here .. "common.lua")

request = c.mix({
  { 1, function() return c.get("/api/articles?limit=20", false) end },
})

done = c.report
