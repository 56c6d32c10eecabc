-- Write mix: people signing up and contributing. Needs seed.sql's data.
--   wrk -t1 -c32 -d10s -s write.lua http://127.0.0.1:8080     (env TOKEN=<jwt of a seeded user>)
-- Weights (per 100 requests):
--   10  POST /api/users                                register (scrypt, deliberately costly)
--   30  POST /api/articles                             create an article with 2 tags
--   40  POST /api/articles/seed-article-N/comments     comment (newer articles more often)
--   20  POST /api/articles/seed-article-N/favorite     favorite (repeat favorites are fine: 200)
-- Usernames, emails and titles carry a per-run prefix and a counter, so they never collide.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(here .. "common.lua")

local run, counter = "", 0

function init(args)
  math.randomseed(os.time() + 11)
  run = string.format("w%x%04x", os.time() % 0x100000, math.random(0, 0xffff))
end

local function next_id()
  counter = counter + 1
  return run .. "-" .. counter
end

local function newest_article()
  return c.articles + 1 - c.skewed(c.articles, 3)
end

request = c.mix({
  { 10, function()
      local name = next_id()
      return c.post("/api/users", string.format(
        '{"user":{"username":"%s","email":"%s@example.com","password":"load-test-password"}}', name, name), false)
    end },
  { 30, function()
      return c.post("/api/articles", string.format(
        '{"article":{"title":"Load test %s","description":"Written by wrk.","body":"%s","tagList":["topic%d","loadtest"]}}',
        next_id(), string.rep("Some words about load. ", 20), c.skewed(c.tags, 3)), true)
    end },
  { 40, function()
      return c.post("/api/articles/seed-article-" .. newest_article() .. "/comments",
        '{"comment":{"body":"A comment from the write mix."}}', true)
    end },
  { 20, function()
      return c.post("/api/articles/seed-article-" .. newest_article() .. "/favorite", "", true)
    end },
})

done = c.done
