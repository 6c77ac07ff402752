-- wrk script: the heartbeat PUT of the Agents API, exactly the seed's request example.
--
--   AGENTCTL_TOKEN=… wrk -t1 -c32 -d10s -s scripts/heartbeat.lua http://127.0.0.1:7878
--
-- Each wrk thread cycles through its own AGENTS agent ids (default 1), so the store sees a
-- steady, bounded set of agents. There is deliberately no response() callback (it would make
-- wrk hand every response to Lua); wrk counts answers outside 2xx/3xx itself, and done()
-- reports that count, with the latency percentiles, in a fixed form.

local token = os.getenv("AGENTCTL_TOKEN") or ""
local agents = tonumber(os.getenv("AGENTS") or "1")
local body = '{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}'
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

-- The requests are formatted once; request() only picks the next one.
function init(args)
  sent = 0
  prepared = {}
  for i = 1, agents do
    local path = string.format("/api/v1/agents/wrk-%02d-%04d/heartbeat", id, i)
    prepared[i] = wrk.format("PUT", path, headers, body)
  end
end

function request()
  sent = sent + 1
  return prepared[(sent % agents) + 1]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("non-2xx/3xx responses: %d\n", errors.status))
  io.write(string.format("socket errors: %d\n", errors.connect + errors.read + errors.write + errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
