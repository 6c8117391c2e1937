//! Schemas of signing in, accounts, roles and API tokens.

use serde_json::{Value, json};

use super::*;

pub(super) fn sessions(add: &mut impl FnMut(&str, Value)) {
    add(
        "SignedIn",
        answer(
            &["username", "csrf_token", "must_change_password", "is_admin"],
            json!({
                "username": s(),
                "csrf_token": described(s(), "Send as x-csrf-token on every write with the cookie."),
                "must_change_password": boolean(),
                "is_admin": boolean(),
            }),
        ),
    );
    add(
        "Me",
        answer(
            &["username", "is_admin", "memberships", "api_token"],
            json!({
                "username": s(),
                "is_admin": boolean(),
                "memberships": arr(r("Membership")),
                "api_token": boolean(),
                "scopes": or_null(arr(s())),
                "must_change_password": boolean(),
            }),
        ),
    );
    add(
        "Membership",
        answer(
            &["org", "role", "unit"],
            json!({ "org": s(), "role": one_of(&["owner", "contributor", "viewer", "auditor"]),
                    "unit": described(json!({ "type": ["integer", "null"] }), "A contributor's unit (its id).") }),
        ),
    );
}

pub(super) fn accounts(add: &mut impl FnMut(&str, Value)) {
    add(
        "User",
        answer(
            &["username", "name", "admin", "disabled", "roles"],
            json!({
                "username": s(), "name": s(), "admin": boolean(), "disabled": boolean(),
                "roles": arr(r("Membership")),
                "one_time_password": described(s_or_null(), "Only in the answer that made it."),
            }),
        ),
    );
    add(
        "ApiToken",
        answer(
            &[
                "id",
                "name",
                "prefix",
                "scopes",
                "created_at",
                "revoked",
                "expires_at",
                "expired",
            ],
            json!({
                "id": int(), "name": s(), "prefix": s(), "scopes": arr(one_of(&["read", "write"])),
                "created_at": s(), "last_used_at": s_or_null(), "revoked": boolean(),
                "expires_at": described(s_or_null(), "When the token stops working (RFC 3339, UTC); null: until revoked."),
                "expired": described(boolean(), "The expiry has passed: the token is refused (401)."),
            }),
        ),
    );
    add(
        "NewApiToken",
        json!({ "allOf": [r("ApiToken"), answer(&["token"], json!({ "token": described(s(), "mk_<prefix>_<secret>: shown only here.") }))] }),
    );
}
