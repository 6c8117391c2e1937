//! OpenSCAP's XCCDF results (XML) and a host list over any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::{ColumnMap, Tally, openscap};

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let mut tally = Tally::default();
        if let Ok(systems) = openscap::read_systems(data, "fuzz.xml", strict, &mut tally) {
            if let Ok(r) = openscap::summarise(systems, None, tally) {
                let _ = r.figures();
            }
        }
        let _ = openscap::read_hosts(data, "hosts.csv", &ColumnMap::default(), strict);
    }
});
