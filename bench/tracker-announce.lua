-- wrk script for bench/tracker.ts: HTTP announces with the same client behaviour as the Node
-- load generator (bench/tracker-load.ts), so every tracker sees the same requests:
--   info-hashes from a file (one hex hash per line) x `peers` peers per hash, walked in a prime
--   stride (7919) over the whole population so it reaches a steady size after one cycle; peer p
--   has peer_id "-BN0001-" .. 0x2d pad .. u32be(p) .. u32be(p * 2654435761), port 10000 + p; one
--   peer in 5 is a seed (left=0); numwant=50; compact=1; every byte of the hash and id escaped.
-- With mode "close" each request carries `Connection: close` (one request per connection).
-- wrk threads split the walk: thread t of T takes positions t, t+T, t+2T ... of the sequence.
-- A reply that is not HTTP 200 or carries a bencoded `failure reason` counts as a failure.
--   wrk -t1 -c32 -d5s -s bench/tracker-announce.lua http://127.0.0.1:PORT -- HASHFILE PEERS MODE THREADS
-- done() prints one JSON line (prefixed "WRKJSON ") that bench/tracker.ts reads.

local STRIDE = 7919
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function esc(s)
  return (s:gsub(".", function(c) return string.format("%%%02x", c:byte()) end))
end

local function u32be(n)
  n = n % 4294967296
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

local function unhex(h)
  return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end))
end

local hashes, tails = {}, {}
local nh, population, pos, step = 0, 0, 0, STRIDE
local prefix

function init(args)
  local file, peers, mode, nthreads = args[1], tonumber(args[2]), args[3], tonumber(args[4] or "1")
  for line in io.lines(file) do
    if #line == 40 then
      nh = nh + 1
      hashes[nh] = esc(unhex(line))
    end
  end
  population = nh * peers
  local host = wrk.host .. ":" .. tostring(wrk.port)
  local close = (mode == "close") and "Connection: close\r\n" or ""
  for p = 0, peers - 1 do
    local id = "-BN0001-" .. string.rep("-", 4) .. u32be(p) .. u32be(p * 2654435761)
    local left = (p % 5 == 0) and "0" or "1000000"
    tails[p + 1] = "&peer_id=" .. esc(id) .. "&port=" .. tostring(10000 + p) ..
      "&uploaded=0&downloaded=0&left=" .. left .. "&compact=1&numwant=50 HTTP/1.1\r\nHost: " .. host .. "\r\n" .. close .. "\r\n"
  end
  prefix = "GET " .. wrk.path .. "?info_hash="
  pos = (tid * STRIDE) % population
  step = (nthreads * STRIDE) % population
  failures = 0
end

function request()
  local i = pos
  pos = (pos + step) % population
  local h = i % nh
  local p = math.floor(i / nh)
  return prefix .. hashes[h + 1] .. tails[p + 1]
end

function response(status, headers, body)
  if status ~= 200 or (body ~= nil and body:find("failure reason", 1, true)) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local f = 0
  for _, t in ipairs(threads) do f = f + (t:get("failures") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"durationUs":%d,"failures":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, f, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
