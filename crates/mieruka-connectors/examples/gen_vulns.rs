//! Writes a generated vulnerability findings CSV: `gen_vulns ROWS PATH [SEED]`.

use std::io::{BufWriter, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(rows), Some(path)) = (args.first(), args.get(1)) else {
        return Err("usage: gen_vulns ROWS PATH [SEED]".into());
    };
    let rows: u64 = rows.replace('_', "").parse()?;
    let seed: u64 = args.get(2).map_or(Ok(2026), |s| s.parse())?;
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    mieruka_connectors::vulns::generate::write_findings(&mut out, rows, seed)?;
    out.flush()?;
    Ok(())
}
