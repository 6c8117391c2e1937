//! The web pages, driven as a browser drives them (form posts, cookies, htmx headers) against a
//! server started as production starts it, with the demo seeded: every page for every role with
//! real figures in Japanese, the English switch remembered across sessions, edit controls only
//! for those who may edit, refused writes (viewer's, forged, cross-site), 404 for outsiders,
//! escaped user text, and the static files.

mod common;

use axum::http::Method;
use common::seed::{self, ADMIN, AUDITOR, CONTRIBUTOR, OUTSIDER, OWNER, VIEWER, sqlite_url};
use common::{Client, Reply, Server, expect, settings};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store};

const FORM: &str = "application/x-www-form-urlencoded";

/// Every `Set-Cookie` of a reply, as `name=value`.
fn cookies(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap().to_string())
        .collect()
}

/// Percent-encodes a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Signs in through the sign-in page, as a browser does; the client keeps the cookies and the
/// page's CSRF token (sent as the header, as htmx does).
async fn browser(addr: std::net::SocketAddr, (user, password): (&str, &str)) -> Client {
    let anonymous = Client::new(addr);
    let r = post_form(
        &anonymous,
        "/sign-in",
        &[
            ("username", user),
            ("password", password),
            ("next", "/orgs"),
        ],
    )
    .await;
    expect(&r, 303, &format!("sign in as {user}"));
    let to = r.headers["location"].to_str().unwrap();
    assert!(
        to == "/orgs" || to.starts_with("/orgs/"),
        "{user} goes to {to}"
    );
    let mut client = anonymous;
    client.cookie = Some(cookies(&r).join("; "));
    let orgs = client.get("/orgs").await;
    expect(&orgs, 200, "the organisation list");
    client.csrf = Some(csrf_of(&orgs.text));
    client
}

/// The session's CSRF token as a page carries it (`hx-headers` on `<body>`).
fn csrf_of(html: &str) -> String {
    let at = html
        .find("\"X-CSRF-Token\": \"")
        .expect("hx-headers with the token")
        + 17;
    html[at..at + 32].to_string()
}

async fn post_form(client: &Client, path: &str, fields: &[(&str, &str)]) -> Reply {
    client
        .raw(Method::POST, path, Some(FORM), form(fields), &[])
        .await
}

async fn demo_on(url: &DatabaseUrl) -> (Store, seed::Seeded) {
    let store = Store::open(url).await.unwrap();
    let seeded = seed::seed(&store).await;
    (store, seeded)
}

/// Every page, for every role, shows the demo's real figures in Japanese.
async fn pages_for_every_role(url: &DatabaseUrl) {
    let (store, seeded) = demo_on(url).await;
    let server = Server::start(settings(), store).await;
    let plan = seeded.exercise.0;
    for account in [OWNER, CONTRIBUTOR, VIEWER, AUDITOR, ADMIN] {
        let who = account.0;
        let c = browser(server.addr, account).await;
        let orgs = c.get("/orgs").await;
        assert!(orgs.text.contains("組織の一覧"), "{who}: {}", orgs.text);
        assert!(orgs.text.contains("サンプル空調株式会社"), "{who}");
        assert!(orgs.text.contains("<html lang=\"ja\">"), "{who}");

        let dash = c.get("/orgs/demo").await;
        expect(&dash, 200, &format!("{who}: dashboard"));
        let t = &dash.text;
        for words in [
            "ダッシュボード",
            "法令順守", // a row of the Fig. 1 grid
            "改善段階", // the organisation's stage, highlighted
            "141億円",  // maximum loss now (Fig. 2), as the board report writes it
            "想定損失額",
            "事業リスクの評価", // the risk matrix
            "<svg",
            "部門別の計画と実績", // per-unit plan against actual
            &seeded.period,
        ] {
            assert!(t.contains(words), "{who}: the dashboard lacks {words}");
        }
        assert!(
            t.contains("class=\"current\""),
            "{who}: the stage column is highlighted"
        );
        assert!(
            ["達成", "順調", "遅れ", "要対策", "実績なし"]
                .iter()
                .any(|s| t.contains(s)),
            "{who}: statuses in words"
        );
        assert!(
            t.contains(&format!("/orgs/demo/plans/{plan}")),
            "{who}: links to plans"
        );

        let page = c.get(&format!("/orgs/demo/plans/{plan}")).await;
        expect(&page, 200, &format!("{who}: plan page"));
        assert!(page.text.contains("計画の改訂履歴"), "{who}");
        assert!(page.text.contains("実績の記録"), "{who}");

        let loss = c.get("/orgs/demo/loss").await;
        expect(&loss, 200, &format!("{who}: loss page"));
        assert!(loss.text.contains("141億円"), "{who}");
        assert!(loss.text.contains("算定式と前提"), "{who}");

        let risks = c.get("/orgs/demo/risks").await;
        expect(&risks, 200, &format!("{who}: risk page"));
        assert!(
            risks.text.contains("<svg") && risks.text.contains("リスク一覧"),
            "{who}"
        );

        let group = c.get("/orgs/demo/group").await;
        expect(&group, 200, &format!("{who}: group view"));
        assert!(
            group.text.contains("米国現地法人"),
            "{who}: the overseas subsidiary"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn pages_for_every_role_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    pages_for_every_role(&sqlite_url(&dir)).await;
}

#[tokio::test]
async fn pages_for_every_role_on_postgres() {
    let Some(server) = postgres_server("pages_for_every_role_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    pages_for_every_role(&db.url).await;
    db.drop_now().await.unwrap();
}

async fn demo_server() -> (tempfile::TempDir, Server, seed::Seeded) {
    let dir = tempfile::tempdir().unwrap();
    let (store, seeded) = demo_on(&sqlite_url(&dir)).await;
    let server = Server::start(settings(), store).await;
    (dir, server, seeded)
}

#[tokio::test]
async fn a_newcomer_lands_on_the_sign_in_page_and_comes_back_where_they_were_going() {
    let (_dir, server, _) = demo_server().await;
    let anonymous = Client::new(server.addr);
    let root = anonymous.get("/").await;
    expect(&root, 303, "/ without a session");
    assert_eq!(root.headers["location"], "/sign-in");
    let dash = anonymous.get("/orgs/demo?period=FY2026-H2").await;
    expect(&dash, 303, "a page without a session");
    assert_eq!(
        dash.headers["location"],
        "/sign-in?next=/orgs/demo%3Fperiod%3DFY2026-H2"
    );
    let page = anonymous.get("/sign-in").await;
    expect(&page, 200, "the sign-in page");
    assert!(page.text.contains("サインイン") && page.text.contains("name=\"password\""));

    let wrong = post_form(
        &anonymous,
        "/sign-in",
        &[("username", OWNER.0), ("password", "not-the-password")],
    )
    .await;
    expect(&wrong, 401, "a wrong password");
    assert!(
        wrong
            .text
            .contains("ユーザー名またはパスワードが正しくありません")
    );
    assert!(
        cookies(&wrong).is_empty(),
        "no session for a wrong password"
    );

    // Only local paths are followed after signing in.
    let r = post_form(
        &anonymous,
        "/sign-in",
        &[
            ("username", OWNER.0),
            ("password", OWNER.1),
            ("next", "//evil.example/"),
        ],
    )
    .await;
    expect(&r, 303, "sign in");
    assert_eq!(
        r.headers["location"], "/orgs/demo",
        "to the only organisation's dashboard, not elsewhere"
    );
    let session = cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("mieruka_session="))
        .unwrap();
    let back = post_form(
        &anonymous,
        "/sign-in",
        &[
            ("username", OWNER.0),
            ("password", OWNER.1),
            ("next", "/orgs/demo/risks"),
        ],
    )
    .await;
    assert_eq!(
        back.headers["location"], "/orgs/demo/risks",
        "back where they were going"
    );
    let admin = post_form(
        &anonymous,
        "/sign-in",
        &[("username", ADMIN.0), ("password", ADMIN.1)],
    )
    .await;
    assert_eq!(
        admin.headers["location"], "/orgs",
        "an administrator sees every organisation"
    );
    let mut owner = anonymous.clone();
    owner.cookie = Some(session);
    let root = owner.get("/").await;
    assert_eq!(root.headers["location"], "/orgs");
}

#[tokio::test]
async fn english_is_remembered_for_the_user_across_sessions() {
    let (_dir, server, _) = demo_server().await;
    let viewer = browser(server.addr, VIEWER).await;
    let mut plain = viewer.clone();
    plain.csrf = None;
    let token = viewer.csrf.clone().unwrap();
    let r = post_form(
        &plain,
        "/lang",
        &[
            ("lang", "en"),
            ("back", "/orgs/demo"),
            ("csrf_token", &token),
        ],
    )
    .await;
    expect(&r, 303, "switch to English with the form's token");
    assert_eq!(r.headers["location"], "/orgs/demo");
    let dash = viewer.get("/orgs/demo").await;
    assert!(dash.text.contains("<html lang=\"en\">"), "{}", dash.text);
    assert!(dash.text.contains("Dashboard") && dash.text.contains("¥14.1bn"));

    // Signed out, then in again from another browser: still English.
    let out = post_form(&plain, "/sign-out", &[("csrf_token", &token)]).await;
    expect(&out, 303, "sign out");
    assert_eq!(
        viewer.get("/orgs").await.status,
        303,
        "the old session is gone"
    );
    let again = browser(server.addr, VIEWER).await;
    let orgs = again.get("/orgs").await;
    assert!(orgs.text.contains("Organisations"), "{}", orgs.text);
    // Another user is unaffected.
    let owner = browser(server.addr, OWNER).await;
    assert!(owner.get("/orgs").await.text.contains("組織の一覧"));

    // Without the token the switch is refused and nothing changes.
    let mut no_token = again.clone();
    no_token.csrf = None;
    let refused = post_form(&no_token, "/lang", &[("lang", "ja")]).await;
    expect(&refused, 403, "a signed-in switch without the token");
    assert!(again.get("/orgs").await.text.contains("Organisations"));
}

#[tokio::test]
async fn viewers_see_no_edit_controls_and_their_writes_are_refused() {
    let (_dir, server, _) = demo_server().await;
    let owner = browser(server.addr, OWNER).await;
    let viewer = browser(server.addr, VIEWER).await;
    let auditor = browser(server.addr, AUDITOR).await;
    for path in ["/orgs/demo/risks", "/orgs/demo/loss"] {
        let form = format!("action=\"{path}\"");
        assert!(
            owner.get(path).await.text.contains(&form),
            "owner edits {path}"
        );
        for (who, c) in [("viewer", &viewer), ("auditor", &auditor)] {
            let page = c.get(path).await;
            assert!(
                !page.text.contains(&form),
                "{who} sees an edit form on {path}"
            );
            assert!(
                !page.text.contains("/remove\""),
                "{who} sees remove buttons on {path}"
            );
        }
    }
    let risk = [
        ("code", "quake"),
        ("name", "大地震"),
        ("category", "災害"),
        ("probability", "2"),
        ("impact", "4"),
    ];
    let r = post_form(&viewer, "/orgs/demo/risks", &risk).await;
    expect(&r, 403, "a viewer's write");
    assert!(r.text.contains("権限がありません"), "{}", r.text);
    assert!(!owner.get("/orgs/demo/risks").await.text.contains("大地震"));

    // Forged posts: no token, a wrong token, another site.
    let mut no_token = owner.clone();
    no_token.csrf = None;
    expect(
        &post_form(&no_token, "/orgs/demo/risks", &risk).await,
        403,
        "no token",
    );
    let mut wrong = owner.clone();
    wrong.csrf = Some("0".repeat(32));
    expect(
        &post_form(&wrong, "/orgs/demo/risks", &risk).await,
        403,
        "a wrong token",
    );
    let mut wrong_field = no_token.clone();
    wrong_field.headers.clear();
    let mut fields = risk.to_vec();
    fields.push(("csrf_token", "00000000000000000000000000000000"));
    expect(
        &post_form(&wrong_field, "/orgs/demo/risks", &fields).await,
        403,
        "a wrong field",
    );
    for header in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let r = owner
            .raw(
                Method::POST,
                "/orgs/demo/risks",
                Some(FORM),
                form(&risk),
                &[header],
            )
            .await;
        expect(&r, 403, header.0);
    }
    assert!(!owner.get("/orgs/demo/risks").await.text.contains("大地震"));

    // The owner's own post goes through, with the token as a form field too.
    let mut fields = risk.to_vec();
    let token = owner.csrf.clone().unwrap();
    fields.push(("csrf_token", &token));
    let r = post_form(&no_token, "/orgs/demo/risks", &fields).await;
    expect(&r, 303, "the owner adds a risk");
    assert!(owner.get("/orgs/demo/risks").await.text.contains("大地震"));
}

#[tokio::test]
async fn outsiders_get_404_and_user_text_is_escaped() {
    let (_dir, server, seeded) = demo_server().await;
    let outsider = browser(server.addr, OUTSIDER).await;
    assert!(!outsider.get("/orgs").await.text.contains("サンプル空調"));
    for path in [
        "/orgs/demo".to_string(),
        "/orgs/demo/loss".to_string(),
        "/orgs/demo/risks".to_string(),
        "/orgs/demo/group".to_string(),
        format!("/orgs/demo/plans/{}", seeded.exercise.0),
        "/orgs/nonexistent".to_string(),
    ] {
        let r = outsider.get(&path).await;
        expect(&r, 404, &path);
        assert!(r.text.contains("ページが見つかりません"), "{path}");
    }
    // A plan of another organisation, asked for under this one, is not found either.
    let owner = browser(server.addr, OWNER).await;
    let r = owner
        .get(&format!("/orgs/demo/plans/{}", seeded.other_plan.0))
        .await;
    expect(&r, 404, "another organisation's plan");

    let risk = [
        ("code", "xss"),
        ("name", "<script>alert(1)</script>"),
        ("category", "\"><img src=x>"),
        ("probability", "3"),
        ("impact", "2"),
    ];
    expect(
        &post_form(&owner, "/orgs/demo/risks", &risk).await,
        303,
        "add",
    );
    let page = owner.get("/orgs/demo/risks").await;
    assert!(
        !page.text.contains("<script>alert(1)"),
        "unescaped user text"
    );
    assert!(!page.text.contains("\"><img src=x>"), "unescaped user text");
    assert!(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn bad_input_comes_back_with_the_reason_and_writes_nothing() {
    let (_dir, server, _) = demo_server().await;
    let owner = browser(server.addr, OWNER).await;
    let r = post_form(
        &owner,
        "/orgs/demo/risks",
        &[
            ("code", "bad"),
            ("name", "x"),
            ("category", "y"),
            ("probability", "9"),
            ("impact", "2"),
        ],
    )
    .await;
    expect(&r, 400, "probability 9");
    assert!(r.text.contains("probability"), "{}", r.text);
    assert!(
        r.text.contains("value=\"x\""),
        "the form comes back filled in"
    );
    let before = owner.get("/orgs/demo/loss").await.text;
    let r = post_form(
        &owner,
        "/orgs/demo/loss",
        &[("outage_days", "abc"), ("reason", "typo")],
    )
    .await;
    expect(&r, 400, "a loss input that is not a number");
    assert!(r.text.contains("事業停止日数"), "{}", r.text);
    let after = owner.get("/orgs/demo/loss").await.text;
    assert_eq!(
        before.contains("前提の版 1"),
        after.contains("前提の版 1"),
        "no new revision"
    );
}

/// The demo's maximum loss once the KPIs are met (9,660,002,000 yen) reads the same on the
/// dashboard, on the loss page and in the board report (the pages used to say `96.6億円` where the
/// report said `97億円`).
#[tokio::test]
async fn the_dashboard_and_the_board_report_print_the_same_figures() {
    let (_dir, server, _) = demo_server().await;
    let owner = browser(server.addr, OWNER).await;
    let quarter = mieruka_domain::report::schedule::Schedule::default()
        .period_containing(seed::today(), 4)
        .id;
    let report = owner
        .get(&format!("/api/v1/orgs/demo/reports/{quarter}?format=html"))
        .await;
    expect(&report, 200, "the board report as HTML");
    for path in ["/orgs/demo", "/orgs/demo/loss"] {
        let page = owner.get(path).await;
        expect(&page, 200, path);
        for figure in ["141億円", "97億円"] {
            assert!(page.text.contains(figure), "{path} lacks {figure}");
            assert!(report.text.contains(figure), "the report lacks {figure}");
        }
        assert!(!page.text.contains("96.6億円"), "{path} rounds differently");
    }
}

#[tokio::test]
async fn htmx_gets_the_main_content_and_unknown_paths_get_the_right_404() {
    let (_dir, server, _) = demo_server().await;
    let mut owner = browser(server.addr, OWNER).await;
    let whole = owner.get("/orgs/demo").await;
    let csp = whole.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(whole.headers["x-frame-options"], "DENY");
    owner.headers.push(("hx-request".into(), "true".into()));
    let part = owner.get("/orgs/demo").await;
    expect(&part, 200, "htmx dashboard");
    assert!(!part.text.contains("<html") && part.text.contains("<title>"));
    assert!(part.text.contains("141億円"));
    owner.headers.clear();

    let page = owner.get("/no/such/page").await;
    expect(&page, 404, "an unknown page");
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let api = owner.get("/api/v1/no-such-thing").await;
    expect(&api, 404, "an unknown API path");
    assert_eq!(api.code(), "no_route");
}

#[tokio::test]
async fn static_files_are_served_with_their_types_and_a_long_cache() {
    let (_dir, server, _) = demo_server().await;
    let c = Client::new(server.addr);
    for (path, kind) in [
        ("/static/mieruka.css", "text/css"),
        ("/static/vendor/design-tokens.css", "text/css"),
        ("/static/vendor/htmx.min.js", "text/javascript"),
        ("/static/mieruka.js", "text/javascript"),
        ("/static/fonts/ipaexg.ttf", "font/ttf"),
        ("/static/vendor/htmx.LICENSE.txt", "text/plain"),
    ] {
        let r = c.get(path).await;
        expect(&r, 200, path);
        let ct = r.headers["content-type"].to_str().unwrap();
        assert!(ct.starts_with(kind), "{path}: {ct}");
        assert!(
            r.headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age=31536000")
        );
    }
    let font = c.get("/static/fonts/ipaexg.ttf").await;
    assert_eq!(
        font.headers["content-length"].to_str().unwrap(),
        mieruka_charts::JAPANESE_FONT.len().to_string()
    );
    let htmx = c.get("/static/vendor/htmx.min.js").await;
    assert!(htmx.text.contains("htmx"), "the vendored htmx");
    expect(&c.get("/static/nothing.css").await, 404, "an unknown file");
    // The pages link the files by content hash and fetch nothing from elsewhere.
    let page = c.get("/sign-in").await;
    assert!(page.text.contains("/static/mieruka.css?v="));
    assert!(!page.text.contains("http://") && !page.text.contains("https://"));
}

#[tokio::test]
async fn a_one_time_password_is_changed_first_through_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo_on(&sqlite_url(&dir)).await;
    let id = store.credentials(VIEWER.0).await.unwrap().unwrap().user;
    let hash = mieruka_server::hash_password("one-time-2026").unwrap();
    store.set_password_hash(id, &hash, true).await.unwrap();
    let server = Server::start(settings(), store).await;

    let anonymous = Client::new(server.addr);
    let r = post_form(
        &anonymous,
        "/sign-in",
        &[
            ("username", VIEWER.0),
            ("password", "one-time-2026"),
            ("next", "/orgs/demo"),
        ],
    )
    .await;
    expect(&r, 303, "sign in with a one-time password");
    assert_eq!(r.headers["location"], "/account/password");
    let mut c = anonymous.clone();
    c.cookie = Some(cookies(&r).join("; "));
    expect(&c.get("/orgs").await, 403, "nothing else before the change");
    let page = c.get("/account/password").await;
    expect(&page, 200, "the password page");
    assert!(page.text.contains("初回パスワードでサインインしました"));
    c.csrf = Some(csrf_of(&page.text));

    let short = post_form(
        &c,
        "/account/password",
        &[
            ("current", "one-time-2026"),
            ("new", "short"),
            ("confirm", "short"),
        ],
    )
    .await;
    expect(&short, 400, "a short password");
    assert!(short.text.contains("12 文字以上"));
    let wrong = post_form(
        &c,
        "/account/password",
        &[
            ("current", "nope"),
            ("new", "a-long-new-pass"),
            ("confirm", "a-long-new-pass"),
        ],
    )
    .await;
    expect(&wrong, 400, "a wrong current password");
    assert!(wrong.text.contains("現在のパスワードが正しくありません"));
    let ok = post_form(
        &c,
        "/account/password",
        &[
            ("current", "one-time-2026"),
            ("new", "a-long-new-pass"),
            ("confirm", "a-long-new-pass"),
        ],
    )
    .await;
    expect(&ok, 303, "the change");
    expect(&c.get("/orgs").await, 200, "the pages after the change");
    browser(server.addr, (VIEWER.0, "a-long-new-pass")).await;
}
