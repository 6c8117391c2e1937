//! A column mapping (`--map` TOML) for each connector, and `--column` settings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::ColumnMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for connector in [
        "vulnerabilities",
        "gophish",
        "assets",
        "edr",
        "incidents",
        "training",
    ] {
        let _ = ColumnMap::from_toml(text, connector);
    }
    let mut map = ColumnMap::default();
    for line in text.lines() {
        let _ = map.set(line);
    }
});
