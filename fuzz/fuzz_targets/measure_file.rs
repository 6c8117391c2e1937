//! A measurement file: CSV or text in any encoding, or an Excel workbook (the first byte picks
//! the extension), read within a budget, its header mapped and every cell of every row turned
//! into the value the checker would use.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::limits::Limits;
use mieruka_connectors::table::measurement::{self as columns, Columns, FIELDS};
use mieruka_connectors::table::sheet::read;

const NAMES: [&str; 4] = ["m.csv", "m.txt", "m.xlsx", "m.xlsm"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_file_bytes: 1 << 20,
        max_unpacked_bytes: 16 << 20,
        max_rows: 100_000,
        max_cells: 200_000,
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Ok(sheet) = read(name, bytes, &limits) else {
        return;
    };
    assert!(!sheet.header.is_empty() && !sheet.rows.is_empty());
    let Ok(columns) = Columns::from_header(&sheet.header) else {
        return;
    };
    for row in &sheet.rows {
        let _ = columns.stray(&row.cells);
        for (f, _, _) in FIELDS {
            let cell = columns.field(f, &row.cells);
            let _ = columns::text(cell);
            let _ = columns::date(cell);
            let _ = columns::number(cell);
            let _ = columns::plan_id(cell);
        }
    }
});
