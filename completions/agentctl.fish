# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_agentctl_global_optspecs
    string join \n host= o/output= jq= r/raw-output no-headers request-timeout= retries= cacert= allow-insecure-http config-dir= no-color no-input v/verbose q/quiet h/help V/version
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
complete -c agentctl -n "__fish_agentctl_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t'One row per agent'
wide\t'The table plus endpoint, platform, labels, created and last op'
json\t'The records as the server sent them, pretty-printed'
ndjson\t'One compact JSON object per line'"
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
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "heartbeat" -d 'Send heartbeats'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "agent" -d 'Look at agents'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "generate-assets" -d 'Write the shell completions and man pages into completions/ and man/ (for maintainers)'
complete -c agentctl -n "__fish_agentctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -s o -l output -d 'Output format' -r -f -a "table\t'One row per agent'
wide\t'The table plus endpoint, platform, labels, created and last op'
json\t'The records as the server sent them, pretty-printed'
ndjson\t'One compact JSON object per line'"
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -f -a "send" -d 'Send one heartbeat for an agent, as the agent itself would'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and not __fish_seen_subcommand_from send help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l version -l agent-version -d 'Version of the agent binary, e.g. 1.2.3' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l uptime -d 'How long the agent has been running: seconds, or 90s, 5m, 1h30m, 2d' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l cpu -l cpu-usage -d 'CPU utilization percentage, 0–100' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l mem -l mem-usage -d 'Memory utilization percentage, 0–100' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l body -d 'Send a JSON body read from a file, or from stdin with \'-\' (validated like the flags)' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s o -l output -d 'Output format' -r -f -a "table\t'One row per agent'
wide\t'The table plus endpoint, platform, labels, created and last op'
json\t'The records as the server sent them, pretty-printed'
ndjson\t'One compact JSON object per line'"
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l dry-run -d 'Print the request (method, URL, headers, body) and send nothing'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from help" -f -a "send" -d 'Send one heartbeat for an agent, as the agent itself would'
complete -c agentctl -n "__fish_agentctl_using_subcommand heartbeat; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -s o -l output -d 'Output format' -r -f -a "table\t'One row per agent'
wide\t'The table plus endpoint, platform, labels, created and last op'
json\t'The records as the server sent them, pretty-printed'
ndjson\t'One compact JSON object per line'"
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l jq -d 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l request-timeout -d 'Time limit per request [default: 10s]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l retries -d 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l cacert -d 'Add a PEM CA certificate to the trusted roots' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l config-dir -d 'Configuration directory [default: ~/.config/agentctl on Linux]' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -s r -l raw-output -d 'With --jq: print strings without quotes, like jq -r'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l no-headers -d 'Tables without the header row, for awk and cut'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l allow-insecure-http -d 'Allow sending the token over plain http:// to a host that is not loopback'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l no-color -d 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -l no-input -d 'Never prompt; fail with a usage error where input is missing'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -s v -l verbose -d 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -s q -l quiet -d 'Print nothing on success'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Show one or more agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'One row per agent'
wide\t'The table plus endpoint, platform, labels, created and last op'
json\t'The records as the server sent them, pretty-printed'
ndjson\t'One compact JSON object per line'"
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
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one or more agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "table\t'One row per agent'
wide\t'The table plus endpoint, platform, labels, created and last op'
json\t'The records as the server sent them, pretty-printed'
ndjson\t'One compact JSON object per line'"
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
complete -c agentctl -n "__fish_agentctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l dir -d 'The repository root' -r -F
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -l host -d 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)' -r
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -s o -l output -d 'Output format' -r -f -a "table\t'One row per agent'
wide\t'The table plus endpoint, platform, labels, created and last op'
json\t'The records as the server sent them, pretty-printed'
ndjson\t'One compact JSON object per line'"
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
complete -c agentctl -n "__fish_agentctl_using_subcommand generate-assets" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent completions generate-assets help" -f -a "heartbeat" -d 'Send heartbeats'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent completions generate-assets help" -f -a "agent" -d 'Look at agents'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent completions generate-assets help" -f -a "completions" -d 'Print a shell completion script'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent completions generate-assets help" -f -a "generate-assets" -d 'Write the shell completions and man pages into completions/ and man/ (for maintainers)'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and not __fish_seen_subcommand_from heartbeat agent completions generate-assets help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from heartbeat" -f -a "send" -d 'Send one heartbeat for an agent, as the agent itself would'
complete -c agentctl -n "__fish_agentctl_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "show" -d 'Show one or more agents'
