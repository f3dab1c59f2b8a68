-- wrk script for `npm run bench -- --wrk`: POSTs chat completions, cycling through request bodies
-- (pre-formatted once, except bodies that take a per-request number), and prints one machine-readable line when done. Arguments (after `--`):
--   1 a file with one JSON request body per line
--   2 the Authorization header value, or "-" for none
--   3 mean think time in ms between a connection's requests, or 0 for none (saturation). wrk has no
--     rate control: with C connections and a mean think time D, the rate is about C / (D + latency).
--     Think times are drawn from an exponential distribution, so arrivals are Poisson-like rather
--     than in lock step.
--   4 a text unique to this run: in a body holding @NONCE@, the placeholder becomes it and the
--     request's number, so no request of the run, nor of any other run, repeats (cache misses)
local requests = {}
local index = 0
local headers = { ["Content-Type"] = "application/json" }
local salt = "-"
local count = 0

function init(args)
  if args[2] ~= nil and args[2] ~= "-" then headers["Authorization"] = args[2] end
  if args[4] ~= nil then salt = args[4] end
  for line in io.lines(args[1]) do
    if #line > 0 then
      local at = string.find(line, "@NONCE@", 1, true)
      if at then
        requests[#requests + 1] = { line:sub(1, at - 1), line:sub(at + 7) }
      else
        requests[#requests + 1] = wrk.format("POST", wrk.path, headers, line)
      end
    end
  end

  local mean = tonumber(args[3] or "0")
  if mean > 0 then
    math.randomseed(os.time() + math.random(1000000))
    delay = function()
      return math.floor(-math.log(1 - math.random()) * mean)
    end
  end
end

function request()
  index = index % #requests + 1
  local r = requests[index]
  if type(r) == "string" then return r end
  count = count + 1
  return wrk.format("POST", wrk.path, headers, r[1] .. salt .. "-" .. count .. r[2])
end

function done(summary, latency)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
