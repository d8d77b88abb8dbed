-- bench/http.d/report.lua - the summary line bench/http reads, printed by wrk when a run ends:
--   WRK requests=N duration_us=N rps=R p50_us=N p90_us=N p99_us=N max_us=N bytes=N
--       connect=N read=N write=N status=N timeout=N
-- `status` counts answers that are not 2xx or 3xx.  Used alone for the GETs (wrk -s report.lua)
-- and loaded by post.lua and batch.lua.
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "WRK requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
        "bytes=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
        summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
        summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
end
