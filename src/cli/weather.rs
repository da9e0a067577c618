//! `vppsim weather SCENARIO [--out FILE] [--force]`: the weather a scenario runs on (read
//! or generated, exactly as `run` uses it), as CSV with the plane-of-array irradiance of every
//! PV modelled from physics. To standard output by default, so it pipes into other tools;
//! with `--out`, written atomically (a temporary file in the same folder, then renamed) and
//! never over an existing file unless `--force`, and then only over a weather table vppsim
//! wrote (its first line is the header vppsim writes): nothing else is ever overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use vppsim::scenario::Source;

use super::{EXIT_BAD_INPUT, EXIT_FAILED, load_or_report};

/// The start of the header line of every weather table vppsim writes.
const HEADER: &str = "timestamp,ghi [W/m2],dni [W/m2],dhi [W/m2],";

pub fn run(source: Source, out: Option<PathBuf>, force: bool) -> u8 {
    let path = source.path.clone();
    let path = path.as_path();
    if source.is_vpp() {
        eprintln!(
            "error: {} is a VPP file; `vppsim weather` takes a single-site scenario\n  = hint: the sites of a VPP share one synthetic sky: give a site's [site] and [weather] in a scenario file",
            path.display()
        );
        return EXIT_BAD_INPUT;
    }
    if let Some(file) = &out
        && std::fs::symlink_metadata(file).is_ok()
    {
        let ours = std::fs::read_to_string(file).is_ok_and(|text| text.starts_with(HEADER));
        if !force || !ours {
            let hint = if ours {
                "pass --force to replace it, or --out to write elsewhere"
            } else {
                "it is not a weather table vppsim wrote, so vppsim will not replace it: choose another --out"
            };
            eprintln!("error: {} already exists\n  = hint: {hint}", file.display());
            return EXIT_BAD_INPUT;
        }
    }
    let loaded = match load_or_report(source) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let bytes = match vppsim::results::weather_csv(&loaded.scenario) {
        None => {
            eprintln!(
                "error: scenario {} has no weather\n  = hint: add [site] and [weather] (file = {{ ... }} or synthetic = {{ climate = \"...\" }})",
                path.display()
            );
            return EXIT_BAD_INPUT;
        }
        Some(Err(e)) => {
            eprintln!("error: cannot write the weather table: {e}");
            return EXIT_FAILED;
        }
        Some(Ok(bytes)) => bytes,
    };
    let written = match &out {
        None => match std::io::stdout().lock().write_all(&bytes) {
            // A closed pipe (`| head`) ends the command quietly.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        },
        Some(file) => write_atomically(file, &bytes),
    };
    match (written, &out) {
        (Ok(()), Some(file)) => {
            eprintln!("weather written to {}", file.display());
            0
        }
        (Ok(()), None) => 0,
        (Err(e), _) => {
            let to = out
                .as_deref()
                .map_or("standard output".into(), |f| f.display().to_string());
            eprintln!("error: cannot write {to}: {e}");
            EXIT_FAILED
        }
    }
}

/// Writes `bytes` to a hidden temporary file beside `file`, then renames it into place; the
/// temporary file is removed if anything fails.
fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = file
        .file_name()
        .map_or("weather.csv".into(), |n| n.to_string_lossy());
    let temp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, file));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
