use std::time::Instant;
fn minflt() -> u64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap();
    let rest = &s[s.rfind(')').unwrap() + 2..];
    rest.split(' ').nth(7).unwrap().parse().unwrap()
}
fn main() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/portfolio.csv"
    ))
    .unwrap();
    let sc = mieruka_sim::parse_riskquant_csv(&text).unwrap();
    for _ in 0..5 {
        let f0 = minflt();
        let t = Instant::now();
        let sim = mieruka_sim::simulate(&sc, 1_000_000, 1);
        let a = t.elapsed().as_secs_f64() * 1e3;
        let f1 = minflt();
        let t = Instant::now();
        let c = sim.exceedance_curve(100);
        let b = t.elapsed().as_secs_f64() * 1e3;
        let f2 = minflt();
        println!(
            "simulate {a:.1} ({} faults) curve {b:.1} ({} faults) {}",
            f1 - f0,
            f2 - f1,
            c.len()
        );
    }
}
