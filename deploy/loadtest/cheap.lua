-- Cheap reads for stall.sh: half the first page of the article list, half one article by
-- slug; neither reads the `tags` table that stall.sh locks.
--   SLUGS=slug-1,slug-2 wrk -t1 -c32 -d10s -s cheap.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local c = dofile(here .. "common.lua")

local slugs = {}
for slug in string.gmatch(os.getenv("SLUGS") or "", "[^,]+") do slugs[#slugs + 1] = slug end

function init(args)
  math.randomseed(os.time() + 17)
end

request = c.mix({
  { 1, function() return c.get("/api/articles?limit=20", false) end },
  { 1, function()
      if #slugs == 0 then return c.get("/api/articles?limit=20", false) end
      return c.get("/api/articles/" .. slugs[math.random(1, #slugs)], false)
    end },
})

done = c.report
