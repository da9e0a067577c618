//! What the command prints and how much: the human lines on standard output, notes and
//! warnings on standard error (both silenced by `-q`), and with `--json` one JSON document
//! on standard output instead of the human lines. Errors are printed with `eprintln!`
//! directly and are never silenced.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);
static JSON: AtomicBool = AtomicBool::new(false);

/// `-q`: print only errors (and the JSON document, when asked for).
pub fn set_quiet(on: bool) {
    QUIET.store(on, Ordering::Relaxed);
}

/// `--json`: the command's figures as one JSON document replace its human lines.
pub fn set_json(on: bool) {
    JSON.store(on, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Writes one human line to stdout (unless `-q` or `--json`); on a closed pipe, exits with
/// 0 at once (nothing more can be read, and what was to be done is done).
pub fn print_line(args: std::fmt::Arguments) {
    if quiet() || JSON.load(Ordering::Relaxed) {
        return;
    }
    write_stdout(|out| out.write_fmt(args).and_then(|()| out.write_all(b"\n")));
}

/// Writes a note or warning to stderr, unless `-q`.
pub fn print_note(args: std::fmt::Arguments) {
    if !quiet() {
        super::progress::suspend(|| {
            let _ = writeln!(std::io::stderr(), "{args}");
        });
    }
}

/// With `--json`, writes `value` to stdout as pretty JSON; otherwise nothing.
pub fn emit_json(value: &serde_json::Value) {
    if !JSON.load(Ordering::Relaxed) {
        return;
    }
    let text = serde_json::to_string_pretty(value).expect("a JSON value serialises");
    write_stdout(|out| {
        out.write_all(text.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
    });
}

/// Writes `bytes` to stdout as they are (what was asked for: printed even under `-q`).
pub fn print_raw(bytes: &[u8]) {
    write_stdout(|out| out.write_all(bytes));
}

fn write_stdout(write: impl FnOnce(&mut std::io::StdoutLock) -> std::io::Result<()>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = write(&mut out).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("warning: cannot write to standard output: {e}");
    }
}
