//! Writes every chart, filled with the report's worked example, to `target/charts-preview/` (or
//! `$CARGO_TARGET_DIR/charts-preview/`) so a person can look at them:
//! `cargo run -p mieruka-charts --example preview`.

use std::path::PathBuf;

use mieruka_charts::{
    Exceedance, ExceedanceCurve, LossBreakdown, LossCategory, MatrixPoint, PlanVsActual, PointKind,
    TickFormat, Trend, UnitBars, exceedance_svg, loss_breakdown_svg, plan_vs_actual_svg,
    risk_matrix_svg, trend_svg,
};
use mieruka_domain::Lang;
use mieruka_domain::evaluation::Status;
use mieruka_domain::figures::yen;
use mieruka_domain::kpi::Direction;
use mieruka_domain::risk::Cell;

fn unit(name: &str, planned: f64, actual: Option<f64>, status: Status) -> UnitBars {
    UnitBars {
        name: name.into(),
        planned: Some(planned),
        planned_text: format!("{planned}%"),
        actual,
        actual_text: actual.map(|a| format!("{a}%")).unwrap_or_default(),
        status,
        status_text: status.label(Lang::Ja).into(),
    }
}

fn category(name: &str, now: f64, after: f64) -> LossCategory {
    let oku = |v: f64| format!("{}億円", v);
    LossCategory {
        name: name.into(),
        now: now * 1e8,
        now_text: oku(now),
        after: after * 1e8,
        after_text: oku(after),
    }
}

/// A lognormal-like exceedance curve: P(loss ≥ x) for a yearly incident rate and a median loss.
fn curve(label: &str, rate: f64, median: f64) -> ExceedanceCurve {
    let points = (0..=40)
        .map(|k| {
            let loss = 1e7 * 10f64.powf(f64::from(k) / 10.0);
            let z = (loss / median).ln() / 1.2;
            let tail = 0.5 * erfc(z / std::f64::consts::SQRT_2);
            (loss, 1.0 - (-rate * tail).exp())
        })
        .collect();
    ExceedanceCurve {
        label: label.into(),
        points,
    }
}

/// Complementary error function (Abramowitz–Stegun 7.1.26), enough for a picture.
fn erfc(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let e = y * (-x * x).exp();
    if x >= 0.0 { e } else { 2.0 - e }
}

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("charts-preview");
    std::fs::create_dir_all(&dir)?;

    let cell = |probability, impact| Cell {
        probability,
        impact,
    };
    let matrix = risk_matrix_svg(
        Lang::Ja,
        &[
            MatrixPoint {
                label: "自然災害・事故等".into(),
                at: Some(cell(2, 5)),
                kind: PointKind::Normal,
            },
            MatrixPoint {
                label: "為替レートの変動".into(),
                at: Some(cell(5, 3)),
                kind: PointKind::Normal,
            },
            MatrixPoint {
                label: "サイバーリスク・個人情報の保護".into(),
                at: Some(cell(4, 5)),
                kind: PointKind::Cyber {
                    after: Some(cell(4, 4)),
                },
            },
        ],
        "事業リスクの評価",
        Some(&[1e8, 1e9, 5e9, 1e10]),
    );

    let plan = plan_vs_actual_svg(&PlanVsActual {
        title: "主要部門のサイバー演習進捗率".into(),
        axis_label: "進捗率（%）".into(),
        ticks: TickFormat::suffix("%"),
        direction: Direction::HigherIsBetter,
        direction_text: Direction::HigherIsBetter.label(Lang::Ja).into(),
        target: Some(100.0),
        target_text: "目標 100%".into(),
        plan_label: "計画".into(),
        actual_label: "実績".into(),
        no_data_text: "実績なし".into(),
        units: vec![
            unit("セキュリティ部門", 100.0, Some(100.0), Status::Achieved),
            unit("製造部門", 80.0, Some(78.0), Status::OnTrack),
            unit("顧客サポート部門", 80.0, Some(50.0), Status::OffTrack),
            unit(
                "海外現地法人（サンプル空調 Europe GmbH）",
                60.0,
                None,
                Status::NoData,
            ),
        ],
    });

    let months: Vec<Option<f64>> = [5.0, 12.0, 20.0, 26.0, 38.0]
        .into_iter()
        .map(Some)
        .chain([None, Some(55.0), Some(61.0)])
        .collect();
    let trend = trend_svg(&Trend {
        title: "個人情報等の匿名化プロジェクト進捗率の推移".into(),
        actual: months,
        planned: (1..=12)
            .map(|m| Some(f64::from(m) * 100.0 / 12.0))
            .collect(),
        target: Some(100.0),
        last_text: "61%".into(),
        start_label: "4月".into(),
        end_label: "3月".into(),
    });

    let loss = loss_breakdown_svg(&LossBreakdown {
        title: "想定最大損失額（現在と KPI 達成後）".into(),
        now_label: "現在".into(),
        after_label: "KPI 達成後".into(),
        categories: vec![
            category("① 情報盗難による金銭的被害", 80.0, 40.0),
            category("② ビジネス停止による機会損失", 20.0, 16.0),
            category("③ 法令違反による制裁金リスク", 40.0, 40.0),
            category("④ 事故対応費用", 1.0, 0.6),
        ],
        total_label: "合計".into(),
        total_now_text: "141億円".into(),
        total_after_text: "97億円".into(),
    });

    let exceedance = exceedance_svg(&Exceedance {
        title: "損失超過曲線".into(),
        x_label: "損失額（対数目盛）".into(),
        y_label: "年間の超過確率".into(),
        x_ticks: TickFormat::new(|v| yen(v, Lang::Ja)),
        curves: vec![curve("現在", 0.3, 2e9), curve("KPI 達成後", 0.2, 1.2e9)],
    });

    for (name, svg) in [
        ("risk-matrix", matrix),
        ("plan-vs-actual", plan),
        ("trend", trend),
        ("loss-breakdown", loss),
        ("exceedance", exceedance),
    ] {
        let path = dir.join(format!("{name}.svg"));
        std::fs::write(&path, svg)?;
        println!("{}", path.display());
    }
    Ok(())
}
