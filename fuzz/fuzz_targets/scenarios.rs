//! A riskquant scenario CSV (`mieruka simulate --scenarios`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = mieruka_sim::parse_riskquant_csv(text);
    }
});
