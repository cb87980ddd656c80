-- wrk script: GETs of LENGTH bytes at random offsets of one object of SIZE bytes, each a Range.
--   wrk -s range.lua URL -- SIZE LENGTH
function init(args)
  size = tonumber(args[1])
  length = tonumber(args[2])
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local from = math.floor(math.random() * (size - length + 1))
  return wrk.format("GET", nil, {["Range"] = "bytes=" .. from .. "-" .. (from + length - 1)})
end

function response(status, headers, body)
  if status ~= 206 then
    error("status " .. status)
  end
end
