
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'agentctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'agentctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'agentctl' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Send and simulate heartbeats')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Look at agents')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch agents go online, delayed and offline')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Log in and out, and see which host and token are used')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read and edit the config file')
            [CompletionResult]::new('dev-server', 'dev-server', [CompletionResultType]::ParameterValue, 'Run a local, in-memory Agents API to try commands and scripts on')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A self-contained tour: a dev server in-process, and the main commands run against it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('generate-assets', 'generate-assets', [CompletionResultType]::ParameterValue, 'Write the shell completions and man pages into completions/ and man/ (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;heartbeat' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a heartbeat for an agent, as the agent itself would')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Simulate a fleet of agents sending heartbeats, and measure how the server copes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;heartbeat;send' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Version of the agent binary, e.g. 1.2.3')
            [CompletionResult]::new('--agent-version', '--agent-version', [CompletionResultType]::ParameterName, 'Version of the agent binary, e.g. 1.2.3')
            [CompletionResult]::new('--uptime', '--uptime', [CompletionResultType]::ParameterName, 'How long the agent has been running: seconds, or 90s, 5m, 1h30m, 2d (with --every it grows by the time elapsed, as a running agent''s would)')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU utilization percentage, 0–100')
            [CompletionResult]::new('--cpu-usage', '--cpu-usage', [CompletionResultType]::ParameterName, 'CPU utilization percentage, 0–100')
            [CompletionResult]::new('--mem', '--mem', [CompletionResultType]::ParameterName, 'Memory utilization percentage, 0–100')
            [CompletionResult]::new('--mem-usage', '--mem-usage', [CompletionResultType]::ParameterName, 'Memory utilization percentage, 0–100')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Send a JSON body read from a file, or from stdin with ''-'' (validated like the flags)')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Keep sending, one beat per DUR (±10% jitter), until Ctrl-C or --count beats')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'With --every: stop after N beats (failed beats count)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('--from-host', '--from-host', [CompletionResultType]::ParameterName, 'Fill uptime, CPU % (sampled over 250 ms) and memory % (used, as `free` counts it) from this machine; --uptime, --cpu or --mem given as well win over the measured value')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers, body) and send nothing')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;heartbeat;simulate' {
            [CompletionResult]::new('--agents', '--agents', [CompletionResultType]::ParameterName, 'Number of simulated agents')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two beats of one agent; 0 sends back to back (closed-loop stress)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop scheduling beats after this long (beats in flight are awaited)')
            [CompletionResult]::new('--beats', '--beats', [CompletionResultType]::ParameterName, 'Stop after N beats per agent')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Prefix of the simulated agent ids')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most requests in flight at once [default: the number of agents, at most 256]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;heartbeat;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a heartbeat for an agent, as the agent itself would')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Simulate a fleet of agents sending heartbeats, and measure how the server copes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;heartbeat;help;send' {
            break
        }
        'agentctl;heartbeat;help;simulate' {
            break
        }
        'agentctl;heartbeat;help;help' {
            break
        }
        'agentctl;agent' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one or more agents')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List agents')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;agent;show' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;agent;list' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only agents with this status: online, delayed or offline (any case)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only agents of this type (e.g. log, metric, trace; any case)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Only agents in this region (any case)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only agents whose labels match, kubectl''s syntax: team=ops,env!=dev, key, !key, ''key in (a,b)'', ''key notin (a,b)''')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only agents whose labels match, kubectl''s syntax: team=ops,env!=dev, key, !key, ''key in (a,b)'', ''key notin (a,b)''')
            [CompletionResult]::new('--page-size', '--page-size', [CompletionResultType]::ParameterName, 'Records asked for per request (the server may send fewer)')
            [CompletionResult]::new('--sort-by', '--sort-by', [CompletionResultType]::ParameterName, 'Sort by a field of the records (e.g. name, status, version, lastHeartbeatAt); reads every page before printing anything')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Print at most N agents (stops reading pages once N have matched, unless --sort-by)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;agent;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one or more agents')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List agents')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;agent;help;show' {
            break
        }
        'agentctl;agent;help;list' {
            break
        }
        'agentctl;agent;help;help' {
            break
        }
        'agentctl;watch' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only agents with this status: online, delayed or offline (any case)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only agents of this type (e.g. log, metric, trace; any case)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Only agents in this region (any case)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only agents whose labels match, kubectl''s syntax: team=ops,env!=dev, key, !key, ''key in (a,b)'', ''key notin (a,b)''')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only agents whose labels match, kubectl''s syntax: team=ops,env!=dev, key, !key, ''key in (a,b)'', ''key notin (a,b)''')
            [CompletionResult]::new('--page-size', '--page-size', [CompletionResultType]::ParameterName, 'Records asked for per request (the server may send fewer)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two polls (of an agent, or of the listing with --all)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most requests in flight at once')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Exit 0 as soon as every watched agent has this status')
            [CompletionResult]::new('--until-jq', '--until-jq', [CompletionResultType]::ParameterName, 'Exit 0 as soon as this jq expression is true for every watched record, e.g. ''.status == "online" and .version == "1.4.2"''')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (exit 7 with --until or --until-jq)')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run `sh -c CMD` for each change, the event''s JSON on stdin')
            [CompletionResult]::new('--exec-concurrency', '--exec-concurrency', [CompletionResultType]::ParameterName, 'Most --exec handlers running at once')
            [CompletionResult]::new('--exec-timeout', '--exec-timeout', [CompletionResultType]::ParameterName, 'Kill an --exec handler that runs longer than this')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Watch every agent the server lists (the filters below apply), listed every interval')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;auth' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in: store a host and a token in a profile')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Log out: remove the stored token of a profile')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the profile, host and token in use, and where each came from')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the token, alone, for scripts')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;auth;login' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('--with-token', '--with-token', [CompletionResultType]::ParameterName, 'Read the token from standard input (surrounding whitespace is trimmed)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;auth;logout' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;auth;status' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;auth;token' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;auth;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in: store a host and a token in a profile')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Log out: remove the stored token of a profile')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the profile, host and token in use, and where each came from')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the token, alone, for scripts')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;auth;help;login' {
            break
        }
        'agentctl;auth;help;logout' {
            break
        }
        'agentctl;auth;help;status' {
            break
        }
        'agentctl;auth;help;token' {
            break
        }
        'agentctl;auth;help;help' {
            break
        }
        'agentctl;config' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles and their settings')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting of a profile')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one setting of a profile')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the current one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;config;path' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;config;list' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;config;get' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;config;set' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;config;use' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles and their settings')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting of a profile')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one setting of a profile')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the current one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;config;help;path' {
            break
        }
        'agentctl;config;help;list' {
            break
        }
        'agentctl;config;help;get' {
            break
        }
        'agentctl;config;help;set' {
            break
        }
        'agentctl;config;help;use' {
            break
        }
        'agentctl;config;help;help' {
            break
        }
        'agentctl;dev-server' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (port 0 picks a free one); anything but loopback is reachable from other machines')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token clients must send [default: a random one]')
            [CompletionResult]::new('--delayed-after', '--delayed-after', [CompletionResultType]::ParameterName, 'An agent whose last heartbeat is at least this old is `delayed`')
            [CompletionResult]::new('--offline-after', '--offline-after', [CompletionResultType]::ParameterName, 'An agent whose last heartbeat is at least this old is `offline` (must exceed --delayed-after)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Load agent records from a JSON array (the API''s record fields; only uuid is required)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('--no-save-profile', '--no-save-profile', [CompletionResultType]::ParameterName, 'Do not save a `dev` profile with this server''s host and token')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'agentctl;demo' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'agentctl;completions' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'agentctl;generate-assets' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The repository root')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'API base URL, e.g. https://agents.example.com (a path prefix is allowed)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config file [default: the current profile]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter JSON output with a jq expression, in-process (implies -o json; with -o ndjson it runs on each record)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time limit per request [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of idempotent calls on connect errors, 429, 502, 503 and 504 [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Add a PEM CA certificate to the trusted roots')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Configuration directory [default: ~/.config/agentctl on Linux]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'With --jq: print strings without quotes, like jq -r')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without the header row, for awk and cut')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow sending the token over plain http:// to a host that is not loopback')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No color (also off when stdout is not a terminal, NO_COLOR is set or TERM=dumb)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a usage error where input is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr: method, URL, status, time; twice adds headers (token redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'agentctl;help' {
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Send and simulate heartbeats')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Look at agents')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch agents go online, delayed and offline')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Log in and out, and see which host and token are used')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read and edit the config file')
            [CompletionResult]::new('dev-server', 'dev-server', [CompletionResultType]::ParameterValue, 'Run a local, in-memory Agents API to try commands and scripts on')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A self-contained tour: a dev server in-process, and the main commands run against it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('generate-assets', 'generate-assets', [CompletionResultType]::ParameterValue, 'Write the shell completions and man pages into completions/ and man/ (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentctl;help;heartbeat' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a heartbeat for an agent, as the agent itself would')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Simulate a fleet of agents sending heartbeats, and measure how the server copes')
            break
        }
        'agentctl;help;heartbeat;send' {
            break
        }
        'agentctl;help;heartbeat;simulate' {
            break
        }
        'agentctl;help;agent' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one or more agents')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List agents')
            break
        }
        'agentctl;help;agent;show' {
            break
        }
        'agentctl;help;agent;list' {
            break
        }
        'agentctl;help;watch' {
            break
        }
        'agentctl;help;auth' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in: store a host and a token in a profile')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Log out: remove the stored token of a profile')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the profile, host and token in use, and where each came from')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the token, alone, for scripts')
            break
        }
        'agentctl;help;auth;login' {
            break
        }
        'agentctl;help;auth;logout' {
            break
        }
        'agentctl;help;auth;status' {
            break
        }
        'agentctl;help;auth;token' {
            break
        }
        'agentctl;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles and their settings')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting of a profile')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one setting of a profile')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the current one')
            break
        }
        'agentctl;help;config;path' {
            break
        }
        'agentctl;help;config;list' {
            break
        }
        'agentctl;help;config;get' {
            break
        }
        'agentctl;help;config;set' {
            break
        }
        'agentctl;help;config;use' {
            break
        }
        'agentctl;help;dev-server' {
            break
        }
        'agentctl;help;demo' {
            break
        }
        'agentctl;help;completions' {
            break
        }
        'agentctl;help;generate-assets' {
            break
        }
        'agentctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
