//! The administration pages, driven as a browser drives them (form posts with the page's CSRF
//! token, cookies) against a server started as production starts it, with the demo seeded:
//! who may see and change organisations and units, accounts and roles, API tokens and the audit
//! log; a one-time password or token secret shown once; a granted role taking effect and a
//! revoked token stopping; the audit page showing a change and the chain's verification; refused
//! input named in Japanese (English when switched); hostile text escaped.

mod common;

use axum::http::Method;
use common::seed::{self, ADMIN, AUDITOR, CONTRIBUTOR, OUTSIDER, OWNER, VIEWER, sqlite_url};
use common::{Client, Reply, Server, expect, settings};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store};

const FORM: &str = "application/x-www-form-urlencoded";

/// Percent-encodes a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A browser signed in through the sign-in page, holding its cookies and the page's CSRF token,
/// which it sends back as the form field `csrf_token` (as a form without script does).
struct Browser {
    client: Client,
    csrf: String,
    /// Where signing in led.
    landing: String,
}

impl Browser {
    async fn sign_in(addr: std::net::SocketAddr, (user, password): (&str, &str)) -> Browser {
        let anonymous = Client::new(addr);
        let body = format!(
            "username={}&password={}&next=%2Forgs",
            enc(user),
            enc(password)
        );
        let r = anonymous
            .raw(Method::POST, "/sign-in", Some(FORM), body.into_bytes(), &[])
            .await;
        expect(&r, 303, &format!("sign in as {user}"));
        let cookies: Vec<String> = r
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap().to_string())
            .collect();
        let mut client = anonymous;
        client.cookie = Some(cookies.join("; "));
        // The password page opens even before a one-time password is replaced.
        let page = client.get("/account/password").await;
        expect(&page, 200, &format!("{user}: the password page"));
        let at = page.text.find("\"X-CSRF-Token\": \"").expect("the token") + 17;
        let csrf = page.text[at..at + 32].to_string();
        let landing = r.headers["location"].to_str().unwrap().to_string();
        Browser {
            client,
            csrf,
            landing,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.client.get(path).await
    }

    /// Posts a form with the page's CSRF token in it.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        body.push(format!("csrf_token={}", self.csrf));
        self.client
            .raw(
                Method::POST,
                path,
                Some(FORM),
                body.join("&").into_bytes(),
                &[],
            )
            .await
    }
}

async fn demo_on(url: &DatabaseUrl) -> Server {
    let store = Store::open(url).await.unwrap();
    seed::seed(&store).await;
    Server::start(settings(), store).await
}

/// Each page for the roles that may see it, refused to the others (403 for members, 404 for
/// outsiders), and edit controls only for those who may use them.
async fn pages_by_role(url: &DatabaseUrl) {
    let server = demo_on(url).await;
    let add_unit_form = "action=\"/orgs/demo/units\"";
    for (account, manages, audits) in [
        (OWNER, true, true),
        (ADMIN, true, true),
        (CONTRIBUTOR, false, false),
        (VIEWER, false, false),
        (AUDITOR, false, true),
    ] {
        let who = account.0;
        let b = Browser::sign_in(server.addr, account).await;
        let settings = b.get("/orgs/demo/settings").await;
        expect(&settings, 200, &format!("{who}: organisation settings"));
        for words in [
            "組織と部門",
            "サンプル空調株式会社",
            "米国現地法人",
            "従業員数",
        ] {
            assert!(settings.text.contains(words), "{who}: lacks {words}");
        }
        assert_eq!(
            settings.text.contains(add_unit_form),
            manages,
            "{who}: the add-unit form"
        );
        assert_eq!(
            settings.text.contains("action=\"/orgs/demo/settings\""),
            manages,
            "{who}: the stage form"
        );
        let audit = b.get("/orgs/demo/audit").await;
        expect(
            &audit,
            if audits { 200 } else { 403 },
            &format!("{who}: audit"),
        );
        let dash = b.get("/orgs/demo").await;
        assert_eq!(
            dash.text.contains("href=\"/orgs/demo/audit\""),
            audits,
            "{who}: the audit tab"
        );
        let admin_only = [
            "/admin/users",
            "/admin/orgs",
            "/admin/audit",
            "/admin/users/ciso",
        ];
        for path in admin_only {
            let r = b.get(path).await;
            expect(
                &r,
                if who == ADMIN.0 { 200 } else { 403 },
                &format!("{who}: {path}"),
            );
        }
        assert_eq!(
            dash.text.contains("href=\"/admin/users\""),
            who == ADMIN.0,
            "{who}: the administration link"
        );
        if !manages {
            let r = b
                .post(
                    "/orgs/demo/units",
                    &[("code", "x"), ("name", "x"), ("kind", "department")],
                )
                .await;
            expect(&r, 403, &format!("{who}: adding a unit"));
            let r = b
                .post("/orgs/demo/settings", &[("maturity", "initial")])
                .await;
            expect(&r, 403, &format!("{who}: setting the stage"));
        }
        if who != ADMIN.0 {
            let r = b
                .post(
                    "/admin/users",
                    &[("username", "mallory"), ("display_name", "m")],
                )
                .await;
            expect(&r, 403, &format!("{who}: creating an account"));
        }
    }
    let outsider = Browser::sign_in(server.addr, OUTSIDER).await;
    for path in ["/orgs/demo/settings", "/orgs/demo/audit"] {
        expect(&outsider.get(path).await, 404, &format!("outsider: {path}"));
    }
    let r = outsider
        .post(
            "/orgs/demo/units",
            &[("code", "x"), ("name", "x"), ("kind", "department")],
        )
        .await;
    expect(&r, 404, "outsider: adding a unit");
    server.stop().await;
}

#[tokio::test]
async fn pages_by_role_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    pages_by_role(&sqlite_url(&dir)).await;
}

#[tokio::test]
async fn pages_by_role_on_postgres() {
    let Some(server) = postgres_server("pages_by_role_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    pages_by_role(&db.url).await;
    db.drop_now().await.unwrap();
}

/// The one-time password is on the page that answers the form, and nowhere after.
fn one_time_password(html: &str) -> String {
    let at = html
        .find("class=\"secret-value\">")
        .expect("a secret shown")
        + 21;
    let end = html[at..].find('<').unwrap();
    html[at..at + end].to_string()
}

/// An administrator creates an account (its password shown once), grants it a role that takes
/// effect at once, changes it and revokes it; the organisation's audit log shows each change to
/// its auditor, and the administrator sees the chain verified.
async fn accounts_and_roles(url: &DatabaseUrl) {
    let server = demo_on(url).await;
    let admin = Browser::sign_in(server.addr, ADMIN).await;
    let created = admin
        .post(
            "/admin/users",
            &[
                ("username", "newcomer"),
                ("display_name", "新任 太郎"),
                ("lang", "ja"),
            ],
        )
        .await;
    expect(&created, 200, "creating an account");
    assert!(created.text.contains("初回パスワード"), "{}", created.text);
    let password = one_time_password(&created.text);
    assert_eq!(password.len(), 24, "{password}");
    let again = admin.get("/admin/users/newcomer").await;
    expect(&again, 200, "the account's page");
    assert!(
        !again.text.contains(&password),
        "the password is shown once only"
    );
    assert!(again.text.contains("初回パスワード未変更"));
    let list = admin.get("/admin/users").await;
    assert!(list.text.contains("新任 太郎") && !list.text.contains(&password));

    // The newcomer signs in with it and is asked to replace it before anything else.
    let newcomer = Browser::sign_in(server.addr, ("newcomer", &password)).await;
    assert_eq!(newcomer.landing, "/account/password");
    expect(
        &newcomer.get("/orgs").await,
        403,
        "before the password is replaced",
    );
    let page = newcomer.get("/account/password").await;
    assert!(page.text.contains("初回パスワードでサインインしました"));
    let typo = newcomer
        .post(
            "/account/password",
            &[
                ("current", &password),
                ("new", "newcomer-password-2026"),
                ("confirm", "newcomer-password-2062"),
            ],
        )
        .await;
    expect(&typo, 400, "two different new passwords");
    assert!(
        typo.text.contains("新しいパスワード（確認）: "),
        "{}",
        typo.text
    );
    let short = newcomer
        .post(
            "/account/password",
            &[
                ("current", &password),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert!(
        short.text.contains("新しいパスワード: 12 文字以上"),
        "{}",
        short.text
    );
    let changed = newcomer
        .post(
            "/account/password",
            &[
                ("current", &password),
                ("new", "newcomer-password-2026"),
                ("confirm", "newcomer-password-2026"),
            ],
        )
        .await;
    expect(&changed, 303, "replacing the one-time password");
    assert_eq!(changed.headers["location"], "/orgs");
    expect(
        &newcomer.get("/orgs").await,
        200,
        "after the password is replaced",
    );
    let again = Browser::sign_in(server.addr, ("newcomer", "newcomer-password-2026")).await;
    assert_eq!(again.landing, "/orgs");
    expect(&newcomer.get("/orgs/demo").await, 404, "before any role");

    // A contributor needs a unit: refused, named in Japanese, nothing granted.
    let refused = admin
        .post(
            "/admin/users/newcomer/roles",
            &[("org", "demo"), ("role", "contributor"), ("unit", "")],
        )
        .await;
    expect(&refused, 400, "a contributor without a unit");
    assert!(refused.text.contains("担当部門: "), "{}", refused.text);
    assert!(refused.text.contains("aria-invalid=\"true\""));
    expect(
        &newcomer.get("/orgs/demo").await,
        404,
        "nothing was granted",
    );

    let granted = admin
        .post(
            "/admin/users/newcomer/roles",
            &[("org", "demo"), ("role", "viewer")],
        )
        .await;
    expect(&granted, 303, "granting viewer");
    let dash = newcomer.get("/orgs/demo").await;
    expect(&dash, 200, "a viewer sees the dashboard");
    assert!(!dash.text.contains("href=\"/orgs/demo/audit\""));
    expect(
        &newcomer.get("/orgs/demo/audit").await,
        403,
        "a viewer and the audit log",
    );

    let to_auditor = admin
        .post(
            "/admin/users/newcomer/roles",
            &[("org", "demo"), ("role", "auditor")],
        )
        .await;
    expect(&to_auditor, 303, "changing the role to auditor");
    let log = newcomer.get("/orgs/demo/audit?entity=membership").await;
    expect(&log, 200, "an auditor reads the log");
    assert!(log.text.contains("demo/newcomer"), "{}", log.text);
    assert!(log.text.contains("役割") && log.text.contains("auditor"));
    assert!(log.text.contains("viewer"), "the role before the change");
    assert!(
        !log.text.contains("改ざん検知"),
        "verification is the administrator's"
    );
    let contributor = admin
        .post(
            "/admin/users/newcomer/roles",
            &[
                ("org", "demo"),
                ("role", "contributor"),
                ("unit", "demo/manufacturing"),
            ],
        )
        .await;
    expect(&contributor, 303, "granting contributor with a unit");
    let page = admin.get("/admin/users/newcomer").await;
    assert!(
        page.text.contains("入力担当") && page.text.contains("製造部門"),
        "{}",
        page.text
    );

    let revoked = admin
        .post("/admin/users/newcomer/roles/demo/revoke", &[])
        .await;
    expect(&revoked, 303, "revoking");
    expect(
        &newcomer.get("/orgs/demo").await,
        404,
        "after the role was revoked",
    );

    let disabled = admin
        .post("/admin/users/newcomer/flags", &[("disabled", "true")])
        .await;
    expect(&disabled, 303, "disabling");
    expect(
        &newcomer.get("/account/tokens").await,
        303,
        "a disabled account is signed out",
    );
    let myself = admin
        .post("/admin/users/admin/flags", &[("admin", "false")])
        .await;
    expect(&myself, 400, "dropping one's own administration");
    assert!(myself.text.contains("自分の管理者権限"), "{}", myself.text);

    let whole = admin
        .get("/admin/audit?actor=admin&entity=membership")
        .await;
    expect(&whole, 200, "the whole log");
    assert!(
        whole.text.contains("改ざんや欠落はありません"),
        "{}",
        whole.text
    );
    assert!(whole.text.contains("demo/newcomer"));
    server.stop().await;
}

#[tokio::test]
async fn accounts_and_roles_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    accounts_and_roles(&sqlite_url(&dir)).await;
}

#[tokio::test]
async fn accounts_and_roles_on_postgres() {
    let Some(server) = postgres_server("accounts_and_roles_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    accounts_and_roles(&db.url).await;
    db.drop_now().await.unwrap();
}

async fn demo_server() -> (tempfile::TempDir, Server, DatabaseUrl) {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let server = demo_on(&url).await;
    (dir, server, url)
}

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
