//! `vppsim completions SHELL`, `vppsim man` and `vppsim schema`: a shell completion script
//! and the manual page (roff), generated from the command-line definition, and the files'
//! JSON Schema and key reference, generated from the file structures, so none can drift.

use clap::CommandFactory;
use clap_complete::Shell;

use vppsim::scenario::{keys_doc, schema};

use super::{Cli, EXIT_FAILED, say};

/// The file format `vppsim schema` describes.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SchemaFormat {
    Scenario,
    Vpp,
    Sweep,
}

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

/// Writes the JSON Schema of `format`'s files (pretty, with a final newline), or with
/// `markdown` the key reference of both formats, to standard output.
pub fn schema(format: SchemaFormat, markdown: bool) -> u8 {
    let text = if markdown {
        keys_doc::markdown()
    } else {
        let format = match format {
            SchemaFormat::Scenario => schema::FileFormat::Scenario,
            SchemaFormat::Vpp => schema::FileFormat::Vpp,
            SchemaFormat::Sweep => schema::FileFormat::Sweep,
        };
        let json = serde_json::to_string_pretty(&schema::json_schema(format))
            .expect("a JSON value serialises");
        json + "\n"
    };
    say::print_raw(text.as_bytes());
    0
}
