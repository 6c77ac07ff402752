-- wrk script: the heartbeat PUT of the Agents API, exactly the seed's request example.
--
--   AGENTCTL_TOKEN=… wrk -t1 -c32 -d10s -s scripts/heartbeat.lua http://127.0.0.1:7878
--
-- Each wrk thread cycles through its own AGENTS agent ids (default 1), so the store sees a
-- steady, bounded set of agents. Non-2xx answers are counted and reported at the end.

local token = os.getenv("AGENTCTL_TOKEN") or ""
local agents = tonumber(os.getenv("AGENTS") or "1")
local body = '{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}'
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  requests = 0
  non2xx = 0
  paths = {}
  for i = 1, agents do
    paths[i] = string.format("/api/v1/agents/wrk-%02d-%04d/heartbeat", id, i)
  end
end

function request()
  requests = requests + 1
  return wrk.format("PUT", paths[(requests % agents) + 1], headers, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("non2xx")
  end
  io.write(string.format("non-2xx responses: %d\n", failed))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
