//! The training connector over any bytes, in lenient and strict mode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::training;

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let o = training::Options {
            strict,
            ..Default::default()
        };
        if let Ok(r) = training::analyse(data, "fuzz.csv", &o) {
            let _ = r.figures();
        }
    }
});
