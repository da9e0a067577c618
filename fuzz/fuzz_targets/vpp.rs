//! The VPP file parser and checks on arbitrary text: problems, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        let _ = vppsim::vpp::scenario::from_str(std::path::Path::new("fuzz/vpp.toml"), source);
    }
});
