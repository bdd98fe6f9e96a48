-- wrk script for scripts/bench.sh. Environment:
--   BENCH_TOKENS  file with one bearer token per line (a random one is used per request)
--   BENCH_MODE    first | random | rare | common | get | flat | floor | status | tools
--   BENCH_NAMES   file with server names (modes get, flat)
--   BENCH_BYTES   payload size (mode floor)
--   BENCH_TERM    common search term (mode common)
local tokens, names = {}, {}
local mode = os.getenv("BENCH_MODE") or "first"
local bytes = os.getenv("BENCH_BYTES") or "2048"
local term = os.getenv("BENCH_TERM") or "weather"

local function lines(path, into)
  if path == nil or path == "" then return end
  local f = assert(io.open(path, "r"))
  for l in f:lines() do if #l > 0 then into[#into + 1] = l end end
  f:close()
end

local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local function base64url(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local k = #s - i + 1
    for j = 3, 0, -1 do
      if 3 - j <= (k >= 3 and 3 or k) then
        local idx = math.floor(n / (64 ^ j)) % 64
        out[#out + 1] = b64:sub(idx + 1, idx + 1)
      end
    end
  end
  return table.concat(out)
end

function init(args)
  lines(os.getenv("BENCH_TOKENS"), tokens)
  lines(os.getenv("BENCH_NAMES"), names)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #tokens)
end

function request()
  local path
  if mode == "first" then
    path = "/api/mcp/servers?limit=20"
  elseif mode == "random" then
    -- a random point in the name space, as the cursor the API hands out: base64url("n1:" .. name)
    path = "/api/mcp/servers?limit=20&cursor=" .. base64url(string.format("n1:mcp-%06x", math.random(0, 16777215)))
  elseif mode == "rare" then
    path = "/api/mcp/servers?limit=20&search=" .. string.format("zx%05d", math.random(0, 49999))
  elseif mode == "common" then
    path = "/api/mcp/servers?limit=20&search=" .. term
  elseif mode == "get" then
    path = "/api/mcp/servers/" .. names[math.random(1, #names)]
  elseif mode == "flat" then
    path = "/bench/flat/" .. names[math.random(1, #names)]
  elseif mode == "tools" then
    path = "/api/mcp/tools"
  elseif mode == "floor" then
    path = "/bench/floor?bytes=" .. bytes
  else
    path = "/api/mcp/connection/status"
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[math.random(1, #tokens)] })
end
