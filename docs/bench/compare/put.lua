-- wrk script: PUTs bodies of SIZE bytes to PREFIX<thread>-<n>, every body different, so that no
-- store can answer from content it already holds (ostore dedups by hash).
--   wrk -s put.lua URL -- PREFIX [SIZE]
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

function init(args)
  prefix = args[1]
  size = tonumber(args[2] or "4096")
  math.randomseed(os.time() * 1000 + id)
  local bytes = {}
  for i = 1, size do bytes[i] = string.char(math.random(0, 255)) end
  filler = table.concat(bytes)
  -- A random tag per thread and run keeps bodies distinct across runs too.
  tag = string.format("%08x", math.random(0, 0x7fffffff))
  n = 0
end

function request()
  n = n + 1
  local head = string.format("%s %d %d ", tag, id, n)
  return wrk.format("PUT", prefix .. id .. "-" .. n, nil, head .. filler:sub(#head + 1))
end
