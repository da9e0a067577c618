//! The CSV reader on arbitrary bytes, and a column read against a small grid.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("fuzz.csv");
    if let Ok(table) = vppsim::series::CsvTable::from_bytes(path, data.to_vec()) {
        let grid = vppsim::time::TimeGrid {
            start: chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap(),
            step_seconds: 3600,
            len: 3,
            zone: None,
        };
        let _ = table.column("x", Some("t"), &grid, 1.0);
        let _ = table.numbers("x");
    }
});
