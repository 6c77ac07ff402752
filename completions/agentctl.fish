# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_agentctl_global_optspecs
    string join \n host= profile= o/output= jq= r/raw-output no-headers request-timeout= retries= cacert= allow-insecure-http config-dir= no-color no-input v/verbose q/quiet h/help V/version
end

function __fish_agentctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_agentctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_agentctl_using_subcommand
    set -l cmd (__fish_agentctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c agentctl -n "__fish_agentctl_needs_command" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_needs_command" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_needs_command" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_needs_command" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_needs_command" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_needs_command" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_needs_command" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_needs_command" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_needs_command" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_needs_command" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_needs_command" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_needs_command" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_needs_command" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_needs_command" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_needs_command" -s V -l version -d 'Print version'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "heartbeat" -d 'Send and simulate heartbeats'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "agent" -d 'Look at agents'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "watch" -d 'Watch agents go online, delayed and offline'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "auth" -d 'Log in and out, and see which host and token are used'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "config" -d 'Read and edit the config file'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "dev-server" -d 'Run a local, in-memory Agents API to try commands and scripts on'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "demo" -d 'A self-contained tour: a dev server in-process, and the main commands run against it'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "generate-assets" -d 'Write the shell completions and man pages into completions/ and man/ (for maintainers)'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -s h -l help -d 'Print help'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -f -a "send" -d 'Send a heartbeat for an agent, as the agent itself would'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -f -a "simulate" -d 'Simulate a fleet of agents sending heartbeats, and measure how the server copes'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send simulate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l version -l agent-version -d 'Version of the agent binary, e.g. 1.2.3' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l uptime -d 'How long the agent has been running: seconds, or 90s, 5m, 1h30m, 2d (with --every it grows by the time elapsed, as a running agent\'s would)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l cpu -l cpu-usage -d 'CPU utilization percentage, 0–100' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l mem -l mem-usage -d 'Memory utilization percentage, 0–100' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l body -d 'Send a JSON body read from a file, or from stdin with \'-\' (validated like the flags)' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l every -d 'Keep sending, one beat per DUR (±10% jitter), until Ctrl-C or --count beats' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l count -d 'With --every: stop after N beats (failed beats count)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l from-host -d 'Fill uptime, CPU % (sampled over 250 ms) and memory % (used, as `free` counts it) from this machine; --uptime, --cpu or --mem given as well win over the measured value'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l dry-run -d 'Print the request (method, URL, headers, body) and send nothing'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l agents -d 'Number of simulated agents' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l interval -d 'Time between two beats of one agent; 0 sends back to back (closed-loop stress)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l duration -d 'Stop scheduling beats after this long (beats in flight are awaited)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l beats -d 'Stop after N beats per agent' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l prefix -d 'Prefix of the simulated agent ids' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l concurrency -d 'Most requests in flight at once [default: the number of agents, at most 256]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from simulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from help" -f -a "send" -d 'Send a heartbeat for an agent, as the agent itself would'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from help" -f -a "simulate" -d 'Simulate a fleet of agents sending heartbeats, and measure how the server copes'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -s h -l help -d 'Print help'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -f -a "show" -d 'Show one or more agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -f -a "list" -d 'List agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l status -d 'Only agents with this status: online, delayed or offline (any case)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l type -d 'Only agents of this type (e.g. log, metric, trace; any case)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l region -d 'Only agents in this region (any case)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -s l -l selector -d 'Only agents whose labels match, kubectl\'s syntax: team=ops,env!=dev, key, !key, \'key in (a,b)\', \'key notin (a,b)\'' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l page-size -d 'Records asked for per request (the server may send fewer)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l sort-by -d 'Sort by a field of the records (e.g. name, status, version, lastHeartbeatAt); reads every page before printing anything' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l limit -d 'Print at most N agents (stops reading pages once N have matched, unless --sort-by)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one or more agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "list" -d 'List agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l status -d 'Only agents with this status: online, delayed or offline (any case)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l type -d 'Only agents of this type (e.g. log, metric, trace; any case)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l region -d 'Only agents in this region (any case)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -s l -l selector -d 'Only agents whose labels match, kubectl\'s syntax: team=ops,env!=dev, key, !key, \'key in (a,b)\', \'key notin (a,b)\'' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l page-size -d 'Records asked for per request (the server may send fewer)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l interval -d 'Time between two polls (of an agent, or of the listing with --all)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l concurrency -d 'Most requests in flight at once' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l until -d 'Exit 0 as soon as every watched agent has this status' -r -f -a "online\t''
delayed\t''
offline\t''"
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l until-jq -d 'Exit 0 as soon as this jq expression is true for every watched record, e.g. \'.status == "online" and .version == "1.4.2"\'' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l timeout -d 'Give up after this long (exit 7 with --until or --until-jq)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l exec -d 'Run `sh -c CMD` for each change, the event\'s JSON on stdin' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l exec-concurrency -d 'Most --exec handlers running at once' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l exec-timeout -d 'Kill an --exec handler that runs longer than this' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l all -d 'Watch every agent the server lists (the filters below apply), listed every interval'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -s h -l help -d 'Print help'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -f -a "login" -d 'Log in: store a host and a token in a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -f -a "logout" -d 'Log out: remove the stored token of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -f -a "status" -d 'Show the profile, host and token in use, and where each came from'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -f -a "token" -d 'Print the token, alone, for scripts'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and not __fish_seen_subcommand_from login logout status token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l with-token -d 'Read the token from standard input (surrounding whitespace is trimmed)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "login" -d 'Log in: store a host and a token in a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "logout" -d 'Log out: remove the stored token of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the profile, host and token in use, and where each came from'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "token" -d 'Print the token, alone, for scripts'
complete -c agentctl -n "__fish_agentctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -s h -l help -d 'Print help'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -f -a "path" -d 'Print the path of the config file'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -f -a "list" -d 'List the profiles and their settings'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -f -a "get" -d 'Print one setting of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -f -a "set" -d 'Change one setting of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -f -a "use" -d 'Make a profile the current one'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and not __fish_seen_subcommand_from path list get set use help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the path of the config file'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the profiles and their settings'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print one setting of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change one setting of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a profile the current one'
complete -c agentctl -n "__fish_agentctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l listen -d 'Address to listen on (port 0 picks a free one); anything but loopback is reachable from other machines' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l token -d 'Bearer token clients must send [default: a random one]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l delayed-after -d 'An agent whose last heartbeat is at least this old is `delayed`' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l offline-after -d 'An agent whose last heartbeat is at least this old is `offline` (must exceed --delayed-after)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l seed -d 'Load agent records from a JSON array (the API\'s record fields; only uuid is required)' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l no-save-profile -d 'Do not save a `dev` profile with this server\'s host and token'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand dev-server" -s h -l help -d 'Print help'
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l dir -d 'The repository root' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l profile -d 'Profile from the config file [default: the current profile]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns, for people (agents: one row each)'
wide\t'The table with more columns (agents: endpoint, platform, labels, created, last op)'
json\t'JSON, pretty-printed (records exactly as the server sent them)'
ndjson\t'One compact JSON value per line, for scripts and streams'"
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -s h -l help -d 'Print help'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "heartbeat" -d 'Send and simulate heartbeats'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "agent" -d 'Look at agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "watch" -d 'Watch agents go online, delayed and offline'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "auth" -d 'Log in and out, and see which host and token are used'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "config" -d 'Read and edit the config file'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "dev-server" -d 'Run a local, in-memory Agents API to try commands and scripts on'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "demo" -d 'A self-contained tour: a dev server in-process, and the main commands run against it'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "completions" -d 'Print a shell completion script'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "generate-assets" -d 'Write the shell completions and man pages into completions/ and man/ (for maintainers)'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent watch auth config dev-server demo completions generate-assets help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from heartbeat" -f -a "send" -d 'Send a heartbeat for an agent, as the agent itself would'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from heartbeat" -f -a "simulate" -d 'Simulate a fleet of agents sending heartbeats, and measure how the server copes'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "show" -d 'Show one or more agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "list" -d 'List agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "login" -d 'Log in: store a host and a token in a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "logout" -d 'Log out: remove the stored token of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "status" -d 'Show the profile, host and token in use, and where each came from'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "token" -d 'Print the token, alone, for scripts'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the path of the config file'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'List the profiles and their settings'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Print one setting of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Change one setting of a profile'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "use" -d 'Make a profile the current one'
