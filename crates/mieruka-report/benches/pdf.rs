//! How long a long board report takes to typeset: the sample report (the demo's figures) with
//! enough KPIs for at least ten A4 pages, rendered to PDF several times; prints the median.
//! Run with `cargo bench -p mieruka-report`.

use std::time::Instant;

fn main() {
    let report = mieruka_report::sample::sample(16);
    // The first run loads the font and warms typst's caches; it is reported on its own.
    let t = Instant::now();
    let first = mieruka_report::pdf(&report).expect("the report renders");
    let cold = t.elapsed();
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let pdf = mieruka_report::pdf(&report).expect("the report renders");
        times.push(t.elapsed());
        assert_eq!(pdf.pages, first.pages);
    }
    times.sort();
    println!(
        "board report PDF: {} pages, {} KB; first run {:.0} ms, median of 7 {:.0} ms (min {:.0}, max {:.0})",
        first.pages,
        first.bytes.len() / 1024,
        cold.as_secs_f64() * 1e3,
        times[3].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[6].as_secs_f64() * 1e3,
    );
    assert!(
        first.pages >= 10,
        "the benchmark document has {} pages",
        first.pages
    );
}
