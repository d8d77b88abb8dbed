-- bench/http.d/post.lua - POST /api/v1/transfers, one posted transfer per request, each with an
-- id no other request of any run uses: BENCH_TAG-<wrk thread>-<counter>.
--
-- Environment: BENCH_HTTP_D (this folder), BENCH_TOKEN (a bearer token), BENCH_TAG (unique per
-- run), BENCH_DATE, BENCH_FROM, BENCH_TO (accounts the token's user may move money between;
-- BENCH_FROM a source account, which may go negative, so every transfer stays valid),
-- BENCH_BATCH (transfers per request: 1 sends an object, more an array), BENCH_PATH (default
-- /api/v1/transfers; the nginx side uses another path).
dofile(os.getenv("BENCH_HTTP_D") .. "/report.lua")

local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

local counter = 0
local headers, path, batch, prefix, rest

function init(args)
    headers = {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
    }
    path = os.getenv("BENCH_PATH") or "/api/v1/transfers"
    batch = tonumber(os.getenv("BENCH_BATCH") or "1")
    prefix = string.format('{"id":"%s-%d-', os.getenv("BENCH_TAG"), tid)
    rest = string.format('","date":"%s","from":"%s","to":"%s","amount":"0.01","kind":"posted"}',
                         os.getenv("BENCH_DATE"), os.getenv("BENCH_FROM"), os.getenv("BENCH_TO"))
end

function request()
    counter = counter + 1
    local body
    if batch == 1 then
        body = prefix .. counter .. rest
    else
        local items = {}
        for k = 1, batch do
            items[k] = prefix .. counter .. "-" .. k .. rest
        end
        body = "[" .. table.concat(items, ",") .. "]"
    end
    return wrk.format("POST", path, headers, body)
end
