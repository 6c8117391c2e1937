//! The assets connector over any bytes, in lenient and strict mode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::assets;

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let mut o = assets::Options::new(1_790_000_000);
        o.strict = strict;
        if let Ok(r) = assets::analyse(data, "fuzz.csv", &o) {
            let _ = r.figures();
        }
    }
});
