//! The `mieruka` command: wires the domain and storage together for people and scripts.
//!
//! This is the only crate that reads the environment, the clock and the terminal. Every error
//! reaches the user as one line on stderr with a non-zero exit; nothing prints a backtrace.

mod cli;
mod commands;
mod files;
mod render;
mod settings;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use crate::cli::Cli;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        // The reader went away (`mieruka catalog list | head`): stop quietly, as other commands
        // do, with the status a shell gives a command ended by SIGPIPE.
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error{at}: {msg} (this is a defect in mieruka; please report it)"
        );
    }));

    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Err(e) = check_args(&args) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            print!("{e}");
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("{}", one_line(&e.render().to_string()));
            return ExitCode::from(2);
        }
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

/// Refuses an argument holding a control character other than tab and line breaks (text that
/// becomes stored names, evidence or notes is checked with the same rule as the server's),
/// naming the option it was given to.
fn check_args(args: &[std::ffi::OsString]) -> Result<(), String> {
    let mut previous: Option<&str> = None;
    for (i, arg) in args.iter().enumerate().skip(1) {
        // Not UTF-8: clap refuses it with its own message.
        let Some(arg) = arg.to_str() else {
            previous = None;
            continue;
        };
        let (name, value) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), value),
            _ => match previous.filter(|p| p.starts_with('-') && !p.contains('=')) {
                Some(flag) => (flag.to_string(), arg),
                None => (format!("argument {i}"), arg),
            },
        };
        mieruka_domain::text::check_text(value).map_err(|e| format!("{name}: {e}"))?;
        previous = Some(arg);
    }
    Ok(())
}

/// Folds a multi-line message (clap's usage errors, causes) into one line.
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("For more information") && !l.starts_with("Usage:")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::check_args;

    fn args(list: &[&str]) -> Vec<std::ffi::OsString> {
        list.iter().map(|s| (*s).into()).collect()
    }

    #[test]
    fn arguments_with_control_characters_are_refused_by_option() {
        assert!(
            check_args(&args(&[
                "mieruka",
                "org",
                "add",
                "demo",
                "--name",
                "デモ株式会社"
            ]))
            .is_ok()
        );
        assert!(
            check_args(&args(&[
                "mieruka",
                "x",
                "--evidence",
                "line 1\nline 2\tend"
            ]))
            .is_ok()
        );
        let e = check_args(&args(&["mieruka", "org", "add", "--name", "a\u{1b}[2Jb"])).unwrap_err();
        assert!(e.starts_with("--name:") && e.contains("U+001B"), "{e}");
        let e = check_args(&args(&["mieruka", "x", "--evidence=\u{7}"])).unwrap_err();
        assert!(e.starts_with("--evidence:"), "{e}");
        let e = check_args(&args(&["mieruka", "org", "add", "\u{8}"])).unwrap_err();
        assert!(e.starts_with("argument 3:"), "{e}");
    }
}
