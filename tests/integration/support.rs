//! Helpers: run the binary, make temporary folders, read JSON outputs.

use std::path::{Path, PathBuf};
use std::process::Output;

/// Project root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty temporary folder unique to `name` and this process.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vppsim-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `vppsim` with `args` from the project root.
pub fn vppsim(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vppsim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the vppsim binary runs")
}

/// Runs `vppsim run scenario --out out --force` with `extra` arguments, asserts it succeeded
/// (showing its stderr otherwise) and returns its output.
pub fn run_into(scenario: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", scenario, "--out", out.to_str().unwrap(), "--force"];
    args.extend_from_slice(extra);
    let o = vppsim(&args);
    assert!(
        o.status.success(),
        "vppsim {}: {}",
        args.join(" "),
        text(&o.stderr)
    );
    o
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Asserts that `said` contains every one of `expected`, showing the one missing and `said`.
pub fn assert_says(said: &str, expected: &[&str]) {
    for e in expected {
        assert!(said.contains(e), "{e}\n{said}");
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `vppsim` with `args` from the project root with its standard output closed before
/// it writes anything (as `vppsim … | head -0` would).
pub fn vppsim_closed_stdout(args: &[&str]) -> Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_vppsim"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the vppsim binary runs");
    drop(child.stdout.take());
    child.wait_with_output().expect("the vppsim binary ends")
}
