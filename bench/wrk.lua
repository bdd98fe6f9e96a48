-- wrk script for scripts/bench.sh: replays a request file, a random line per request. Environment:
--   BENCH_REQUESTS  file of "<bearer token><TAB><path>" lines, one per user and request shape (scripts/bench.sh
--                   writes one per row: the users, page sizes, cursors, search terms and names that row measures)
--   BENCH_MEASURE_BYTES  set: count the response bodies and print "mean_body_bytes=<n> responses=<n> non2xx=<n>"
--                   at the end (a short sizing run before the measured one: reading bodies into Lua costs wrk CPU)
local requests = {}

function init(args)
  local path = os.getenv("BENCH_REQUESTS")
  local f = assert(io.open(path, "r"), "BENCH_REQUESTS: cannot open " .. tostring(path))
  for l in f:lines() do
    local token, target = l:match("^([^\t]+)\t(.+)$")
    if token then
      requests[#requests + 1] = wrk.format("GET", target, { ["Authorization"] = "Bearer " .. token })
    end
  end
  f:close()
  assert(#requests > 0, "BENCH_REQUESTS: no requests in " .. path)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #requests)
end

function request()
  return requests[math.random(1, #requests)]
end

if os.getenv("BENCH_MEASURE_BYTES") then
  local threads = {}
  function setup(thread) threads[#threads + 1] = thread end
  bytes, responses, non2xx = 0, 0, 0
  function response(status, headers, body)
    responses = responses + 1
    bytes = bytes + #body
    if status < 200 or status > 299 then non2xx = non2xx + 1 end
  end
  function done(summary, latency, reqs)
    local b, n, e = 0, 0, 0
    for _, t in ipairs(threads) do
      b = b + t:get("bytes"); n = n + t:get("responses"); e = e + t:get("non2xx")
    end
    io.write(string.format("mean_body_bytes=%d responses=%d non2xx=%d\n", n > 0 and math.floor(b / n + 0.5) or 0, n, e))
  end
end
