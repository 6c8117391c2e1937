//! The report as one self-contained HTML page: inline CSS and inline SVG charts, no script and
//! nothing fetched. The page carries its font: IPAex Gothic cut down to the characters the page
//! uses (`mieruka_charts::font`, a few hundred kilobytes instead of six megabytes) in an
//! `@font-face` data URL, so it reads the same on a machine without any Japanese font. Every
//! text is escaped.

use std::fmt::Write;

use base64ct::{Base64, Encoding};
use mieruka_charts::font::japanese_subset;
use mieruka_charts::{JAPANESE_FONT_FAMILY, escape};
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

fn e(s: &str) -> String {
    escape(s)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{:.0}%", v * 100.0))
}

/// A table; with no heading text at all, it has no heading row.
fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table>");
    if head.iter().any(|h| !h.is_empty()) {
        out.push_str("<thead><tr>");
        for h in head {
            let _ = write!(out, "<th>{}</th>", e(h));
        }
        out.push_str("</tr></thead>");
    }
    out.push_str("<tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", e(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The SVG documents are ours (from `mieruka-charts`), so they are inlined as they are, without
/// their XML declaration.
fn figure(out: &mut String, charts: &[(String, String)], name: &str) -> bool {
    let Some((_, svg)) = charts.iter().find(|(n, _)| n == name) else {
        return false;
    };
    let svg = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    };
    let _ = write!(out, "<figure>{svg}</figure>");
    true
}

/// The report as an HTML page.
pub fn html(r: &BoardReport) -> String {
    let charts = crate::charts(r);
    let l = |k: &str| e(r.label(k));
    let lang = match r.lang {
        mieruka_domain::Lang::Ja => "ja",
        mieruka_domain::Lang::En => "en",
    };
    let mut o = String::new();
    let title = format!("{} — {} {}", l("title"), e(&r.org.name), e(&r.period.label));
    let _ = write!(
        o,
        "<h1>{}</h1><p>{} — {}</p><p class=\"muted\">{}: {} · {}: {}</p>",
        l("title"),
        e(&r.org.name),
        e(&r.period.label),
        l("as_of"),
        r.as_of,
        l("data_version"),
        r.data_version
    );
    // Summary.
    let _ = write!(
        o,
        "<h2 class=\"first\">{}</h2><h3>{}</h3>",
        l("summary"),
        l("asks")
    );
    if r.summary.asks.is_empty() {
        let _ = write!(o, "<p>{}</p>", l("no_asks"));
    } else {
        o.push_str("<ul>");
        for a in &r.summary.asks {
            let _ = write!(
                o,
                "<li><strong>{}</strong> — {}</li>",
                e(&a.kind_label),
                e(&a.text)
            );
        }
        o.push_str("</ul>");
    }
    let m = &r.summary.money;
    let _ = write!(o, "<h3>{}</h3>", l("money"));
    if m.now_yen > 0.0 {
        let _ = write!(
            o,
            "<div class=\"money\"><div>{}<strong>{}</strong></div><div>{}<strong>{}</strong></div><div>{}<strong>{}</strong></div></div>",
            l("now"),
            e(&m.now_text),
            l("today"),
            e(&m.today_text),
            l("after"),
            e(&m.after_text)
        );
        match &m.previous {
            Some(p) => {
                let _ = write!(
                    o,
                    "<p>{}: <strong>{}</strong></p>",
                    e(&r.label("change_since").replace("{period}", &p.period)),
                    e(&p.change_text)
                );
            }
            None => {
                let _ = write!(o, "<p class=\"muted\">{}</p>", l("first_report"));
            }
        }
    }
    o.push_str("<ul>");
    for h in &r.summary.headlines {
        let _ = write!(o, "<li>{}</li>", e(h));
    }
    o.push_str("</ul>");
    let _ = write!(o, "<h3>{}</h3>", l("kpi_glance"));
    let rows: Vec<Vec<String>> = r
        .kpis
        .iter()
        .map(|k| vec![k.name.clone(), k.status_label.clone(), pct(k.achievement)])
        .collect();
    table(
        &mut o,
        &["KPI", r.label("status"), r.label("achievement")],
        &rows,
    );
    let _ = write!(o, "<h3>{}</h3>", l("trend"));
    figure(&mut o, &charts, "trend");
    if !r.summary.trend.is_empty() {
        let head: Vec<&str> = r.summary.trend.iter().map(|p| p.label.as_str()).collect();
        let row: Vec<String> = r.summary.trend.iter().map(|p| p.text.clone()).collect();
        table(&mut o, &head, &[row]);
    }
    if let Some(peers) = &r.summary.peers {
        let _ = write!(o, "<h3>{}</h3>", l("peers"));
        let rows: Vec<Vec<String>> = peers
            .iter()
            .map(|p| vec![p.measure.clone(), p.ours.clone(), p.peers.clone()])
            .collect();
        table(
            &mut o,
            &[
                r.label("peers_measure"),
                r.label("peers_ours"),
                r.label("peers_theirs"),
            ],
            &rows,
        );
    }
    sections(&mut o, r, &charts);
    o.push_str("</body></html>\n");
    // The font is cut to the characters of the whole page, title and charts included.
    let font = Base64::encode_string(&japanese_subset(&format!("{title}{o}")));
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>@font-face{{font-family:'{JAPANESE_FONT_FAMILY}';src:url(data:font/ttf;base64,{font}) format('truetype')}}\
         {CSS}</style></head><body>{o}"
    )
}

/// Everything after the summary, in the PDF's order.
fn sections(o: &mut String, r: &BoardReport, charts: &[(String, String)]) {
    let l = |k: &str| e(r.label(k));
    let _ = write!(o, "<h2>{}</h2>", l("story"));
    match &r.story {
        None => {
            let _ = write!(o, "<p>{}</p>", l("no_story"));
        }
        Some(s) => {
            let investment = match &s.investment_text {
                Some(t) => format!("{} ({t})", s.investment),
                None => s.investment.clone(),
            };
            let rows = vec![
                vec![r.label("strategy").to_string(), s.strategy.clone()],
                vec![r.label("challenge").to_string(), s.challenge.clone()],
                vec![r.label("solution").to_string(), s.solution.clone()],
                vec![r.label("investment").to_string(), investment],
            ];
            table(o, &["", ""], &rows);
        }
    }
    let _ = write!(o, "<h2>{}</h2>", l("loss"));
    figure(o, charts, "loss_breakdown");
    let mut rows: Vec<Vec<String>> = r
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
    rows.push(vec![
        r.label("total").into(),
        r.loss.now_text.clone(),
        r.loss.after_text.clone(),
        String::new(),
    ]);
    table(
        o,
        &[
            r.label("category"),
            r.label("now"),
            r.label("after"),
            r.label("drivers"),
        ],
        &rows,
    );
    if let Some(x) = &r.loss.exceedance {
        let _ = write!(o, "<h3>{}</h3>", l("exceedance"));
        figure(o, charts, "exceedance");
        let s = r
            .label("exceedance_p99")
            .replace("{now}", &x.p99_now_text)
            .replace("{after}", &x.p99_after_text);
        let _ = write!(o, "<p>{}</p>", e(&s));
    }
    let _ = write!(o, "<h2>{}</h2>", l("risks"));
    figure(o, charts, "risks");
    let _ = write!(o, "<h2>{}</h2>", l("kpis"));
    for k in &r.kpis {
        let _ = write!(o, "<h3>{}</h3>", e(&k.name));
        let mut rows = vec![
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
            rows.push(vec![r.label("forecast").to_string(), f.clone()]);
        }
        if let Some(t) = &k.reduction_text {
            rows.push(vec![r.label("reduction").to_string(), t.clone()]);
        }
        table(o, &["", ""], &rows);
        if !figure(o, charts, &format!("kpi-{}", k.plan)) {
            let rows: Vec<Vec<String>> = k
                .units
                .iter()
                .map(|u| {
                    vec![
                        u.name.clone(),
                        pct(u.planned),
                        pct(u.actual),
                        u.status_label.clone(),
                    ]
                })
                .collect();
            table(
                o,
                &[
                    r.label("unit"),
                    r.label("plan"),
                    r.label("actual"),
                    r.label("status"),
                ],
                &rows,
            );
        }
    }
    let _ = write!(o, "<h2>{}</h2>", l("checklist"));
    let rows: Vec<Vec<String>> = r
        .checklist
        .iter()
        .map(|s| {
            let mark = if s.done {
                r.label("done")
            } else {
                r.label("not_done")
            };
            vec![mark.to_string(), s.label.clone(), s.note.clone()]
        })
        .collect();
    table(o, &["", r.label("checklist"), ""], &rows);
    let _ = write!(o, "<h2>{}</h2>", l("appendix"));
    let rows: Vec<Vec<String>> = r
        .appendix
        .iter()
        .map(|d| {
            vec![
                d.term.clone(),
                d.meaning.clone(),
                d.formula.clone(),
                d.source.clone(),
            ]
        })
        .collect();
    table(
        o,
        &[
            r.label("term"),
            r.label("meaning"),
            r.label("formula"),
            r.label("source"),
        ],
        &rows,
    );
}
