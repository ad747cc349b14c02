//! `delbar`: the command-line tool of Delbar, for stewards and scripts.
//!
//! It works on one store file, `delbar.db` in the data directory (`--data DIR`, else
//! `$DELBAR_DATA`, else the per-user data directory), and on one group of it (`--group`, or
//! the only one). Tables by default, one JSON document with `--json`. Errors print
//! `error: <message>` and exit with code 1; usage errors exit with code 2.
//!
//! Modules: [`args`] (the command line), [`context`] (data directory, store, group),
//! [`resolve`] (ids by prefix or name), [`datetime`] (typed instants), [`output`] and
//! [`json`] (printing), [`commands`] (one module per kind of command), [`net`] (addresses
//! and starting the sync service), [`files`] (bundles, heads and address files), [`stop`]
//! (waiting for signals), [`hub`] (the always-on device), [`demo`], [`escape`] (text from
//! other devices made safe to print).

mod args;
mod commands;
mod context;
mod datetime;
mod demo;
mod error;
mod escape;
mod files;
mod hub;
mod json;
mod net;
mod output;
mod place;
mod resolve;
mod stop;

use clap::Parser;
use std::process::ExitCode;

use args::{BundleCommand, Cli, Command};
use context::Ctx;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        // The demo never touches the user's data directory.
        Command::Demo => demo::run(cli.json),
        // These open no store of the data directory.
        Command::Hub(args) => hub::run(cli.data.as_deref(), cli.now.as_deref(), cli.json, &args),
        Command::Bundle(BundleCommand::Info { file }) => commands::bundle::info(&file, cli.json),
        // Repairs the store file before anything opens it.
        Command::Repair(args) => commands::repair::run(cli.data.as_deref(), cli.now.as_deref(), cli.json, &args),
        command => Ctx::open(cli.data.as_deref(), cli.group, cli.json, cli.now.as_deref())
            .and_then(|ctx| commands::run(ctx, command)),
    };
    match result {
        Ok(outcome) => {
            output::print(&outcome.output);
            match outcome.problem {
                Some(problem) => {
                    output::print_error(&problem);
                    ExitCode::from(1)
                }
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            output::print_error(&e.to_string());
            ExitCode::from(1)
        }
    }
}
