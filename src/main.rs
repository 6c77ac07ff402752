//! The binary: parse argv, build the runtime, run, and turn the outcome into an exit code.
//! The only place that prints an error and picks the exit code.

use agentctl::error::Error;
use agentctl::ui::{ColorChoice, Ui};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    agentctl::secret::disable_core_dumps();
    install_panic_hook();
    // `COMPLETE=bash agentctl …`: the shell asks for completions (the committed scripts do this
    // on every <Tab>), answered from the clap tree plus live values such as profile names.
    // Without COMPLETE this returns at once.
    clap_complete::CompleteEnv::with_factory(agentctl::complete::command)
        .completer("agentctl")
        .complete();
    let invocation = match agentctl::parse_args(std::env::args_os()) {
        Ok(invocation) => invocation,
        Err(err) => {
            // clap prints usage errors to stderr (exit 2) and --help/--version to stdout (exit 0).
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let global = &invocation.cli.global;
    let ui = Arc::new(Ui::from_process(
        &ColorChoice::from_env(global.no_color),
        global.quiet,
        global.verbose,
    ));
    let runtime = if invocation.wants_multi_thread() {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(err) => {
            ui.error(&Error::other(format!(
                "could not start the async runtime: {err}"
            )));
            return ExitCode::from(1);
        }
    };
    let outcome = runtime.block_on(agentctl::run(invocation, ui.clone()));
    // Do not wait for idle keep-alive connections or stray tasks on the way out.
    runtime.shutdown_background();
    ExitCode::from(agentctl::exit_code(outcome, &ui))
}

/// A panic is a bug: say so briefly, with where it happened but none of the values involved
/// (a payload could hold a token or a server's bytes).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!(
                "error: agentctl hit an internal error{location} (a bug). \
                 Please report it with the command you ran, without any token.\n"
            )
            .as_bytes(),
        );
    }));
}
