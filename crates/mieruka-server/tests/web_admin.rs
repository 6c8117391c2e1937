//! The administration pages by role, and accounts and roles end to end, driven as a browser
//! drives them against a server started as production starts it, with the demo seeded: who may
//! see and change organisations and units, accounts and the audit log (403 for members without
//! the right, 404 for outsiders, no edit controls for those who cannot use them); a one-time
//! password shown once and replaced at the first sign-in; a granted role taking effect, changed
//! and revoked, each change in the audit log — on SQLite and, when a server is given, PostgreSQL.
//! The forms one by one are in `web_admin_forms.rs`.

mod admin;
mod common;

use admin::{Browser, demo_on, one_time_password};
use common::expect;
use common::seed::{ADMIN, AUDITOR, CONTRIBUTOR, OUTSIDER, OWNER, VIEWER, sqlite_url};
use mieruka_store::DatabaseUrl;
use mieruka_store::testing::{FreshDatabase, postgres_server};

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

/// An administrator creates an account (its password shown once, replaced at the first
/// sign-in), grants it a role that takes effect at once, changes it and revokes it; the
/// organisation's audit log shows each change to its auditor, and the administrator sees the
/// chain verified.
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
