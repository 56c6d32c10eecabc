-- One page of 20 articles with authors, tags, favorited and following, as a logged-in user
-- reads the global list (pages 1–10, first pages more often). Needs seed.sql's data.
-- The issue's yardstick: this page at >= 40 % of the /db rate (db.lua) in the same run.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(here .. "common.lua")

function init(args)
  math.randomseed(os.time() + 11)
end

request = c.mix({
  { 1, function() return c.get("/api/articles?limit=20&offset=" .. 20 * (c.skewed(10, 2) - 1), true) end },
})

done = c.done
