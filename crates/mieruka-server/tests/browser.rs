//! The pages in a real headless Chromium, driven over the WebDriver protocol by chromedriver: the
//! owner signs in and runs the selection wizard to a draft plan and records the executives'
//! agreement; a contributor enters a measurement (after an inline refusal in Japanese) and the
//! dashboard's status for the plan changes; a viewer sees no edit controls; forged posts (no
//! CSRF token, or from another site) are refused and write nothing. A screenshot of each page
//! visited is saved under `target/browser-screenshots/` (or `$CARGO_TARGET_DIR/…`).
//!
//! Needs `chromium` and `chromedriver` (Debian `chromium`, `chromium-driver`); without them the
//! test prints `SKIPPED: <reason>` and passes, unless `MIERUKA_REQUIRE_BROWSER=1`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Method, Request};
use base64ct::{Base64, Encoding};
use common::seed::{self, CONTRIBUTOR, OWNER, VIEWER, sqlite_url};
use common::{Server, settings};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use mieruka_store::{PlanId, Store};
use serde_json::{Value, json};
use tokio::net::TcpStream;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// chromedriver on a free port; killed when dropped.
struct Driver {
    child: Child,
    addr: std::net::SocketAddr,
    _profile: tempfile::TempDir,
    chromium: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window (a WebDriver session).
struct Browser<'a> {
    driver: &'a Driver,
    id: String,
    base: String,
    shots: PathBuf,
}

impl Driver {
    async fn start(chromium: PathBuf, chromedriver: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        let driver = Driver {
            child,
            addr,
            _profile: tempfile::tempdir().unwrap(),
            chromium,
        };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                let status = driver.call(Method::GET, "/status", None).await;
                if status["ready"] == json!(true) {
                    return driver;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not become ready on port {port}");
    }

    /// One WebDriver command: JSON over HTTP/1.1 to chromedriver.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let stream = TcpStream::connect(self.addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.addr.to_string());
        if bytes.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .body(Full::new(Bytes::from(bytes.unwrap_or_default())))
            .unwrap();
        let res = sender.send_request(req).await.unwrap();
        let status = res.status().as_u16();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        assert!(
            status < 300,
            "WebDriver {path}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        json["value"].clone()
    }

    async fn browser(&self, base: &str, name: &str) -> Browser<'_> {
        let profile = self._profile.path().join(name);
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            "--lang=ja",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.display())])
        .collect::<Vec<_>>();
        let session = self
            .call(
                Method::POST,
                "/session",
                Some(json!({"capabilities": {"alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {"binary": self.chromium, "args": args}
                }}})),
            )
            .await;
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
        let shots = target.join("browser-screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        Browser {
            driver: self,
            id: session["sessionId"].as_str().unwrap().to_string(),
            base: base.to_string(),
            shots,
        }
    }
}

impl Browser<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.id)
    }

    async fn go(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.driver
            .call(
                Method::POST,
                &self.path("/url"),
                Some(json!({ "url": url })),
            )
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .driver
            .call(
                Method::POST,
                &self.path("/element"),
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT].as_str().unwrap().to_string()
    }

    async fn count(&self, css: &str) -> usize {
        self.driver
            .call(
                Method::POST,
                &self.path("/elements"),
                Some(json!({"using": "css selector", "value": css})),
            )
            .await
            .as_array()
            .map_or(0, Vec::len)
    }

    async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.driver
            .call(
                Method::POST,
                &self.path(&format!("/element/{e}/click")),
                Some(json!({})),
            )
            .await;
    }

    async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.driver
            .call(
                Method::POST,
                &self.path(&format!("/element/{e}/clear")),
                Some(json!({})),
            )
            .await;
        self.driver
            .call(
                Method::POST,
                &self.path(&format!("/element/{e}/value")),
                Some(json!({ "text": text })),
            )
            .await;
    }

    /// The rendered text of the first match (read in the page, so an element htmx has just
    /// replaced is not a stale reference).
    async fn text(&self, css: &str) -> String {
        let script = format!(
            "const e = document.querySelector({}); return e ? e.innerText : null",
            json!(css)
        );
        match self.script(&script).await {
            Value::String(s) => s,
            _ => panic!("`{css}` is not on {}", self.url().await),
        }
    }

    async fn script(&self, script: &str) -> Value {
        self.driver
            .call(
                Method::POST,
                &self.path("/execute/sync"),
                Some(json!({"script": script, "args": []})),
            )
            .await
    }

    /// Sets the window's outer size (a tablet: 768 × 1024).
    async fn resize(&self, width: u32, height: u32) {
        self.driver
            .call(
                Method::POST,
                &self.path("/window/rect"),
                Some(json!({"width": width, "height": height})),
            )
            .await;
    }

    /// How far the page is wider than the window (0: no sideways scrolling).
    async fn overflow(&self) -> i64 {
        self.script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
        )
        .await
        .as_i64()
        .unwrap_or(i64::MAX)
    }

    async fn url(&self) -> String {
        let v = self
            .driver
            .call(Method::GET, &self.path("/url"), None)
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Waits until the selector matches (htmx answers and page loads are asynchronous).
    async fn wait_for(&self, css: &str) {
        for _ in 0..100 {
            if self.count(css).await > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("`{css}` never appeared on {}", self.url().await);
    }

    async fn shot(&self, name: &str) {
        let v = self
            .driver
            .call(Method::GET, &self.path("/screenshot"), None)
            .await;
        let png = Base64::decode_vec(v.as_str().unwrap()).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name}: a PNG");
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    async fn sign_in(&self, (user, password): (&str, &str)) {
        self.go("/sign-in").await;
        self.fill("#username", user).await;
        self.fill("#password", password).await;
        self.click("main button[type=submit]").await;
        self.wait_for(".org-list, .masthead .user").await;
    }

    async fn quit(self) {
        let path = self.path("");
        self.driver.call(Method::DELETE, &path, None).await;
    }
}

async fn measurement_count(store: &Store, plan: PlanId) -> usize {
    store.measurement_history(plan).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_in_a_real_browser() {
    let required = std::env::var("MIERUKA_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let reason =
            "no chromium or chromedriver on PATH (apt-get install chromium chromium-driver)";
        assert!(!required, "MIERUKA_REQUIRE_BROWSER=1 but {reason}");
        eprintln!("SKIPPED: {reason}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let store = Store::open(&url).await.unwrap();
    let seeded = seed::seed(&store).await;
    let server = Server::start(settings(), store.clone()).await;
    let base = format!("http://{}", server.addr);
    let driver = Driver::start(chromium, &chromedriver).await;

    // The owner: sign in, the dashboard, the wizard to a draft plan, the agreement.
    let owner = driver.browser(&base, "owner").await;
    owner.go("/sign-in").await;
    owner.wait_for("#username").await;
    owner.shot("01-sign-in").await;
    owner.sign_in(OWNER).await;
    owner.go("/orgs/demo").await;
    owner.wait_for("#open-wizard").await;
    let heading = owner.text("h1").await;
    assert_eq!(heading, "ダッシュボード");
    owner.shot("02-dashboard-owner").await;
    owner.click("#open-wizard").await;
    owner.wait_for("#w-vision").await;
    owner.shot("03-wizard-vision").await;
    owner
        .fill("#w-vision", "空調で世界の快適を支え、止めない工場をつくる")
        .await;
    owner.click("#wizard-next").await;
    owner.wait_for("#w-challenges").await;
    owner
        .fill("#w-challenges", "工場の制御系と顧客情報を守り、停止を防ぐ")
        .await;
    owner.click("#wizard-next").await;
    owner.wait_for("#w-purpose").await;
    owner
        .fill(
            "#w-purpose",
            "規制当局の指摘を期限内に解消し、制裁金の損失を減らす",
        )
        .await;
    owner.click("input[name=reduces][value=fine]").await;
    owner.shot("04-wizard-purpose").await;
    owner.click("#wizard-next").await;
    owner.wait_for("#w-risk").await;
    owner.shot("05-wizard-risk").await;
    owner.click("#w-risk").await;
    owner.click("#wizard-next").await;
    owner.wait_for("input[name=kpis][value='1.3.1']").await;
    let checklist = owner.text(".checklist").await;
    assert_eq!(
        owner.count(".checklist .step-done").await,
        4,
        "four steps ticked: {checklist}"
    );
    let advice_before = owner.text("#kpi-advice").await;
    owner.click("input[name=kpis][value='1.3.1']").await;
    // The count advice is refreshed by htmx as KPIs are ticked.
    for _ in 0..50 {
        if owner.text("#kpi-advice").await != advice_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let advice = owner.text("#kpi-advice").await;
    assert_ne!(advice, advice_before, "the advice follows the choice");
    assert!(advice.contains("選択中"), "{advice}");
    owner.fill("input[name='target_1.3.1']", "90").await;
    owner.click("input[name=units][value=manufacturing]").await;
    owner.shot("06-wizard-kpis").await;
    owner.click("#wizard-create").await;
    owner.wait_for("#draft-plans").await;
    owner.shot("07-wizard-drafts").await;
    let drafts = owner.text("#draft-plans").await;
    assert!(
        drafts.contains("1.3.1") && drafts.contains("90.0%"),
        "{drafts}"
    );
    let href = owner
        .script("return document.querySelector('#draft-plans a').getAttribute('href')")
        .await;
    let plan: i64 = href
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let plan = PlanId(plan);
    owner.fill("#a-by", "代表取締役社長").await;
    owner.click("#agreement-save").await;
    owner.wait_for(&format!("#plan-{}", plan.0)).await;
    let ctx = store.plan_context(plan).await.unwrap();
    assert_eq!(ctx.plan.state.to_string(), "agreed");
    assert_eq!(ctx.plan.content.units, ["manufacturing"]);
    let status_before = owner.text(&format!("#plan-{} .card-head", plan.0)).await;
    owner.quit().await;

    // The contributor: a refused entry explained in Japanese, then a measurement.
    let contributor = driver.browser(&base, "contributor").await;
    contributor.sign_in(CONTRIBUTOR).await;
    contributor
        .go(&format!("/orgs/demo/plans/{}", plan.0))
        .await;
    contributor.click("#enter-measurement").await;
    contributor.wait_for("#f-numerator").await;
    let units = contributor
        .script("return [...document.querySelectorAll('#f-unit option')].map(o => o.value)")
        .await;
    assert_eq!(
        units,
        json!(["manufacturing"]),
        "only the contributor's unit"
    );
    contributor.fill("#f-numerator", "12").await;
    contributor.fill("#f-denominator", "10").await;
    contributor.click("#f-evidence").await; // leaving the field fires `change`
    contributor.wait_for("#entry-check .notice-error").await;
    let inline = contributor.text("#entry-check").await;
    assert!(
        inline.contains("100%"),
        "the inline check explains: {inline}"
    );
    contributor.shot("08-entry-inline-error").await;
    contributor.fill("#f-numerator", "9").await;
    contributor.click("#entry-save").await;
    contributor.wait_for("#revisions-title").await;
    contributor.shot("09-plan-after-entry").await;
    assert_eq!(measurement_count(&store, plan).await, 1);
    contributor.go("/orgs/demo").await;
    contributor.wait_for(&format!("#plan-{}", plan.0)).await;
    let status_after = contributor
        .text(&format!("#plan-{} .card-head", plan.0))
        .await;
    assert_ne!(
        status_before, status_after,
        "the dashboard's status changed"
    );
    assert_eq!(contributor.count("#open-wizard").await, 0);
    contributor.shot("10-dashboard-after-entry").await;

    // A forged post without the CSRF token is refused, and writes nothing.
    let forged = contributor
        .script(&format!(
            "return fetch('/orgs/demo/plans/{}/measure', {{method: 'POST', headers: {{'Content-Type': 'application/x-www-form-urlencoded'}}, body: 'unit=manufacturing&date={}&numerator=1&denominator=2'}}).then(r => r.status)",
            plan.0,
            seed::today()
        ))
        .await;
    assert_eq!(forged, json!(403), "no token, no write");
    assert_eq!(measurement_count(&store, plan).await, 1);
    contributor.quit().await;

    // The viewer sees no edit controls, and the entry form is refused.
    let viewer = driver.browser(&base, "viewer").await;
    viewer.sign_in(VIEWER).await;
    viewer.go("/orgs/demo").await;
    viewer.wait_for(".kpi-grid").await;
    assert_eq!(viewer.count("#open-wizard").await, 0);
    viewer.shot("11-dashboard-viewer").await;
    viewer
        .go(&format!("/orgs/demo/plans/{}", seeded.exercise.0))
        .await;
    viewer.wait_for("#revisions-title").await;
    assert_eq!(viewer.count("#enter-measurement").await, 0);
    assert_eq!(viewer.count("form[action$='/measure']").await, 0);
    viewer.shot("12-plan-viewer").await;
    viewer
        .go(&format!("/orgs/demo/plans/{}/measure", plan.0))
        .await;
    viewer.wait_for("main").await;
    assert_eq!(viewer.count("#entry-form").await, 0);
    viewer.shot("13-entry-refused-viewer").await;
    viewer.quit().await;

    // On a tablet held upright, every page fits its width: nothing scrolls sideways, and the
    // keyboard reaches the first link of the content.
    let tablet = driver.browser(&base, "tablet").await;
    tablet.resize(768, 1024).await;
    tablet.sign_in(OWNER).await;
    let width = tablet.script("return window.innerWidth").await;
    assert!(
        width.as_i64().unwrap_or(0) <= 800,
        "a tablet's width: {width}"
    );
    for (name, path, ready) in [
        (
            "15-tablet-dashboard",
            "/orgs/demo".to_string(),
            "#open-wizard",
        ),
        (
            "16-tablet-plan",
            format!("/orgs/demo/plans/{}", seeded.exercise.0),
            "#revisions-title",
        ),
        ("17-tablet-loss", "/orgs/demo/loss".to_string(), "main h1"),
        ("18-tablet-risks", "/orgs/demo/risks".to_string(), "main h1"),
        (
            "19-tablet-wizard",
            "/orgs/demo/wizard".to_string(),
            "#wizard-form",
        ),
        (
            "20-tablet-reports",
            "/orgs/demo/reports".to_string(),
            "#issue-form",
        ),
    ] {
        tablet.go(&path).await;
        tablet.wait_for(ready).await;
        tablet.shot(name).await;
        assert!(
            tablet.overflow().await <= 0,
            "{path} scrolls sideways on a tablet by {} px",
            tablet.overflow().await
        );
    }
    tablet.quit().await;

    // A post from another site (the same server under another host name, so another site) is
    // refused: the session cookie is not sent cross-site, and the origin is checked.
    let other_site = format!("http://localhost:{}", server.addr.port());
    let stranger = driver.browser(&other_site, "stranger").await;
    stranger.sign_in(CONTRIBUTOR).await;
    stranger.go("/orgs").await;
    let token = stranger
        .script("return JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']")
        .await;
    let script = format!(
        "const f = document.createElement('form'); f.method = 'post'; f.action = '{base}/orgs/demo/plans/{}/measure';
         for (const [k, v] of Object.entries({{csrf_token: '{}', unit: 'manufacturing', date: '{}', numerator: '3', denominator: '4'}})) {{
           const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i); }}
         document.body.appendChild(f); f.submit(); return true;",
        plan.0,
        token.as_str().unwrap_or_default(),
        seed::today()
    );
    stranger.script(&script).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stranger.shot("14-cross-site-refused").await;
    assert_eq!(
        measurement_count(&store, plan).await,
        1,
        "a cross-site post writes nothing"
    );
    stranger.quit().await;

    // After signing in, `next` is followed only on this site: a path with a tab, which the
    // browser drops (`/<TAB>/evil.example/` would become `//evil.example/`, another host), leads
    // to the landing page instead.
    let wary = driver.browser(&base, "wary").await;
    wary.go("/sign-in?next=%2F%09%2Fevil.example%2F").await;
    wary.fill("#username", VIEWER.0).await;
    wary.fill("#password", VIEWER.1).await;
    wary.click("main button[type=submit]").await;
    wary.wait_for(".org-list, .masthead .user").await;
    let landed = wary.url().await;
    assert!(
        landed.starts_with(&format!("{base}/")),
        "signing in led to {landed}"
    );
    wary.quit().await;
    drop(driver);
    server.stop().await;
}
