//! The administration forms one by one, on SQLite: an API token made on the page works until
//! revoked (and only its owner may revoke it); units and organisations added and refused with
//! the field named in Japanese or English; a forged or cross-site post changes nothing; hostile
//! text is escaped everywhere it is shown; a tampered audit log is named on the audit page.

mod admin;
mod common;

use admin::{Browser, FORM, demo_server, one_time_password};
use axum::http::Method;
use common::seed::{ADMIN, OWNER, VIEWER};
use common::{Client, expect};
use mieruka_store::DatabaseUrl;

#[tokio::test]
async fn a_token_made_on_the_page_works_until_revoked() {
    let (_dir, server, _) = demo_server().await;
    let owner = Browser::sign_in(server.addr, OWNER).await;
    let made = owner
        .post(
            "/account/tokens",
            &[("name", "夜間の集計"), ("scope", "write")],
        )
        .await;
    expect(&made, 200, "making a token");
    let secret = one_time_password(&made.text);
    assert!(secret.starts_with("mk_"), "{secret}");
    let api = Client::with_token(server.addr, &secret);
    expect(&api.get("/api/v1/orgs/demo").await, 200, "the token works");
    let listed = owner.get("/account/tokens").await;
    assert!(listed.text.contains("夜間の集計") && !listed.text.contains(&secret));
    let id = {
        let at = listed.text.find("/account/tokens/").unwrap() + 16;
        let end = listed.text[at..].find('/').unwrap();
        listed.text[at..at + end].to_string()
    };
    // Someone else cannot revoke it.
    let viewer = Browser::sign_in(server.addr, VIEWER).await;
    let r = viewer
        .post(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    expect(&r, 404, "revoking another's token");
    expect(&api.get("/api/v1/orgs/demo").await, 200, "still works");
    let r = owner
        .post(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    expect(&r, 303, "revoking");
    expect(&api.get("/api/v1/orgs/demo").await, 401, "a revoked token");
    assert!(owner.get("/account/tokens").await.text.contains("取消済み"));
    let bad = owner
        .post("/account/tokens", &[("name", "  "), ("scope", "read")])
        .await;
    expect(&bad, 400, "a token without a name");
    assert!(bad.text.contains("名称: "), "{}", bad.text);
    server.stop().await;
}

#[tokio::test]
async fn units_and_organisations_through_the_forms() {
    let (_dir, server, _) = demo_server().await;
    let owner = Browser::sign_in(server.addr, OWNER).await;
    let added = owner
        .post(
            "/orgs/demo/units",
            &[
                ("code", "audit-office"),
                ("name", "内部監査室"),
                ("kind", "department"),
                ("parent", "hq"),
                ("employees", "1,200"),
                ("annual_revenue_yen", ""),
                ("industry", "製造業"),
            ],
        )
        .await;
    expect(&added, 303, "adding a unit");
    let page = owner.get("/orgs/demo/settings").await;
    assert!(page.text.contains("内部監査室") && page.text.contains("1,200"));
    let stage = owner
        .post(
            "/orgs/demo/units/audit-office",
            &[("maturity", "optimising")],
        )
        .await;
    expect(&stage, 303, "a unit's own stage");
    let bad = owner
        .post(
            "/orgs/demo/units",
            &[
                ("code", "Bad Code"),
                ("name", "経理部"),
                ("kind", "department"),
                ("employees", "12人"),
            ],
        )
        .await;
    expect(&bad, 400, "refused input");
    assert!(bad.text.contains("従業員数: 0 以上の整数"), "{}", bad.text);
    assert!(
        bad.text.contains("value=\"経理部\""),
        "the form keeps what was typed"
    );
    let bad = owner
        .post(
            "/orgs/demo/units",
            &[
                ("code", "Bad Code"),
                ("name", "経理部"),
                ("kind", "department"),
            ],
        )
        .await;
    assert!(bad.text.contains("コード: 半角英小文字"), "{}", bad.text);

    // In English when switched.
    let r = owner
        .post("/lang", &[("lang", "en"), ("back", "/orgs")])
        .await;
    expect(&r, 303, "switching to English");
    let bad = owner
        .post(
            "/orgs/demo/units",
            &[("code", "Bad Code"), ("name", "x"), ("kind", "department")],
        )
        .await;
    assert!(bad.text.contains("Code: 1–40 of a–z"), "{}", bad.text);

    let log = owner.get("/orgs/demo/audit?entity=unit").await;
    expect(&log, 200, "the owner reads the log");
    assert!(log.text.contains("audit-office") && log.text.contains("optimising"));

    let admin = Browser::sign_in(server.addr, ADMIN).await;
    let created = admin
        .post(
            "/admin/orgs",
            &[
                ("code", "acme"),
                ("name", "エーシーエム"),
                ("maturity", "improving"),
                ("fiscal_start_month", "1"),
            ],
        )
        .await;
    expect(&created, 303, "creating an organisation");
    assert_eq!(created.headers["location"], "/orgs/acme/settings");
    let page = admin.get("/orgs/acme/settings").await;
    assert!(page.text.contains("エーシーエム") && page.text.contains("1月"));
    let dup = admin
        .post(
            "/admin/orgs",
            &[("code", "acme"), ("name", "x"), ("fiscal_start_month", "4")],
        )
        .await;
    expect(&dup, 400, "a taken code");
    assert!(dup.text.contains("既に使われています"), "{}", dup.text);
    server.stop().await;
}

#[tokio::test]
async fn a_unit_is_edited_through_its_form_and_the_api() {
    let (_dir, server, url) = demo_server().await;
    let owner = Browser::sign_in(server.addr, OWNER).await;
    let settings = owner.get("/orgs/demo/settings").await;
    assert!(
        settings.text.contains("/orgs/demo/units/hq/edit"),
        "an edit link per unit"
    );
    let form = owner.get("/orgs/demo/units/hq/edit").await;
    expect(&form, 200, "the unit's form");
    assert!(form.text.contains("id=\"edit-unit-form\""));
    assert!(form.text.contains("readonly"), "the code stays");
    let saved = owner
        .post(
            "/orgs/demo/units/hq/edit",
            &[
                ("code", "ignored"),
                ("name", "サンプル空調本社"),
                ("maturity", ""),
                ("employees", "3,400"),
                ("annual_revenue_yen", "52,000,000,000"),
                ("industry", "製造業"),
            ],
        )
        .await;
    expect(&saved, 303, "saving the unit");
    let store = mieruka_store::Store::open(&url).await.unwrap();
    let org = store.organisation("demo").await.unwrap();
    let units = store.units(org.id).await.unwrap();
    let hq = units.iter().find(|u| u.unit.code.as_str() == "hq").unwrap();
    assert_eq!(hq.unit.name, "サンプル空調本社");
    assert_eq!(hq.unit.facts.employees, Some(3_400));
    assert_eq!(hq.unit.facts.annual_revenue_yen, Some(52_000_000_000));
    assert_eq!(hq.unit.facts.it_staff, None, "a blank figure is unknown");
    let page = owner.get("/orgs/demo/settings").await;
    assert!(page.text.contains("サンプル空調本社") && page.text.contains("3,400"));

    // Refused with the field named; nothing changes.
    let bad = owner
        .post(
            "/orgs/demo/units/hq/edit",
            &[("name", "本社"), ("employees", "-3")],
        )
        .await;
    expect(&bad, 400, "a negative count");
    assert!(bad.text.contains("従業員数"), "{}", bad.text);
    let again = store.units(org.id).await.unwrap();
    assert_eq!(
        again
            .iter()
            .find(|u| u.unit.code.as_str() == "hq")
            .unwrap()
            .unit
            .name,
        "サンプル空調本社"
    );
    expect(
        &owner.get("/orgs/demo/units/nowhere/edit").await,
        404,
        "an unknown unit",
    );
    // A viewer may not edit.
    let viewer = Browser::sign_in(server.addr, VIEWER).await;
    let r = viewer
        .post("/orgs/demo/units/hq/edit", &[("name", "乗っ取り")])
        .await;
    assert_eq!(r.status, 403, "{}", r.text);

    // The API changes one part and keeps the rest.
    let api = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let r = api
        .patch(
            "/api/v1/orgs/demo/units/hq",
            serde_json::json!({"facts": {"employees": 3500, "annual_revenue_yen": 53000000000_i64}}),
        )
        .await;
    expect(&r, 200, "facts through the API");
    assert_eq!(r.json["name"], "サンプル空調本社", "the name stays");
    let r = api
        .patch(
            "/api/v1/orgs/demo/units/hq",
            serde_json::json!({"name": "本社"}),
        )
        .await;
    expect(&r, 200, "a new name");
    let units = store.units(org.id).await.unwrap();
    let hq = units.iter().find(|u| u.unit.code.as_str() == "hq").unwrap();
    assert_eq!(
        (hq.unit.name.as_str(), hq.unit.facts.employees),
        ("本社", Some(3_500))
    );
    let r = api
        .patch(
            "/api/v1/orgs/demo/units/hq",
            serde_json::json!({"facts": {"employees": -1}}),
        )
        .await;
    expect(&r, 400, "a negative count through the API");
    assert_eq!(r.field(), Some("employees"), "{}", r.text);
    server.stop().await;
}

#[tokio::test]
async fn a_forged_post_changes_nothing() {
    let (_dir, server, _) = demo_server().await;
    let admin = Browser::sign_in(server.addr, ADMIN).await;
    let forged = admin
        .client
        .raw(
            Method::POST,
            "/admin/users",
            Some(FORM),
            b"username=mallory&display_name=m".to_vec(),
            &[],
        )
        .await;
    expect(&forged, 403, "a form without the token");
    let cross_site = admin
        .client
        .raw(
            Method::POST,
            "/admin/users",
            Some(FORM),
            format!("username=mallory&display_name=m&csrf_token={}", admin.csrf).into_bytes(),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    expect(&cross_site, 403, "a cross-site form");
    expect(
        &admin.get("/admin/users/mallory").await,
        404,
        "no account was made",
    );
    server.stop().await;
}

#[tokio::test]
async fn hostile_text_is_escaped() {
    let (_dir, server, _) = demo_server().await;
    let hostile = "<script>alert(1)</script>";
    let owner = Browser::sign_in(server.addr, OWNER).await;
    let r = owner
        .post(
            "/orgs/demo/units",
            &[
                ("code", "evil"),
                ("name", hostile),
                ("kind", "department"),
                ("industry", hostile),
            ],
        )
        .await;
    expect(&r, 303, "a unit with a hostile name");
    let r = owner.post("/account/tokens", &[("name", hostile)]).await;
    expect(&r, 200, "a token with a hostile name");
    let admin = Browser::sign_in(server.addr, ADMIN).await;
    let r = admin
        .post(
            "/admin/users",
            &[("username", "evil"), ("display_name", hostile)],
        )
        .await;
    expect(&r, 200, "an account with a hostile name");
    let bad = admin
        .post(
            "/admin/users",
            &[("username", hostile), ("display_name", "x")],
        )
        .await;
    expect(&bad, 400, "a hostile username");
    for (who, page) in [
        ("settings", owner.get("/orgs/demo/settings").await),
        ("tokens", owner.get("/account/tokens").await),
        ("accounts", admin.get("/admin/users").await),
        ("account", admin.get("/admin/users/evil").await),
        ("audit", admin.get("/admin/audit").await),
        ("org audit", owner.get("/orgs/demo/audit?entity=unit").await),
        ("refused form", bad),
    ] {
        assert!(!page.text.contains(hostile), "{who}: {}", page.text);
        assert!(
            page.text
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{who}: the text is shown, escaped"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn a_tampered_log_is_named_on_the_audit_page() {
    let (_dir, server, url) = demo_server().await;
    let DatabaseUrl::Sqlite(path) = &url else {
        unreachable!()
    };
    let admin = Browser::sign_in(server.addr, ADMIN).await;
    let before = admin.get("/admin/audit").await;
    assert!(
        before.text.contains("改ざんや欠落はありません"),
        "{}",
        before.text
    );
    use sqlx::Connection;
    let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
        .execute(&mut raw)
        .await
        .unwrap();
    raw.close().await.unwrap();
    let after = admin.get("/admin/audit").await;
    expect(&after, 200, "the log after tampering");
    assert!(
        after.text.contains("記録 No. 3 で検証に失敗しました"),
        "{}",
        after.text
    );
    assert!(after.text.contains("書き込み後に変更"));
    assert!(
        after
            .text
            .contains("href=\"/admin/audit?before=4#entry-3\"")
    );
    let entry = admin.get("/admin/audit?before=4").await;
    assert!(entry.text.contains("id=\"entry-3\"") && entry.text.contains("someone-else"));
    let bad = admin.get("/admin/audit?from=2026-02-30").await;
    expect(&bad, 400, "an impossible date");
    assert!(bad.text.contains("開始日: "), "{}", bad.text);
    server.stop().await;
}

#[tokio::test]
async fn a_cut_log_is_named_on_the_audit_page_and_by_the_api() {
    let (_dir, server, url) = demo_server().await;
    let DatabaseUrl::Sqlite(path) = &url else {
        unreachable!()
    };
    let admin = Browser::sign_in(server.addr, ADMIN).await;
    let whole: serde_json::Value =
        serde_json::from_str(&admin.get("/api/v1/audit/verify").await.text).unwrap();
    assert_eq!(whole["ok"], true, "{whole}");
    let newest = whole["entries"].as_i64().unwrap();
    assert_eq!(whole["head"], newest, "{whole}");
    assert_eq!(whole["sealed"], newest, "{whole}");

    // The newest entries deleted behind the server's back leave a whole, shorter chain.
    use sqlx::Connection;
    let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq > 5")
        .execute(&mut raw)
        .await
        .unwrap();
    raw.close().await.unwrap();
    let page = admin.get("/admin/audit").await;
    expect(&page, 200, "the log after the cut");
    assert!(
        page.text.contains("記録 No. 6 で検証に失敗しました"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("以降の記録が削除されています"),
        "{}",
        page.text
    );
    let verdict: serde_json::Value =
        serde_json::from_str(&admin.get("/api/v1/audit/verify").await.text).unwrap();
    assert_eq!(
        (&verdict["ok"], &verdict["entry"], &verdict["problem"]),
        (&false.into(), &6.into(), &"deleted".into()),
        "{verdict}"
    );
    assert_eq!(verdict["recorded"], newest, "{verdict}");
    server.stop().await;
}

#[tokio::test]
async fn the_time_zone_is_set_on_the_settings_page() {
    let (_dir, server, url) = demo_server().await;
    let owner = Browser::sign_in(server.addr, OWNER).await;
    let page = owner.get("/orgs/demo/settings").await;
    assert!(
        page.text
            .contains("name=\"time_zone\" value=\"Asia/Tokyo\""),
        "the default zone in its form"
    );
    let saved = owner
        .post("/orgs/demo/settings", &[("time_zone", "Europe/London")])
        .await;
    expect(&saved, 303, "setting the time zone");
    let store = mieruka_store::Store::open(&url).await.unwrap();
    let org = store.organisation("demo").await.unwrap();
    assert_eq!(org.org.time_zone.name(), "Europe/London");
    let before = org.org.maturity;
    let bad = owner
        .post("/orgs/demo/settings", &[("time_zone", "Tokyo")])
        .await;
    expect(&bad, 400, "a zone that does not exist");
    assert!(bad.text.contains("タイムゾーン: "), "{}", bad.text);
    let org = store.organisation("demo").await.unwrap();
    assert_eq!(org.org.time_zone.name(), "Europe/London", "nothing changed");
    assert_eq!(org.org.maturity, before);
    store.close().await;
    server.stop().await;
}
