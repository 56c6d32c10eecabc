-- Read mix: what a RealWorld front end asks for while people browse. Needs seed.sql's data.
--   wrk -t1 -c32 -d10s -s read.lua http://127.0.0.1:8080      (env TOKEN=<jwt of a seeded user>)
-- Weights (per 100 requests):
--   30  GET /api/articles?limit=20&offset=20k          global list, pages 1–10 (first pages more often)
--   15  GET /api/articles?tag=topicN&limit=20          filtered by tag (popular tags more often)
--   10  GET /api/articles?author=userN&limit=20        filtered by author (prolific authors more often)
--   15  GET /api/articles/seed-article-N               one article (newer ones more often)
--   10  GET /api/articles/seed-article-N/comments      its comments
--    5  GET /api/tags
--    5  GET /api/profiles/userN                        (with the token: `following` is computed)
--   10  GET /api/articles/feed?limit=20                feed of the logged-in user
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(here .. "common.lua")

function init(args)
  math.randomseed(os.time() + 7)
end

local function newest_article()
  return c.articles + 1 - c.skewed(c.articles, 3)
end

request = c.mix({
  { 30, function() return c.get("/api/articles?limit=20&offset=" .. 20 * (c.skewed(10, 2) - 1), true) end },
  { 15, function() return c.get("/api/articles?limit=20&tag=topic" .. c.skewed(c.tags, 3), true) end },
  { 10, function() return c.get("/api/articles?limit=20&author=user" .. c.skewed(c.users, 2), true) end },
  { 15, function() return c.get("/api/articles/seed-article-" .. newest_article(), true) end },
  { 10, function() return c.get("/api/articles/seed-article-" .. newest_article() .. "/comments", true) end },
  { 5, function() return c.get("/api/tags", false) end },
  { 5, function() return c.get("/api/profiles/user" .. c.skewed(c.users, 2), true) end },
  { 10, function() return c.get("/api/articles/feed?limit=20", true) end },
})

done = c.done
