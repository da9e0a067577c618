//! The `vppsim` command: parse arguments, run, render errors, exit with a documented code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cli::run(cli::Cli::parse())
}
