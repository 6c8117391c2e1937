//! Schemas of the benchmark (peer) figures the board report's summary compares with.

use serde_json::{Value, json};

use super::{answer, date, described, int_in, num, num_or_null, s, s_or_null};

pub(super) fn reports(add: &mut impl FnMut(&str, Value)) {
    let figures = json!({
        "kpi": described(s(), "A catalogue KPI id (`1.2.2`) or an organisation's own KPI id."),
        "as_of": described(date(), "The date the figures are as of."),
        "median": described(num(), "In the KPI's reading unit: percent for ratio and progress KPIs, a count, mean hours, a score."),
        "lower": described(num_or_null(), "The lower quartile, at most the median."),
        "upper": described(num_or_null(), "The upper quartile, at least the median."),
        "peers": described(int_in(1, u64::from(u32::MAX)), "How many organisations the figures are from, at least 1."),
        "source": described(s(), "Where the figures come from, up to 200 characters."),
        "industry": s_or_null(),
    });
    let mut listed = figures.clone();
    listed["updated_at"] = s();
    add(
        "Benchmark",
        answer(
            &[
                "kpi",
                "as_of",
                "median",
                "lower",
                "upper",
                "peers",
                "source",
                "industry",
                "updated_at",
            ],
            listed,
        ),
    );
}
