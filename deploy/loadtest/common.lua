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

-- Threads whose response counts M.report gathers.
local threads = {}

-- Makes wrk count the responses of each status code (a little more wrk CPU per response).
-- Call it once at the top of a scenario script; M.report then prints the counts.
function M.count_statuses()
  statuses = {} -- global: done() reads each thread's copy with thread:get
  setup = function(thread) threads[#threads + 1] = thread end
  response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
end

-- One machine-readable line for run.sh, flood.sh and stall.sh: counts, latency percentiles (µs),
-- the slowest request, errors (HTTP status > 399 plus connect/read/write/timeout socket errors,
-- as wrk counts them) and timeouts on their own; then, with M.count_statuses, one line
-- "STATUS code=count ...".
-- Percentiles are wrk's: after the run wrk corrects its histogram for coordinated omission (a
-- request slower than twice the mean interval between requests on a connection adds samples for
-- the requests that connection would have sent meanwhile), so one stall of a second weighs like the
-- second it lasted, not like one request. The maximum is a real request's.
function M.report(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d "
      .. "status_errors=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.max, e.status, e.connect + e.read + e.write + e.timeout, e.timeout))
  if #threads > 0 then
    local total = {}
    for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses") or {}) do
        total[status] = (total[status] or 0) + count
      end
    end
    local codes = {}
    for status in pairs(total) do codes[#codes + 1] = status end
    table.sort(codes)
    io.write("STATUS")
    for _, status in ipairs(codes) do io.write(string.format(" %d=%d", status, total[status])) end
    io.write("\n")
  end
end

-- The name run.sh's scenarios (db, list, read, write) use.
M.done = M.report

return M
