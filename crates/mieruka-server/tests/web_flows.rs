//! Flows of the web UI driven as a browser without script drives them, checked against what
//! the database then holds: the selection wizard saves the strategy story and the period's
//! checklist with the draft plans (and the agreement ticks the last step), a file import
//! shows its preview and bad rows, writes nothing until confirmed, and writes only what it
//! promised, and the board report is previewed, issued and downloaded from its page.

mod admin;
mod common;

use admin::{Browser, demo_server};
use axum::http::Method;
use common::seed::{CONTRIBUTOR, OWNER, VIEWER, today};
use common::{Reply, expect};
use mieruka_domain::report::narrative::Step;
use mieruka_store::{OrgId, PlanId, Store};

/// The organisation's plans, as the API lists them.
async fn plan_ids(owner: &Browser) -> Vec<i64> {
    let r = owner.get("/api/v1/orgs/demo/plans?limit=200").await;
    expect(&r, 200, "the plan list");
    let items = r.json["items"].as_array().expect("items").clone();
    items.iter().map(|p| p["id"].as_i64().unwrap()).collect()
}

fn wizard_answers<'a>(vision: &'a str, deadline: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("step", "5"),
        ("vision", vision),
        ("challenges", "海外工場の稼働停止が受注に響く"),
        ("purpose", "工場を止めない備えで停止損失を減らす"),
        ("investment", "3年間で1.2億円"),
        ("reduces", "interruption"),
        ("risk_reviewed", "1"),
        ("kpis", "1.10.1"),
        ("target_1.10.1", "100"),
        ("units", "security"),
        ("deadline", deadline),
        ("create", "1"),
    ]
}

#[tokio::test]
async fn the_wizard_saves_the_story_and_the_checklist_and_the_agreement_ticks_step_five() {
    let (_dir, server, url) = demo_server().await;
    let store = Store::open(&url).await.unwrap();
    let org: OrgId = store.organisation("demo").await.unwrap().id;
    let owner = Browser::sign_in(server.addr, OWNER).await;
    let before = plan_ids(&owner).await;
    let deadline = format!("{}-03-31", today().year() + 1);

    // A text longer than a report takes is refused, naming the field, and nothing is made.
    let long = "長".repeat(2_001);
    let r = owner
        .post("/orgs/demo/wizard", &wizard_answers(&long, &deadline))
        .await;
    expect(&r, 400, "a vision too long");
    assert!(r.text.contains("strategy.ja"), "{}", r.text);
    assert_eq!(plan_ids(&owner).await, before, "nothing was created");

    let vision = "アジアで選ばれる空調メーカーになる";
    let r = owner
        .post("/orgs/demo/wizard", &wizard_answers(vision, &deadline))
        .await;
    expect(&r, 200, "the wizard creates the drafts");
    let after = plan_ids(&owner).await;
    let made: Vec<i64> = after
        .iter()
        .copied()
        .filter(|id| !before.contains(id))
        .collect();
    assert_eq!(made.len(), 1, "one draft plan: {made:?}");

    let story = store.story(org).await.unwrap().expect("the story is saved");
    assert_eq!(story.strategy.ja, vision);
    assert_eq!(story.challenge.ja, "海外工場の稼働停止が受注に響く");
    assert_eq!(story.solution.ja, "工場を止めない備えで停止損失を減らす");
    assert_eq!(story.investment.ja, "3年間で1.2億円");
    assert!(story.investment.en.is_empty(), "no English was written");

    let ctx = store.plan_context(PlanId(made[0])).await.unwrap();
    let period = ctx.period.id.clone();
    let checklist = store.checklist(org, &period).await.unwrap();
    let done: Vec<(Step, bool)> = checklist.steps.iter().map(|s| (s.step, s.done)).collect();
    assert_eq!(
        done,
        vec![
            (Step::Vision, true),
            (Step::Challenges, true),
            (Step::Purpose, true),
            (Step::BusinessRisk, true),
            (Step::Kpis, false),
        ],
        "steps 1–4 done, the KPIs wait for agreement"
    );
    let note = &checklist.steps[4].note;
    assert!(note.contains(&format!("#{}", made[0])), "{note}");

    // A new run starts from the saved story.
    let page = owner.get("/orgs/demo/wizard").await;
    expect(&page, 200, "the wizard again");
    assert!(page.text.contains(vision), "the saved vision is offered");

    let plan = made[0].to_string();
    let day = today().to_string();
    let r = owner
        .post(
            "/orgs/demo/wizard/agreement",
            &[("plan", &plan), ("by", "代表取締役社長"), ("on", &day)],
        )
        .await;
    expect(&r, 303, "recording the agreement");
    let checklist = store.checklist(org, &period).await.unwrap();
    assert_eq!(checklist.done(), 5, "{checklist:?}");
    let agreed = store.plan_context(PlanId(made[0])).await.unwrap();
    assert_eq!(agreed.plan.state.code(), "agreed");
    server.stop().await;
}

/// Posts a `multipart/form-data` body: text fields, then an optional file.
async fn multipart(
    who: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Reply {
    const B: &str = "mierukaBoundary7a1";
    let mut body = Vec::new();
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("csrf_token", &who.csrf));
    for (k, v) in all {
        body.extend_from_slice(
            format!("--{B}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, data)) = file {
        body.extend_from_slice(
            format!(
                "--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{B}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={B}");
    who.client
        .raw(Method::POST, path, Some(&content_type), body, &[])
        .await
}

/// The value of a hidden field of the preview's confirmation form.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("{name} in the page"))
        + key.len();
    let end = html[at..].find('"').unwrap();
    html[at..at + end]
        .replace("&#x2B;", "+")
        .replace("&#x2F;", "/")
        .replace("&#x3D;", "=")
}

async fn readings(store: &Store, plan: PlanId) -> usize {
    store.current_measurements(plan).await.unwrap().len()
}

#[tokio::test]
async fn an_import_previews_its_rows_and_bad_rows_and_writes_only_when_confirmed() {
    let (_dir, server, url) = demo_server().await;
    let store = Store::open(&url).await.unwrap();
    let org = store.organisation("demo").await.unwrap();
    // The CSIRT exercise plan (KPI 1.10.2) of the current half covers manufacturing.
    let owner = Browser::sign_in(server.addr, OWNER).await;
    let plans = plan_ids(&owner).await;
    let mut exercise = None;
    for id in plans {
        let ctx = store.plan_context(PlanId(id)).await.unwrap();
        if ctx.kpi.id.to_string() == "1.10.2" && ctx.period.contains(today()) {
            exercise = Some(PlanId(id));
        }
    }
    let plan = exercise.expect("the demo's exercise plan");
    assert_eq!(
        store.plan_context(plan).await.unwrap().org.id,
        org.id,
        "the plan is the demo's"
    );
    let path = format!("/orgs/demo/plans/{}/import", plan.0);
    let contributor = Browser::sign_in(server.addr, CONTRIBUTOR).await;
    let page = contributor.get(&path).await;
    expect(&page, 200, "the import page");
    let before = readings(&store, plan).await;

    let day = today().to_string();
    let csv = format!(
        "unit,date,actual,plan_value\nmanufacturing,{day},2,4\nmanufacturing,2026-02-30,1,4\nmanufacturing,{day},x,4\n"
    );
    let r = multipart(
        &contributor,
        &path,
        &[("action", "preview")],
        Some(("exercises.csv", csv.as_bytes())),
    )
    .await;
    expect(&r, 200, "the preview");
    for words in [
        "exercises.csv",
        "import-confirm-skip",
        "追加 1 件、登録済み 0 件、問題のある行 2 件",
        "日付を 2026-11-01 の形で入力してください。",
        "数値で入力してください",
    ] {
        assert!(r.text.contains(words), "{words} in the preview: {}", r.text);
    }
    assert_eq!(
        readings(&store, plan).await,
        before,
        "a preview writes nothing"
    );

    // Confirming everything is refused while bad rows remain; nothing is written.
    let carried = [
        ("file_name", hidden(&r.text, "file_name")),
        ("digest", hidden(&r.text, "digest")),
        ("file_b64", hidden(&r.text, "file_b64")),
    ];
    let with = |action: &'static str| {
        let mut f: Vec<(&str, &str)> = carried.iter().map(|(k, v)| (*k, v.as_str())).collect();
        f.push(("action", action));
        f
    };
    let r = multipart(&contributor, &path, &with("confirm"), None).await;
    expect(&r, 200, "confirming all with bad rows");
    assert!(
        r.text
            .contains("問題のある行があるため、何も取り込んでいません。"),
        "{}",
        r.text
    );
    assert!(r.text.contains("import-confirm-skip"), "the preview again");
    assert_eq!(
        readings(&store, plan).await,
        before,
        "refused: nothing written"
    );

    // A file changed after its preview is refused.
    let mut forged: Vec<(&str, &str)> = with("confirm_skip");
    forged.retain(|(k, _)| *k != "digest");
    let wrong = "0".repeat(64);
    forged.push(("digest", &wrong));
    let r = multipart(&contributor, &path, &forged, None).await;
    expect(&r, 400, "a digest that does not match");
    assert_eq!(readings(&store, plan).await, before);

    // Confirming the good rows only writes exactly the one good row.
    let r = multipart(&contributor, &path, &with("confirm_skip"), None).await;
    expect(&r, 200, "confirming the good rows");
    assert_eq!(readings(&store, plan).await, before + 1, "{}", r.text);

    // The same file again adds nothing: the row is already recorded.
    let r = multipart(&contributor, &path, &with("confirm_skip"), None).await;
    expect(&r, 200, "the same file again");
    assert_eq!(readings(&store, plan).await, before + 1);

    // A unit outside the contributor's subtree is a bad row, not a write.
    let outside = format!("unit,date,actual,plan_value\nsecurity,{day},3,4\n");
    let r = multipart(
        &contributor,
        &path,
        &[("action", "preview")],
        Some(("outside.csv", outside.as_bytes())),
    )
    .await;
    expect(&r, 200, "the preview of another unit's row");
    assert!(
        r.text
            .contains("この部門の実績を入力する権限がありません。"),
        "{}",
        r.text
    );
    let r = multipart(
        &contributor,
        &path,
        &{
            let mut f = vec![
                ("file_name", hidden(&r.text, "file_name")),
                ("digest", hidden(&r.text, "digest")),
                ("file_b64", hidden(&r.text, "file_b64")),
            ];
            f.push(("action", "confirm_skip".to_string()));
            f
        }
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect::<Vec<_>>(),
        None,
    )
    .await;
    expect(&r, 200, "confirming a file with no good row");
    assert_eq!(
        readings(&store, plan).await,
        before + 1,
        "nothing outside their units"
    );
    server.stop().await;
}

/// Every input of the loss form, as (name, value), in the page's order.
fn loss_form(html: &str) -> Vec<(String, String)> {
    let form = &html[html
        .find("action=\"/orgs/demo/loss\"")
        .expect("the loss form")..];
    let form = &form[..form.find("</form>").unwrap()];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find("<input id=\"in-") {
        rest = &rest[at..];
        let attr = |key: &str| {
            let k = format!("{key}=\"");
            let a = rest.find(&k).unwrap() + k.len();
            rest[a..a + rest[a..].find('"').unwrap()].to_string()
        };
        out.push((attr("name"), attr("value")));
        rest = &rest[1..];
    }
    out
}

#[tokio::test]
async fn every_loss_input_is_edited_on_the_page_with_its_explanation() {
    let (_dir, server, url) = demo_server().await;
    let store = Store::open(&url).await.unwrap();
    let org = store.organisation("demo").await.unwrap().id;
    let before = store.loss_inputs(org).await.unwrap().unwrap();
    let owner = Browser::sign_in(server.addr, OWNER).await;
    let page = owner.get("/orgs/demo/loss").await;
    expect(&page, 200, "the loss page");
    let fields = loss_form(&page.text);
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    for name in [
        "people_held",
        "social_responsibility",
        "response_quality",
        "annual_revenue_yen",
        "worldwide_revenue_yen",
        "net_profit_yen",
        "market_value_yen",
        "impact_band_4",
        "reason",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let items = before.inputs.response_items.len();
    assert!(items > 0, "the demo has response cost items");
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("response_item_"))
            .count(),
        items,
        "one field per response cost item"
    );
    assert!(page.text.contains(&before.inputs.response_items[0].name));
    assert!(page.text.contains("社会的責任の度合い"));

    // Change three inputs and leave the rest as the page showed them.
    let edited: Vec<(String, String)> = fields
        .iter()
        .map(|(n, v)| {
            let v = match n.as_str() {
                "outage_days" => "3".to_string(),
                "social_responsibility" => "2".to_string(),
                "response_item_0" => "12,000,000".to_string(),
                "reason" => "取締役会の指摘を反映".to_string(),
                _ => v.clone(),
            };
            (n.clone(), v)
        })
        .collect();
    let form: Vec<(&str, &str)> = edited
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let r = owner.post("/orgs/demo/loss", &form).await;
    expect(&r, 303, "saving the inputs");
    let after = store.loss_inputs(org).await.unwrap().unwrap();
    assert_eq!(after.revision, before.revision + 1);
    assert_eq!(after.inputs.outage_days, 3.0);
    assert_eq!(after.inputs.social_responsibility, 2.0);
    assert_eq!(after.inputs.response_items[0].yen, 12_000_000.0);
    let mut same = after.inputs.clone();
    same.outage_days = before.inputs.outage_days;
    same.social_responsibility = before.inputs.social_responsibility;
    same.response_items[0].yen = before.inputs.response_items[0].yen;
    assert_eq!(same, before.inputs, "nothing else changed");
    assert_eq!(after.reason, "取締役会の指摘を反映");

    // Boundaries out of order are refused, named in the reader's words; nothing is saved.
    let mut bad = form.clone();
    for f in bad.iter_mut() {
        if f.0 == "impact_band_2" {
            f.1 = "1";
        }
    }
    let r = owner.post("/orgs/demo/loss", &bad).await;
    expect(&r, 400, "bands out of order");
    assert!(r.text.contains("影響度の境目"), "{}", r.text);
    assert_eq!(
        store.loss_inputs(org).await.unwrap().unwrap().revision,
        after.revision
    );
    server.stop().await;
}

/// The board report from the UI: the dashboard's navigation leads to the reports page, which
/// names the next report and its due date, offers previews in each format and language and the
/// lint's findings; an owner issues it there, and the issued report is listed and downloads as
/// it was issued. An executive reads the page but cannot issue.
#[tokio::test]
async fn the_board_report_is_previewed_issued_and_downloaded_from_its_page() {
    let (_dir, server, url) = demo_server().await;
    let store = Store::open(&url).await.unwrap();
    let org = store.organisation("demo").await.unwrap();
    let owner = Browser::sign_in(server.addr, OWNER).await;

    let dashboard = owner.get("/orgs/demo").await;
    expect(&dashboard, 200, "the dashboard");
    assert!(
        dashboard.text.contains("href=\"/orgs/demo/reports\""),
        "the navigation leads to the reports"
    );

    let page = owner.get("/orgs/demo/reports").await;
    expect(&page, 200, "the reports page");
    let next = mieruka_app::report::next_due(&store, &org, org.org.today(mieruka_app::now()))
        .await
        .unwrap();
    assert!(
        page.text.contains(&next.period.id),
        "the next period is named"
    );
    assert!(page.text.contains("id=\"findings\""), "the lint is shown");
    for format in ["pdf", "html", "xlsx"] {
        for lang in ["ja", "en"] {
            let href = format!(
                "/api/v1/orgs/demo/reports/{}?format={format}&#38;lang={lang}",
                next.period.id
            );
            assert!(page.text.contains(&href), "a preview link {href}");
        }
    }
    let preview = owner
        .get(&format!(
            "/api/v1/orgs/demo/reports/{}?format=html&lang=en",
            next.period.id
        ))
        .await;
    expect(&preview, 200, "the English preview");
    assert!(preview.text.contains("<html"), "an HTML report");
    assert!(
        page.text.contains("id=\"issue-form\""),
        "the owner may issue"
    );
    assert!(store.issued_reports(org.id).await.unwrap().is_empty());

    // An executive reads the page, without the button, and cannot issue.
    let exec = Browser::sign_in(server.addr, VIEWER).await;
    let read = exec.get("/orgs/demo/reports").await;
    expect(&read, 200, "the executive reads the page");
    assert!(!read.text.contains("id=\"issue-form\""), "no issue button");
    let refused = exec
        .post(
            "/orgs/demo/reports/issue",
            &[("period", next.period.id.as_str()), ("lang", "ja")],
        )
        .await;
    expect(&refused, 403, "an executive cannot issue");
    assert!(store.issued_reports(org.id).await.unwrap().is_empty());

    // A language the product does not speak is refused, naming the field.
    let bad = owner
        .post(
            "/orgs/demo/reports/issue",
            &[("period", next.period.id.as_str()), ("lang", "fr")],
        )
        .await;
    expect(&bad, 400, "an unknown language");
    assert!(store.issued_reports(org.id).await.unwrap().is_empty());

    let issued = owner
        .post(
            "/orgs/demo/reports/issue",
            &[("period", next.period.id.as_str()), ("lang", "en")],
        )
        .await;
    expect(&issued, 303, "the owner issues the report");
    let kept = store.issued_reports(org.id).await.unwrap();
    assert_eq!(kept.len(), 1, "one report issued");
    assert_eq!(
        (kept[0].period.as_str(), kept[0].lang.as_str()),
        (next.period.id.as_str(), "en")
    );

    let listed = owner.get("/orgs/demo/reports").await;
    let href = format!("/api/v1/orgs/demo/issued-reports/{}?format=pdf", kept[0].id);
    assert!(listed.text.contains("id=\"issued\""), "the issued list");
    assert!(listed.text.contains(&href), "its PDF is offered");
    let pdf = owner.get(&href).await;
    expect(&pdf, 200, "the issued PDF");
    assert!(pdf.text.starts_with("%PDF"), "a PDF");
}
