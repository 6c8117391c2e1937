use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/portfolio.csv"
    ))
    .unwrap();
    let sc = mieruka_sim::parse_riskquant_csv(&text).unwrap();
    let only: Option<usize> = std::env::args().nth(1).map(|a| a.parse().unwrap());
    for _ in 0..5 {
        let t = Instant::now();
        let sim = match only {
            Some(i) => mieruka_sim::simulate(&sc[i..i + 1], 1_000_000, 1),
            None => mieruka_sim::simulate(&sc, 1_000_000, 1),
        };
        let a = t.elapsed();
        let t = Instant::now();
        let c = sim.exceedance_curve(100);
        let b = t.elapsed();
        let t = Instant::now();
        let p = sim.percentile(0.5);
        let d = t.elapsed();
        let t = Instant::now();
        let v: Vec<u64> = sim.totals().iter().map(|x| x.to_bits()).collect();
        let e = t.elapsed();
        println!(
            "simulate {:?} curve {:?} one percentile {:?} copy {:?} {} {}",
            a,
            b,
            d,
            e,
            c.len(),
            p + v.len() as f64
        );
    }
}
