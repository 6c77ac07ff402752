//! The binary: what only a process has (core dumps off, the panic hook, `COMPLETE=` for the
//! shell, the doors of the real process), then the one entry point, `agentctl::main_with`.

use std::process::ExitCode;

fn main() -> ExitCode {
    agentctl::secret::disable_core_dumps();
    install_panic_hook();
    // `COMPLETE=bash agentctl …`: the shell asks for completions (the committed scripts do this
    // on every <Tab>), answered from the clap tree plus live values such as profile names.
    // Without COMPLETE this returns at once.
    clap_complete::CompleteEnv::with_factory(agentctl::completion_command)
        .completer("agentctl")
        .complete();
    ExitCode::from(agentctl::main_with(
        std::env::args_os(),
        agentctl::Io::from_process(),
    ))
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
