//! `vppsim report` on a mutated results folder: `timeseries.csv`, `summary.json`,
//! `manifest.json` and optionally `weather.csv` as one input, separated by NUL bytes. No
//! input may panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(4, '\0');
    let timeseries = parts.next().unwrap_or_default();
    let summary = parts.next().unwrap_or("{}");
    let manifest = parts.next().unwrap_or("{}");
    let weather = parts.next();
    let _ = vppsim::report::render_files(timeseries, weather, summary, manifest);
});
