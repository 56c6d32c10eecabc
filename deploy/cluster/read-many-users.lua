-- deploy/loadtest's read mix, sent on behalf of many users instead of one: each authenticated
-- request carries the token of a user drawn at random from TOKENS_FILE (one JWT a line), so a
-- balancer that hashes the Authorization header spreads the load over its hosts while each
-- user stays on one host. Anonymous requests (GET /api/tags) have no header: the balancer
-- spreads them round-robin.
--   TOKENS_FILE=tokens wrk -t1 -c32 -d10s -s read-many-users.lua http://10.77.15.20
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do
  if line ~= "" then tokens[#tokens + 1] = line end
end
assert(#tokens > 0, "TOKENS_FILE holds no token")

-- read.lua builds every request with wrk.format; swap the token in there.
local format = wrk.format
wrk.format = function(method, path, headers, body)
  if headers and headers["Authorization"] then
    headers["Authorization"] = "Token " .. tokens[math.random(#tokens)]
  end
  return format(method, path, headers, body)
end

dofile(here .. "../loadtest/read.lua")
