//! The server's settings: defaults in code, then a TOML file, then environment variables.
//! A secret never prints: `Settings`' `Debug` hides the database URL's password.

use std::net::IpAddr;
use std::path::Path;

use serde::Deserialize;

/// Everything `mieruka serve` can be told.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub bind: IpAddr,
    pub port: u16,
    /// `sqlite://PATH` or `postgres://…`; empty: the default SQLite file.
    pub database_url: String,
    /// Mark cookies `Secure` (set when mieruka is served over TLS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a session lasts without signing in again, in hours.
    pub session_hours: i64,
    /// Failed sign-ins of one account from one address let through before attempts are spaced
    /// out (four times as many from one address against any account, twenty times as many
    /// against one account from everywhere).
    pub max_failed_logins: i64,
    /// The longest wait between two sign-in attempts once they are spaced out, in minutes.
    pub login_window_minutes: i64,
    /// Collecting figures from files dropped in a folder.
    pub collect: CollectSettings,
    /// What a file someone uploads or drops in the inbox may cost to read (`[limits]`).
    pub limits: mieruka_app::limits::Limits,
    /// How much Monte Carlo simulation requests may ask for.
    pub simulate: SimulateSettings,
}

/// Bounds on loss simulations (`POST /api/v1/simulate`, an organisation's simulation, the loss
/// page): simulated years per request by role, and how many run at once; a request beyond that
/// is answered 429 with `Retry-After` rather than queued behind the cores.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimulateSettings {
    /// Most simulated years for administrators and an organisation's owners.
    pub max_trials: u64,
    /// Most simulated years for everyone else (viewers, auditors, contributors).
    pub max_trials_reader: u64,
    /// Simulations running at once, server-wide.
    pub max_concurrent: usize,
    /// The `Retry-After` answered when all are busy, in seconds.
    pub retry_after_seconds: u64,
}

impl Default for SimulateSettings {
    fn default() -> Self {
        SimulateSettings {
            max_trials: 1_000_000,
            max_trials_reader: 100_000,
            max_concurrent: 2,
            retry_after_seconds: 5,
        }
    }
}

/// The inbox folder: `<inbox>/<org>/<connector>/<file>`, polled every `poll_seconds`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CollectSettings {
    /// The folder watched; none: no folder is watched.
    pub inbox: Option<std::path::PathBuf>,
    pub poll_seconds: u64,
}

impl Default for CollectSettings {
    fn default() -> Self {
        CollectSettings {
            inbox: None,
            poll_seconds: 60,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            database_url: String::new(),
            secure_cookies: false,
            max_body_bytes: 8 * 1024 * 1024,
            session_hours: 12,
            max_failed_logins: 5,
            login_window_minutes: 15,
            collect: CollectSettings::default(),
            limits: mieruka_app::limits::Limits::default(),
            simulate: SimulateSettings::default(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let db = mieruka_store::DatabaseUrl::parse(&self.database_url)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| "(default)".into());
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("database_url", &db)
            .field("secure_cookies", &self.secure_cookies)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("session_hours", &self.session_hours)
            .field("collect", &self.collect)
            .field("limits", &self.limits)
            .field("simulate", &self.simulate)
            .finish()
    }
}

impl Settings {
    /// Defaults, overlaid by the file (if given) and then by `MIERUKA_*` variables from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, String> {
        let mut s = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| {
                    format!(
                        "{}: {}",
                        path.display(),
                        mieruka_domain::catalogue::toml_reason(&e)
                    )
                })?
            }
            None => Settings::default(),
        };
        let parse = |name: &str, v: String| -> Result<String, String> {
            if v.trim().is_empty() {
                Err(format!("{name} is empty"))
            } else {
                Ok(v)
            }
        };
        if let Some(v) = env("MIERUKA_BIND") {
            s.bind = parse("MIERUKA_BIND", v)?
                .parse()
                .map_err(|e| format!("MIERUKA_BIND: {e}"))?;
        }
        if let Some(v) = env("MIERUKA_PORT") {
            s.port = parse("MIERUKA_PORT", v)?
                .parse()
                .map_err(|e| format!("MIERUKA_PORT: {e}"))?;
        }
        if let Some(v) = env("MIERUKA_DATABASE_URL") {
            s.database_url = v;
        }
        if let Some(v) = env("MIERUKA_SECURE_COOKIES") {
            s.secure_cookies = parse_bool("MIERUKA_SECURE_COOKIES", &v)?;
        }
        if let Some(v) = env("MIERUKA_MAX_BODY_BYTES") {
            s.max_body_bytes = parse("MIERUKA_MAX_BODY_BYTES", v)?
                .parse()
                .map_err(|e| format!("MIERUKA_MAX_BODY_BYTES: {e}"))?;
        }
        if let Some(v) = env("MIERUKA_COLLECT_INBOX") {
            s.collect.inbox = Some(parse("MIERUKA_COLLECT_INBOX", v)?.into());
        }
        if let Some(v) = env("MIERUKA_COLLECT_POLL_SECONDS") {
            s.collect.poll_seconds = parse("MIERUKA_COLLECT_POLL_SECONDS", v)?
                .parse()
                .map_err(|e| format!("MIERUKA_COLLECT_POLL_SECONDS: {e}"))?;
        }
        s.limits = s.limits.with_env(&env)?;
        for (name, slot) in [
            ("MIERUKA_SIMULATE_MAX_TRIALS", &mut s.simulate.max_trials),
            (
                "MIERUKA_SIMULATE_MAX_TRIALS_READER",
                &mut s.simulate.max_trials_reader,
            ),
            (
                "MIERUKA_SIMULATE_RETRY_AFTER_SECONDS",
                &mut s.simulate.retry_after_seconds,
            ),
        ] {
            if let Some(v) = env(name) {
                *slot = parse(name, v)?
                    .trim()
                    .parse()
                    .map_err(|e| format!("{name}: {e}"))?;
            }
        }
        if let Some(v) = env("MIERUKA_SIMULATE_MAX_CONCURRENT") {
            s.simulate.max_concurrent = parse("MIERUKA_SIMULATE_MAX_CONCURRENT", v)?
                .trim()
                .parse()
                .map_err(|e| format!("MIERUKA_SIMULATE_MAX_CONCURRENT: {e}"))?;
        }
        let sim = &s.simulate;
        if sim.max_trials == 0 || sim.max_trials_reader == 0 || sim.max_concurrent == 0 {
            return Err(
                "simulate.max_trials, simulate.max_trials_reader and simulate.max_concurrent must be positive"
                    .into(),
            );
        }
        if sim.max_trials > mieruka_app::simulation::MAX_TRIALS {
            return Err(format!(
                "simulate.max_trials may be at most {}",
                mieruka_app::simulation::MAX_TRIALS
            ));
        }
        if sim.max_trials_reader > sim.max_trials {
            return Err("simulate.max_trials_reader must not exceed simulate.max_trials".into());
        }
        if s.collect.poll_seconds == 0 {
            return Err("collect.poll_seconds must be positive".into());
        }
        if s.session_hours <= 0
            || s.max_failed_logins <= 0
            || s.login_window_minutes <= 0
            || s.max_body_bytes == 0
        {
            return Err("session_hours, max_failed_logins, login_window_minutes and max_body_bytes must be positive".into());
        }
        Ok(s)
    }
}

/// A yes/no setting from the environment: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off` in any
/// case; anything else is refused, naming the variable, rather than read as "no".
fn parse_bool(name: &str, value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(format!(
            "{name}: `{value}` is not a yes/no value (true, false, 1, 0, yes, no, on, off)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_variables_are_read_strictly() {
        let with = |v: &'static str| {
            Settings::load(None, move |k| {
                (k == "MIERUKA_SECURE_COOKIES").then(|| v.to_string())
            })
        };
        for yes in ["TRUE", "true", "True", "1", "yes", "YES", "on"] {
            assert!(with(yes).unwrap().secure_cookies, "{yes}");
        }
        for no in ["FALSE", "false", "0", "no", "Off"] {
            assert!(!with(no).unwrap().secure_cookies, "{no}");
        }
        for bad in ["", "ture", "2", "enabled", "y"] {
            let e = with(bad).unwrap_err();
            assert!(e.contains("MIERUKA_SECURE_COOKIES"), "{bad}: {e}");
        }
        // Numbers are as strict: a bad one names its variable.
        for (k, v) in [
            ("MIERUKA_PORT", "80a"),
            ("MIERUKA_PORT", "70000"),
            ("MIERUKA_MAX_BODY_BYTES", "-1"),
            ("MIERUKA_COLLECT_POLL_SECONDS", "1.5"),
            ("MIERUKA_BIND", "localhost"),
        ] {
            let e = Settings::load(None, |name| (name == k).then(|| v.to_string())).unwrap_err();
            assert!(e.contains(k), "{k}={v}: {e}");
        }
    }

    #[test]
    fn file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.toml");
        std::fs::write(&file, "port = 9000\nsecure_cookies = true\n").unwrap();
        let env = |k: &str| (k == "MIERUKA_PORT").then(|| "9100".to_string());
        let s = Settings::load(Some(&file), env).unwrap();
        assert_eq!(
            (s.port, s.secure_cookies, s.session_hours),
            (9100, true, 12)
        );
        std::fs::write(&file, "[collect]\ninbox = \"/srv/inbox\"\n").unwrap();
        let s = Settings::load(Some(&file), |k| {
            (k == "MIERUKA_COLLECT_POLL_SECONDS").then(|| "5".to_string())
        })
        .unwrap();
        assert_eq!(
            (s.collect.inbox.as_deref(), s.collect.poll_seconds),
            (Some(Path::new("/srv/inbox")), 5)
        );
        std::fs::write(&file, "colour = 1\n").unwrap();
        assert!(
            Settings::load(Some(&file), |_| None)
                .unwrap_err()
                .contains("colour")
        );
        assert!(
            Settings::load(None, |k| (k == "MIERUKA_PORT").then(|| "x".into()))
                .unwrap_err()
                .contains("MIERUKA_PORT")
        );
    }

    #[test]
    fn limits_from_the_file_then_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.toml");
        std::fs::write(&file, "[limits]\nmax_rows = 500\nmax_cells = 9000\n").unwrap();
        let s = Settings::load(Some(&file), |k| {
            (k == "MIERUKA_LIMITS_MAX_CELLS").then(|| "7000".to_string())
        })
        .unwrap();
        assert_eq!((s.limits.max_rows, s.limits.max_cells), (500, 7000));
        assert_eq!(
            s.limits.max_file_bytes,
            mieruka_app::limits::Limits::default().max_file_bytes
        );
        std::fs::write(&file, "[limits]\nmax_file_bytes = 0\n").unwrap();
        assert_eq!(
            Settings::load(Some(&file), |_| None).unwrap_err(),
            "limits.max_file_bytes must be positive"
        );
        std::fs::write(&file, "[limits]\nmax_lines = 3\n").unwrap();
        assert!(
            Settings::load(Some(&file), |_| None)
                .unwrap_err()
                .contains("max_lines")
        );
    }

    #[test]
    fn simulation_bounds_from_file_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.toml");
        std::fs::write(
            &file,
            "[simulate]\nmax_trials = 500000\nmax_concurrent = 3\n",
        )
        .unwrap();
        let s = Settings::load(Some(&file), |k| {
            (k == "MIERUKA_SIMULATE_MAX_TRIALS_READER").then(|| "5000".to_string())
        })
        .unwrap();
        assert_eq!(
            (
                s.simulate.max_trials,
                s.simulate.max_trials_reader,
                s.simulate.max_concurrent
            ),
            (500_000, 5000, 3)
        );
        let zero = Settings::load(None, |k| {
            (k == "MIERUKA_SIMULATE_MAX_CONCURRENT").then(|| "0".to_string())
        });
        assert!(zero.unwrap_err().contains("max_concurrent"));
        let above = Settings::load(None, |k| {
            (k == "MIERUKA_SIMULATE_MAX_TRIALS_READER").then(|| "2000000".to_string())
        });
        assert!(above.unwrap_err().contains("max_trials_reader"));
    }

    #[test]
    fn debug_hides_the_database_password() {
        let s = Settings {
            database_url: "postgres://me:hunter2@db/x".into(),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
