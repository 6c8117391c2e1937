//! What the administration pages share: their routes (organisations and units in
//! `admin_orgs.rs`, accounts and roles in `admin_users.rs`, one's own API tokens in
//! `admin_tokens.rs` and password in `admin_account.rs`, the audit log in `admin_audit.rs`), the
//! sub-navigation of the administrator's pages, and how a refused form is told to a person: the
//! field's name and its rule in their language, whatever words the use case refused it with.

use axum::Router;
use axum::routing::{get, post};
use mieruka_domain::{Lang, i18n};
use mieruka_store::orgs::StoredOrg;

use super::{admin_account, admin_audit, admin_orgs, admin_tokens, admin_users};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiError;

/// The administration pages' routes (merged into the pages' router, inside its layers).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{org}/settings",
            get(admin_orgs::page).post(admin_orgs::save),
        )
        .route("/orgs/{org}/units", post(admin_orgs::add_unit))
        .route("/orgs/{org}/units/{unit}", post(admin_orgs::save_unit))
        .route(
            "/orgs/{org}/units/{unit}/edit",
            get(admin_orgs::edit_page).post(admin_orgs::save_edit),
        )
        .route("/orgs/{org}/audit", get(admin_audit::org_page))
        .route(
            "/admin/orgs",
            get(admin_orgs::admin_list).post(admin_orgs::create),
        )
        .route(
            "/admin/users",
            get(admin_users::list).post(admin_users::create),
        )
        .route("/admin/users/{user}", get(admin_users::page))
        .route(
            "/admin/users/{user}/password",
            post(admin_users::reset_password),
        )
        .route("/admin/users/{user}/flags", post(admin_users::flags))
        .route("/admin/users/{user}/roles", post(admin_users::grant))
        .route(
            "/admin/users/{user}/roles/{org}/revoke",
            post(admin_users::revoke),
        )
        .route("/admin/audit", get(admin_audit::admin_page))
        .route(
            "/account/tokens",
            get(admin_tokens::page).post(admin_tokens::create),
        )
        .route("/account/tokens/{id}/revoke", post(admin_tokens::revoke))
        .route("/account/tokens/revoke-all", post(admin_tokens::revoke_all))
        .route(
            "/account/sessions/end",
            post(admin_account::sign_out_everywhere),
        )
        .route(
            "/account/password",
            get(admin_account::page).post(admin_account::change),
        )
}

/// Whether the principal may read the organisation's audit log, for showing its tab: the rule of
/// `Need::Audit` in `Principal::require` (administrators, owners, auditors), which the page
/// itself checks again.
pub fn may_audit(who: &Principal, org: &StoredOrg) -> bool {
    who.is_admin
        || who
            .membership(org.id)
            .is_some_and(|m| m.role == "owner" || m.role == "auditor")
}

/// The administrator's pages, in their sub-navigation's order: (catalogue key, path).
pub const ADMIN_SECTIONS: [(&str, &str); 3] = [
    ("web_admin_nav_users", "/admin/users"),
    ("web_admin_nav_orgs", "/admin/orgs"),
    ("web_admin_nav_audit", "/admin/audit"),
];

/// The sub-navigation of the administrator's pages: (label, href, active).
pub fn admin_tabs(lang: Lang, active: &str) -> Vec<(String, &'static str, bool)> {
    ADMIN_SECTIONS
        .iter()
        .map(|(key, path)| (i18n::tr(lang, key, &[]), *path, *path == active))
        .collect()
}

/// The form fields whose name and rule the catalogue has (`web_admin_field_*`,
/// `web_admin_rule_*`).
pub const FIELDS: [&str; 28] = [
    "expires_in_days",
    "code",
    "name",
    "display_name",
    "maturity",
    "fiscal_start_month",
    "time_zone",
    "kind",
    "parent",
    "employees",
    "it_staff",
    "security_staff",
    "annual_revenue_yen",
    "it_budget_yen",
    "security_budget_yen",
    "industry",
    "username",
    "password",
    "current",
    "new",
    "confirm",
    "lang",
    "org",
    "role",
    "unit",
    "scope",
    "from",
    "to",
];

/// A refused form, for a person: which field (to mark it) and the message naming it.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub field: Option<String>,
    pub message: String,
}

/// The refusal of a form as a person reads it, or the error back when it is not about the input
/// (a right, a missing thing, a failure), to be shown as an error page.
pub fn problem(lang: Lang, e: ApiError) -> Result<Problem, ApiError> {
    let tr = |key: &str| i18n::tr(lang, key, &[]);
    match e {
        ApiError::Invalid { field, reason } => {
            let known = field.as_deref().filter(|f| FIELDS.contains(f));
            let message = match known {
                Some(f) => format!(
                    "{}: {}",
                    tr(&format!("web_admin_field_{f}")),
                    tr(&format!("web_admin_rule_{f}"))
                ),
                None => match &field {
                    Some(f) => format!("{f}: {reason}"),
                    None => reason,
                },
            };
            Ok(Problem { field, message })
        }
        ApiError::Conflict(reason) => Ok(Problem {
            field: None,
            message: if reason.contains("their own") {
                tr("web_admin_not_yourself")
            } else {
                tr("web_admin_taken")
            },
        }),
        other => Err(other),
    }
}

/// A whole number typed in a form: `None` when left empty; commas allowed (`1,200`).
pub fn whole(field: &str, typed: &str) -> Result<Option<i64>, ApiError> {
    let s = typed.trim().replace([',', '，'], "");
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| ApiError::invalid(field, format!("`{typed}` is not a whole number")))
}

/// A vocabulary value chosen in a form (`None` when the empty choice was left).
pub fn chosen<T: std::str::FromStr<Err = String>>(
    field: &str,
    typed: &str,
) -> Result<Option<T>, ApiError> {
    let s = typed.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|e| ApiError::invalid(field, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_name_and_a_rule_in_both_languages() {
        let keys = i18n::keys();
        for f in FIELDS {
            for key in [
                format!("web_admin_field_{f}"),
                format!("web_admin_rule_{f}"),
            ] {
                assert!(keys.contains(&key.as_str()), "`{key}` is missing");
            }
        }
    }

    #[test]
    fn a_refusal_names_the_field_in_the_readers_language() {
        let e = || ApiError::invalid("password", "at least 12 characters");
        let ja = problem(Lang::Ja, e()).unwrap();
        assert_eq!(ja.field.as_deref(), Some("password"));
        assert!(ja.message.starts_with("パスワード: "), "{}", ja.message);
        assert!(ja.message.contains("12"), "{}", ja.message);
        let en = problem(Lang::En, e()).unwrap();
        assert!(en.message.starts_with("Password: "), "{}", en.message);
        let conflict = problem(Lang::Ja, ApiError::Conflict("user `x` exists".into())).unwrap();
        assert!(!conflict.message.contains("exists"), "{}", conflict.message);
        assert!(matches!(
            problem(Lang::Ja, ApiError::NotFound),
            Err(ApiError::NotFound)
        ));
    }

    #[test]
    fn numbers_and_choices_from_forms() {
        assert_eq!(whole("employees", " 1,200 ").unwrap(), Some(1200));
        assert_eq!(whole("employees", "").unwrap(), None);
        assert!(whole("employees", "12人").is_err());
        let m: Option<mieruka_domain::Maturity> = chosen("maturity", "improving").unwrap();
        assert_eq!(m, Some(mieruka_domain::Maturity::Improving));
        assert!(chosen::<mieruka_domain::Maturity>("maturity", "best").is_err());
    }
}
