-- wrk script for `make bench`.
-- GET pages: wrk's own request (the Cookie header comes from the command line).
-- POST pages: BENCH_REQUESTS_FILE names a file of "path<TAB>cookie<TAB>csrf<TAB>body" lines; each
-- thread takes its own share of the lines (so two threads never save the same answer) and
-- cycles through them.
-- done() prints one line "BENCH_JSON {...}" with the figures run.py reads (latency in microseconds).

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local prepared = nil
local counter = 0

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local file = os.getenv("BENCH_REQUESTS_FILE")
  if not file or file == "" then
    return
  end
  local nthreads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  prepared = {}
  local n = 0
  for line in io.lines(file) do
    if n % nthreads == id then
      local f = split(line)
      local headers = {
        ["Cookie"] = f[2],
        ["X-CSRFToken"] = f[3],
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }
      table.insert(prepared, wrk.format("POST", f[1], headers, f[4]))
    end
    n = n + 1
  end
end

function request()
  if prepared then
    counter = counter % #prepared + 1
    return prepared[counter]
  end
  return wrk.request()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f, "mean": %.1f, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
