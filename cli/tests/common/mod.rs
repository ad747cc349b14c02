//! What both CLI test binaries share: running `delbar` with a fixed clock and asserting how
//! it ended.

use serde_json::Value;
use std::process::{Command, Output};

/// Monday 23 November 2026, 09:00 UTC: the clock every run starts from.
pub const MONDAY: &str = "2026-11-23T09:00:00Z";

/// The `delbar` binary with the fixed clock, time zone `tz` and no inherited data dir or logs.
pub fn command(tz: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_delbar"));
    cmd.env("TZ", tz)
        .env("DELBAR_NOW", MONDAY)
        .env_remove("DELBAR_DATA")
        .env_remove("XDG_DATA_HOME")
        .env_remove("RUST_LOG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    cmd
}

/// What a run printed and how it exited.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// A finished process as a [`Run`].
pub fn finish(output: Output) -> Run {
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Something that runs `delbar` on its own data directory; the assertions come with it.
pub trait Runs {
    /// Runs `delbar` with `args`.
    fn run(&self, args: &[&str]) -> Run;

    /// Runs and asserts success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, Some(0), "delbar {args:?} failed: {}{}", r.stdout, r.stderr);
        r.stdout
    }

    /// Runs with `--json` and asserts success; returns the parsed document.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("delbar {args:?} printed no JSON ({e}): {out}"))
    }

    /// Runs and asserts an `error:` exit with code 1 and nothing on stdout; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, Some(1), "delbar {args:?} should fail: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.starts_with("error: "), "no error line: {}", r.stderr);
        assert_eq!(r.stdout, "", "a failed command printed to stdout");
        r.stderr
    }
}
