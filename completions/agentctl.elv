
use builtin;
use str;

set edit:completion:arg-completer[agentctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'agentctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'agentctl'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand heartbeat 'Send and simulate heartbeats'
            cand agent 'Look at agents'
            cand watch 'Watch agents go online, delayed and offline'
            cand auth 'Log in and out, and see which host and token are used'
            cand config 'Read and edit the config file'
            cand dev-server 'Run a local, in-memory Agents API to try commands and scripts on'
            cand demo 'A self-contained tour: a dev server in-process, and the main commands run against it'
            cand completions 'Print a shell completion script'
            cand generate-assets 'Write the shell completions and man pages into completions/ and man/ (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;heartbeat'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
            cand send 'Send a heartbeat for an agent, as the agent itself would'
            cand simulate 'Simulate a fleet of agents sending heartbeats, and measure how the server copes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;heartbeat;send'= {
            cand --version 'Version of the agent binary, e.g. 1.2.3'
            cand --agent-version 'Version of the agent binary, e.g. 1.2.3'
            cand --uptime 'How long the agent has been running: seconds, or 90s, 5m, 1h30m, 2d (with --every it grows by the time elapsed, as a running agent''s would)'
            cand --cpu 'CPU utilization percentage, 0–100'
            cand --cpu-usage 'CPU utilization percentage, 0–100'
            cand --mem 'Memory utilization percentage, 0–100'
            cand --mem-usage 'Memory utilization percentage, 0–100'
            cand --body 'Send a JSON body read from a file, or from stdin with ''-'' (validated like the flags)'
            cand --every 'Keep sending, one beat per DUR (±10% jitter), until Ctrl-C or --count beats'
            cand --count 'With --every: stop after N beats (failed beats count)'
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand --from-host 'Fill uptime, CPU % (sampled over 250 ms) and memory % (used, as `free` counts it) from this machine; --uptime, --cpu or --mem given as well win over the measured value'
            cand --dry-run 'Print the request (method, URL, headers, body) and send nothing'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;heartbeat;simulate'= {
            cand --agents 'Number of simulated agents'
            cand --interval 'Time between two beats of one agent; 0 sends back to back (closed-loop stress)'
            cand --duration 'Stop scheduling beats after this long (beats in flight are awaited)'
            cand --beats 'Stop after N beats per agent'
            cand --prefix 'Prefix of the simulated agent ids'
            cand --concurrency 'Most requests in flight at once [default: the number of agents, at most 256]'
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;heartbeat;help'= {
            cand send 'Send a heartbeat for an agent, as the agent itself would'
            cand simulate 'Simulate a fleet of agents sending heartbeats, and measure how the server copes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;heartbeat;help;send'= {
        }
        &'agentctl;heartbeat;help;simulate'= {
        }
        &'agentctl;heartbeat;help;help'= {
        }
        &'agentctl;agent'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'Show one or more agents'
            cand list 'List agents'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;agent;show'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;agent;list'= {
            cand --status 'Only agents with this status: online, delayed or offline (any case)'
            cand --type 'Only agents of this type (e.g. log, metric, trace; any case)'
            cand --region 'Only agents in this region (any case)'
            cand -l 'Only agents whose labels match, kubectl''s syntax: team=ops,env!=dev, key, !key, ''key in (a,b)'', ''key notin (a,b)'''
            cand --selector 'Only agents whose labels match, kubectl''s syntax: team=ops,env!=dev, key, !key, ''key in (a,b)'', ''key notin (a,b)'''
            cand --page-size 'Records asked for per request (the server may send fewer)'
            cand --sort-by 'Sort by a field of the records (e.g. name, status, version, lastHeartbeatAt); reads every page before printing anything'
            cand --limit 'Print at most N agents (stops reading pages once N have matched, unless --sort-by)'
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;agent;help'= {
            cand show 'Show one or more agents'
            cand list 'List agents'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;agent;help;show'= {
        }
        &'agentctl;agent;help;list'= {
        }
        &'agentctl;agent;help;help'= {
        }
        &'agentctl;watch'= {
            cand --status 'Only agents with this status: online, delayed or offline (any case)'
            cand --type 'Only agents of this type (e.g. log, metric, trace; any case)'
            cand --region 'Only agents in this region (any case)'
            cand -l 'Only agents whose labels match, kubectl''s syntax: team=ops,env!=dev, key, !key, ''key in (a,b)'', ''key notin (a,b)'''
            cand --selector 'Only agents whose labels match, kubectl''s syntax: team=ops,env!=dev, key, !key, ''key in (a,b)'', ''key notin (a,b)'''
            cand --page-size 'Records asked for per request (the server may send fewer)'
            cand --interval 'Time between two polls (of an agent, or of the listing with --all)'
            cand --concurrency 'Most requests in flight at once'
            cand --until 'Exit 0 as soon as every watched agent has this status'
            cand --until-jq 'Exit 0 as soon as this jq expression is true for every watched record, e.g. ''.status == "online" and .version == "1.4.2"'''
            cand --timeout 'Give up after this long (exit 7 with --until or --until-jq)'
            cand --exec 'Run `sh -c CMD` for each change, the event''s JSON on stdin'
            cand --exec-concurrency 'Most --exec handlers running at once'
            cand --exec-timeout 'Kill an --exec handler that runs longer than this'
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand --all 'Watch every agent the server lists (the filters below apply), listed every interval'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;auth'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
            cand login 'Log in: store a host and a token in a profile'
            cand logout 'Log out: remove the stored token of a profile'
            cand status 'Show the profile, host and token in use, and where each came from'
            cand token 'Print the token, alone, for scripts'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;auth;login'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand --with-token 'Read the token from standard input (surrounding whitespace is trimmed)'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;auth;logout'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;auth;status'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;auth;token'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;auth;help'= {
            cand login 'Log in: store a host and a token in a profile'
            cand logout 'Log out: remove the stored token of a profile'
            cand status 'Show the profile, host and token in use, and where each came from'
            cand token 'Print the token, alone, for scripts'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;auth;help;login'= {
        }
        &'agentctl;auth;help;logout'= {
        }
        &'agentctl;auth;help;status'= {
        }
        &'agentctl;auth;help;token'= {
        }
        &'agentctl;auth;help;help'= {
        }
        &'agentctl;config'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
            cand path 'Print the path of the config file'
            cand list 'List the profiles and their settings'
            cand get 'Print one setting of a profile'
            cand set 'Change one setting of a profile'
            cand use 'Make a profile the current one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;config;path'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;config;list'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;config;get'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;config;set'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;config;use'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;config;help'= {
            cand path 'Print the path of the config file'
            cand list 'List the profiles and their settings'
            cand get 'Print one setting of a profile'
            cand set 'Change one setting of a profile'
            cand use 'Make a profile the current one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;config;help;path'= {
        }
        &'agentctl;config;help;list'= {
        }
        &'agentctl;config;help;get'= {
        }
        &'agentctl;config;help;set'= {
        }
        &'agentctl;config;help;use'= {
        }
        &'agentctl;config;help;help'= {
        }
        &'agentctl;dev-server'= {
            cand --listen 'Address to listen on (port 0 picks a free one); anything but loopback is reachable from other machines'
            cand --token 'Bearer token clients must send [default: a random one]'
            cand --delayed-after 'An agent whose last heartbeat is at least this old is `delayed`'
            cand --offline-after 'An agent whose last heartbeat is at least this old is `offline` (must exceed --delayed-after)'
            cand --seed 'Load agent records from a JSON array (the API''s record fields; only uuid is required)'
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand --no-save-profile 'Do not save a `dev` profile with this server''s host and token'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'agentctl;demo'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'agentctl;completions'= {
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'agentctl;generate-assets'= {
            cand --dir 'The repository root'
            cand --host 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)'
            cand --profile 'Profile from the config file [default: the current profile]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --jq 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)'
            cand --request-timeout 'Time limit per request [default: 10s]'
            cand --retries 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]'
            cand --cacert 'Add a PEM CA certificate to the trusted roots'
            cand --config-dir 'Configuration directory [default: ~/.config/agentctl on Linux]'
            cand -r 'With --jq: print strings without quotes, like jq -r'
            cand --raw-output 'With --jq: print strings without quotes, like jq -r'
            cand --no-headers 'Tables without the header row, for awk and cut'
            cand --allow-insecure-http 'Allow sending the token over plain http:// to a host that is not loopback'
            cand --no-color 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
            cand --no-input 'Never prompt; fail with a usage error where input is missing'
            cand -v 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand --verbose 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'agentctl;help'= {
            cand heartbeat 'Send and simulate heartbeats'
            cand agent 'Look at agents'
            cand watch 'Watch agents go online, delayed and offline'
            cand auth 'Log in and out, and see which host and token are used'
            cand config 'Read and edit the config file'
            cand dev-server 'Run a local, in-memory Agents API to try commands and scripts on'
            cand demo 'A self-contained tour: a dev server in-process, and the main commands run against it'
            cand completions 'Print a shell completion script'
            cand generate-assets 'Write the shell completions and man pages into completions/ and man/ (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentctl;help;heartbeat'= {
            cand send 'Send a heartbeat for an agent, as the agent itself would'
            cand simulate 'Simulate a fleet of agents sending heartbeats, and measure how the server copes'
        }
        &'agentctl;help;heartbeat;send'= {
        }
        &'agentctl;help;heartbeat;simulate'= {
        }
        &'agentctl;help;agent'= {
            cand show 'Show one or more agents'
            cand list 'List agents'
        }
        &'agentctl;help;agent;show'= {
        }
        &'agentctl;help;agent;list'= {
        }
        &'agentctl;help;watch'= {
        }
        &'agentctl;help;auth'= {
            cand login 'Log in: store a host and a token in a profile'
            cand logout 'Log out: remove the stored token of a profile'
            cand status 'Show the profile, host and token in use, and where each came from'
            cand token 'Print the token, alone, for scripts'
        }
        &'agentctl;help;auth;login'= {
        }
        &'agentctl;help;auth;logout'= {
        }
        &'agentctl;help;auth;status'= {
        }
        &'agentctl;help;auth;token'= {
        }
        &'agentctl;help;config'= {
            cand path 'Print the path of the config file'
            cand list 'List the profiles and their settings'
            cand get 'Print one setting of a profile'
            cand set 'Change one setting of a profile'
            cand use 'Make a profile the current one'
        }
        &'agentctl;help;config;path'= {
        }
        &'agentctl;help;config;list'= {
        }
        &'agentctl;help;config;get'= {
        }
        &'agentctl;help;config;set'= {
        }
        &'agentctl;help;config;use'= {
        }
        &'agentctl;help;dev-server'= {
        }
        &'agentctl;help;demo'= {
        }
        &'agentctl;help;completions'= {
        }
        &'agentctl;help;generate-assets'= {
        }
        &'agentctl;help;help'= {
        }
    ]
    $completions[$command]
}
