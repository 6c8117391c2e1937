//! The incidents connector over any bytes, in lenient and strict mode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::incidents;

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let o = incidents::Options {
            strict,
            ..Default::default()
        };
        if let Ok(r) = incidents::analyse(data, "fuzz.csv", &o) {
            let _ = r.figures();
        }
    }
});
