-- The TechEmpower single-query test (one random `world` row), the raw database speed the
-- Conduit scenarios are measured against. Needs the gateway started with --bench-routes:
--   GATEWAY_ARGS=--bench-routes SCENARIOS="db list read" deploy/loadtest/run.sh
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(here .. "common.lua")

request = c.mix({
  { 1, function() return c.get("/db", false) end },
})

done = c.done
