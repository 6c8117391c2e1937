//! The report as one self-contained HTML page: inline CSS and inline SVG charts, no script and
//! nothing fetched. The page carries its font: IPAex Gothic cut down to the characters the page
//! uses (`mieruka_charts::font`, a few hundred kilobytes instead of six megabytes) in an
//! `@font-face` data URL, so it reads the same on a machine without any Japanese font.
//!
//! Rendered through askama like the server's pages: `templates/report_body.html` (the content,
//! in the PDF's order) inside `templates/report.html` (the page with its font); askama escapes
//! every text. This module only gathers what the templates show.

use askama::Template;
use base64ct::{Base64, Encoding};
use mieruka_charts::JAPANESE_FONT_FAMILY;
use mieruka_charts::font::japanese_subset;
use mieruka_domain::Date;
use mieruka_domain::figures::percent;
use mieruka_domain::report::model::BoardReport;

const CSS: &str = "body{font-family:'IPAexGothic','Hiragino Sans','Yu Gothic','Noto Sans CJK JP',sans-serif;\
max-width:60em;margin:2em auto;padding:0 1em;color:#222;line-height:1.6}\
h1{color:#1f4e79;font-size:1.6em;margin-bottom:.2em}h2{color:#1f4e79;border-bottom:2px solid #1f4e79;\
margin-top:2em}h3{color:#1f4e79}table{border-collapse:collapse;width:100%;margin:.5em 0}\
th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#eef3f8}\
.money{display:flex;gap:1em}.money div{flex:1;background:#eef3f8;border-radius:4px;padding:.6em}\
.money strong{display:block;font-size:1.8em}.muted{color:#666;font-size:.9em}\
figure{margin:1em 0}figure svg{max-width:100%;height:auto}\
@media print{h2{page-break-before:always}h2.first{page-break-before:avoid}}";

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), percent)
}

/// A table of text; with no heading text at all, it has no heading row.
struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(head: &[&str], rows: Vec<Vec<String>>) -> Table {
        Table {
            head: head.iter().map(ToString::to_string).collect(),
            rows,
        }
    }

    fn has_head(&self) -> bool {
        self.head.iter().any(|h| !h.is_empty())
    }
}

/// The three amounts of the summary and the change since the previous report.
struct Money {
    boxes: Vec<(String, String)>,
    change: Option<Change>,
}

struct Change {
    since: String,
    text: String,
}

struct Exceedance {
    svg: Option<String>,
    sentence: String,
}

struct Kpi {
    name: String,
    facts: Table,
    chart: Option<String>,
    /// The per-unit table, shown when there is no chart.
    units: Option<Table>,
}

#[derive(Template)]
#[template(path = "report_body.html")]
struct Body<'a> {
    r: &'a BoardReport,
    org: &'a str,
    period: &'a str,
    as_of: Date,
    data_version: i64,
    asks: Vec<(String, String)>,
    money: Option<Money>,
    headlines: &'a [String],
    glance: Table,
    trend_svg: Option<String>,
    trend: Option<Table>,
    peers: Option<Table>,
    story: Option<Table>,
    loss_svg: Option<String>,
    loss: Table,
    exceedance: Option<Exceedance>,
    risks_svg: Option<String>,
    kpis: Vec<Kpi>,
    checklist: Table,
    appendix: Table,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    lang: &'a str,
    title: &'a str,
    font_family: &'a str,
    font: String,
    css: &'a str,
    body: &'a str,
}

/// A chart of the report, without its XML declaration, to inline as it is.
fn chart(charts: &[(String, String)], name: &str) -> Option<String> {
    let (_, svg) = charts.iter().find(|(n, _)| n == name)?;
    Some(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg.clone(),
    })
}

/// The report as an HTML page.
pub fn html(r: &BoardReport) -> String {
    let charts = crate::charts(r);
    let lang = match r.lang {
        mieruka_domain::Lang::Ja => "ja",
        mieruka_domain::Lang::En => "en",
    };
    let title = format!("{} — {} {}", r.label("title"), r.org.name, r.period.label);
    let body = body(r, &charts)
        .render()
        .expect("the report's template renders");
    // The font is cut to the characters of the whole page, title and charts included.
    let font = Base64::encode_string(&japanese_subset(&format!("{title}{body}")));
    Page {
        lang,
        title: &title,
        font_family: JAPANESE_FONT_FAMILY,
        font,
        css: CSS,
        body: &body,
    }
    .render()
    .expect("the report's page renders")
}

fn body<'a>(r: &'a BoardReport, charts: &[(String, String)]) -> Body<'a> {
    let m = &r.summary.money;
    let money = (m.now_yen > 0.0).then(|| Money {
        boxes: vec![
            (r.label("now").to_string(), m.now_text.clone()),
            (r.label("today").to_string(), m.today_text.clone()),
            (r.label("after").to_string(), m.after_text.clone()),
        ],
        change: m.previous.as_ref().map(|p| Change {
            since: r.label("change_since").replace("{period}", &p.period),
            text: p.change_text.clone(),
        }),
    });
    let glance = Table::new(
        &["KPI", r.label("status"), r.label("achievement")],
        r.kpis
            .iter()
            .map(|k| vec![k.name.clone(), k.status_label.clone(), pct(k.achievement)])
            .collect(),
    );
    let trend = (!r.summary.trend.is_empty()).then(|| {
        let head: Vec<&str> = r.summary.trend.iter().map(|p| p.label.as_str()).collect();
        let row: Vec<String> = r.summary.trend.iter().map(|p| p.text.clone()).collect();
        Table::new(&head, vec![row])
    });
    let peers = r.summary.peers.as_ref().map(|peers| {
        Table::new(
            &[
                r.label("peers_measure"),
                r.label("peers_ours"),
                r.label("peers_theirs"),
            ],
            peers
                .iter()
                .map(|p| vec![p.measure.clone(), p.ours.clone(), p.peers.clone()])
                .collect(),
        )
    });
    let story = r.story.as_ref().map(|s| {
        let investment = match &s.investment_text {
            Some(t) => format!("{} ({t})", s.investment),
            None => s.investment.clone(),
        };
        Table::new(
            &["", ""],
            vec![
                vec![r.label("strategy").to_string(), s.strategy.clone()],
                vec![r.label("challenge").to_string(), s.challenge.clone()],
                vec![r.label("solution").to_string(), s.solution.clone()],
                vec![r.label("investment").to_string(), investment],
            ],
        )
    });
    let mut loss_rows: Vec<Vec<String>> = r
        .loss
        .categories
        .iter()
        .map(|c| {
            vec![
                c.label.clone(),
                c.now_text.clone(),
                c.after_text.clone(),
                c.drivers.join("、"),
            ]
        })
        .collect();
    loss_rows.push(vec![
        r.label("total").into(),
        r.loss.now_text.clone(),
        r.loss.after_text.clone(),
        String::new(),
    ]);
    let loss = Table::new(
        &[
            r.label("category"),
            r.label("now"),
            r.label("after"),
            r.label("drivers"),
        ],
        loss_rows,
    );
    let exceedance = r.loss.exceedance.as_ref().map(|x| Exceedance {
        svg: chart(charts, "exceedance"),
        sentence: r
            .label("exceedance_p99")
            .replace("{now}", &x.p99_now_text)
            .replace("{after}", &x.p99_after_text),
    });
    let kpis = r
        .kpis
        .iter()
        .map(|k| {
            let mut facts = vec![
                vec![r.label("purpose").to_string(), k.purpose.clone()],
                vec![
                    r.label("target").to_string(),
                    format!(
                        "{} ({}: {})",
                        k.target_text,
                        r.label("deadline"),
                        k.deadline
                    ),
                ],
                vec![
                    r.label("status").to_string(),
                    format!(
                        "{} — {} {} / {} {}",
                        k.status_label,
                        r.label("achievement"),
                        pct(k.achievement),
                        r.label("plan"),
                        pct(k.planned)
                    ),
                ],
            ];
            if let Some(f) = &k.forecast_text {
                facts.push(vec![r.label("forecast").to_string(), f.clone()]);
            }
            if let Some(t) = &k.reduction_text {
                facts.push(vec![r.label("reduction").to_string(), t.clone()]);
            }
            let chart = chart(charts, &format!("kpi-{}", k.plan));
            let units = chart.is_none().then(|| {
                Table::new(
                    &[
                        r.label("unit"),
                        r.label("plan"),
                        r.label("actual"),
                        r.label("status"),
                    ],
                    k.units
                        .iter()
                        .map(|u| {
                            vec![
                                u.name.clone(),
                                pct(u.planned),
                                pct(u.actual),
                                u.status_label.clone(),
                            ]
                        })
                        .collect(),
                )
            });
            Kpi {
                name: k.name.clone(),
                facts: Table::new(&["", ""], facts),
                chart,
                units,
            }
        })
        .collect();
    let checklist = Table::new(
        &["", r.label("checklist"), ""],
        r.checklist
            .iter()
            .map(|s| {
                let mark = if s.done {
                    r.label("done")
                } else {
                    r.label("not_done")
                };
                vec![mark.to_string(), s.label.clone(), s.note.clone()]
            })
            .collect(),
    );
    let appendix = Table::new(
        &[
            r.label("term"),
            r.label("meaning"),
            r.label("formula"),
            r.label("source"),
        ],
        r.appendix
            .iter()
            .map(|d| {
                vec![
                    d.term.clone(),
                    d.meaning.clone(),
                    d.formula.clone(),
                    d.source.clone(),
                ]
            })
            .collect(),
    );
    Body {
        r,
        org: &r.org.name,
        period: &r.period.label,
        as_of: r.as_of,
        data_version: r.data_version,
        asks: r
            .summary
            .asks
            .iter()
            .map(|a| (a.kind_label.clone(), a.text.clone()))
            .collect(),
        money,
        headlines: &r.summary.headlines,
        glance,
        trend_svg: chart(charts, "trend"),
        trend,
        peers,
        story,
        loss_svg: chart(charts, "loss_breakdown"),
        loss,
        exceedance,
        risks_svg: chart(charts, "risks"),
        kpis,
        checklist,
        appendix,
    }
}
