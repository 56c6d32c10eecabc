-- Shared by the wrk scenarios in this folder (loaded with dofile from each script).
-- TOKEN: a JWT of a seeded user (run.sh logs one in); PASSWORD: the seeded users' password.
local M = {}

M.token = os.getenv("TOKEN") or ""
M.users, M.articles, M.tags = 10000, 50000, 200

-- Skewed pick in 1..n: small numbers (popular users, new articles, big tags) come up more.
function M.skewed(n, power)
  return 1 + math.floor(n * math.random() ^ (power or 2))
end

-- Builds request() from {weight, function returning a wrk request string} pairs.
function M.mix(entries)
  local total, cumulative = 0, {}
  for _, entry in ipairs(entries) do
    total = total + entry[1]
    cumulative[#cumulative + 1] = { total, entry[2] }
  end
  return function()
    local draw = math.random() * total
    for _, entry in ipairs(cumulative) do
      if draw < entry[1] then return entry[2]() end
    end
    return cumulative[#cumulative][2]()
  end
end

function M.get(path, authenticated)
  local headers = { ["Accept"] = "application/json" }
  if authenticated then headers["Authorization"] = "Token " .. M.token end
  return wrk.format("GET", path, headers)
end

function M.post(path, body, authenticated)
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
  if authenticated then headers["Authorization"] = "Token " .. M.token end
  return wrk.format("POST", path, headers, body)
end

-- One machine-readable line for run.sh: counts, latency percentiles (µs) and errors
-- (HTTP status > 399 plus connect/read/write/timeout socket errors, as wrk counts them).
function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end

return M
