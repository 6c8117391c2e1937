//! GoPhish campaign results over any bytes, as this and as an earlier campaign.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::gophish;

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let o = gophish::Options {
            strict,
            ..Default::default()
        };
        let before = gophish::failed_before(data, "before.csv", &o).ok();
        if let Ok(r) = gophish::analyse(data, "fuzz.csv", &o, before) {
            let _ = r.figures();
        }
    }
});
