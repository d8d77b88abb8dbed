-- every request a URL of its own: the answer cache never holds it (computed every time)
local counter = 0
local id = tostring(math.random(1e9))
request = function()
    counter = counter + 1
    return wrk.format("GET", "/api/v1/balances?n=" .. id .. "-" .. counter)
end
