//! What the administration page tests share: a browser signed in through the sign-in page
//! (cookies, and the page's CSRF token sent back as the form field `csrf_token`), the demo
//! seeded on a database, and the secret a page shows once.

#![allow(dead_code)]

use axum::http::Method;

use crate::common::seed::{self, sqlite_url};
use crate::common::{Client, Reply, Server, expect, settings};
use mieruka_store::{DatabaseUrl, Store};

pub const FORM: &str = "application/x-www-form-urlencoded";

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A browser signed in through the sign-in page, holding its cookies and the page's CSRF token,
/// which it sends back as the form field `csrf_token` (as a form without script does).
pub struct Browser {
    pub client: Client,
    pub csrf: String,
    /// Where signing in led.
    pub landing: String,
}

impl Browser {
    pub async fn sign_in(addr: std::net::SocketAddr, (user, password): (&str, &str)) -> Browser {
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

    pub async fn get(&self, path: &str) -> Reply {
        self.client.get(path).await
    }

    /// Posts a form with the page's CSRF token in it.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
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

pub async fn demo_on(url: &DatabaseUrl) -> Server {
    let store = Store::open(url).await.unwrap();
    seed::seed(&store).await;
    Server::start(settings(), store).await
}

/// The one-time password is on the page that answers the form, and nowhere after.
pub fn one_time_password(html: &str) -> String {
    let at = html
        .find("class=\"secret-value\">")
        .expect("a secret shown")
        + 21;
    let end = html[at..].find('<').unwrap();
    html[at..at + end].to_string()
}

/// A fresh SQLite database with the demo, and a server on it.
pub async fn demo_server() -> (tempfile::TempDir, Server, DatabaseUrl) {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let server = demo_on(&url).await;
    (dir, server, url)
}
