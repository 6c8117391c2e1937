//! Static files, embedded in the binary: the style sheet, the vendored htmx and design tokens
//! (with their licences) and the Japanese font (`mieruka_charts::JAPANESE_FONT`, so a browser
//! without CJK fonts still shows kanji). Nothing is fetched from elsewhere.
//!
//! Pages link each file with a short hash of its content (`/static/mieruka.css?v=…`), so a file
//! may be cached for a year: a changed file gets a new URL.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "mieruka.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/mieruka.css"),
    },
    Asset {
        name: "mieruka.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/mieruka.js"),
    },
    Asset {
        name: "vendor/htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/htmx.min.js"),
    },
    Asset {
        name: "vendor/htmx.LICENSE.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/htmx.LICENSE.txt"),
    },
    Asset {
        name: "vendor/design-tokens.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/design-tokens.css"),
    },
    Asset {
        name: "vendor/design-tokens.LICENSE.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/design-tokens.LICENSE.txt"),
    },
    Asset {
        name: "fonts/ipaexg.ttf",
        content_type: "font/ttf",
        bytes: mieruka_charts::JAPANESE_FONT,
    },
    Asset {
        name: "fonts/IPA_Font_License_Agreement_v1.0.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../../mieruka-charts/fonts/IPA_Font_License_Agreement_v1.0.txt"),
    },
];

#[cfg(test)]
fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// Each file's content hash (the first 10 hex digits of its SHA-256), computed once.
fn hashes() -> &'static Vec<String> {
    static HASHES: OnceLock<Vec<String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| mieruka_domain::digest::hex(&mieruka_domain::digest::sha256(a.bytes)[..5]))
            .collect()
    })
}

/// The URL pages link a static file by, with its content hash.
pub fn url(name: &str) -> String {
    match ASSETS.iter().position(|a| a.name == name) {
        Some(i) => format!("/static/{name}?v={}", hashes()[i]),
        None => format!("/static/{name}"),
    }
}

/// `GET /static/{file}`: the file with its content type, cached for a year (its URL changes
/// when it does); `ETag` lets a browser check without downloading it again.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some((i, asset)) = ASSETS.iter().enumerate().find(|(_, a)| a.name == file) else {
        return super::not_found_page(super::cookie_lang(&headers), false, &file);
    };
    let etag = format!("\"{}\"", hashes()[i]);
    let cache = [
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_string(),
        ),
        (header::ETAG, etag.clone()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (
        cache,
        [(header::CONTENT_TYPE, asset.content_type)],
        asset.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_linked_file_is_embedded() {
        for name in [
            "mieruka.css",
            "mieruka.js",
            "vendor/htmx.min.js",
            "fonts/ipaexg.ttf",
        ] {
            assert!(super::find(name).is_some(), "{name}");
            assert!(super::url(name).contains("?v="), "{name}");
        }
    }
}
