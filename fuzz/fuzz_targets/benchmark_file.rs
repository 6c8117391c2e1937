//! A benchmark (peer figures) file: read like a measurement file, its header mapped onto the
//! benchmark columns; and the JSON body the API takes, validated.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::limits::Limits;
use mieruka_connectors::table::benchmark::Columns;
use mieruka_connectors::table::sheet::read;
use mieruka_domain::benchmark::RawBenchmark;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    if pick % 3 == 0 {
        if let Ok(items) = serde_json::from_slice::<Vec<RawBenchmark>>(bytes) {
            for item in &items {
                let _ = item.validate();
            }
        }
        return;
    }
    let limits = Limits {
        max_file_bytes: 1 << 20,
        max_unpacked_bytes: 16 << 20,
        max_rows: 100_000,
        max_cells: 200_000,
    };
    let name = if pick % 3 == 1 { "b.csv" } else { "b.xlsx" };
    if let Ok(sheet) = read(name, bytes, &limits) {
        let _ = Columns::from_header(&sheet.header);
    }
});
