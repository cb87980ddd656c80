-- wrk script: GETs the paths listed in FILE (one a line), each thread cycling through all of them
-- from its own starting point.
--   wrk -s get.lua URL -- FILE
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  i = (id * 7) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
