//! `vppsim completions SHELL` and `vppsim man`: a shell completion script and the manual
//! page (roff), both generated from the command-line definition so they never drift.

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_FAILED, say};

/// Writes the completion script for `shell` to standard output.
pub fn completions(shell: Shell) -> u8 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "vppsim", &mut script);
    say::print_raw(&script);
    0
}

/// Writes the manual page (roff, section 1) to standard output.
pub fn man() -> u8 {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => {
            say::print_raw(&page);
            0
        }
        Err(e) => {
            eprintln!("error: cannot render the manual page: {e}");
            EXIT_FAILED
        }
    }
}
