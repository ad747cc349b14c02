//! `delbar pipe`: one sync session over this process's standard input and output, so any
//! byte pipe (two FIFOs, `ssh`, a serial line, a Bluetooth RFCOMM socket) carries it. Standard
//! output carries the session's frames only; what happened goes to standard error.

use std::io::{Read, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use delbar_core::i18n::{self, Locale};
use delbar_core::sync::{PipeReport, PipeSession};

use crate::args::PipeArgs;
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::files::size;
use crate::json;
use crate::output::{Outcome, Output};

use super::sync::session_text;

/// How often the session looks at the clock while nothing arrives.
const TICK: Duration = Duration::from_millis(250);

/// What the reader thread hands over: bytes read, the end of input, or a read error.
enum Input {
    Bytes(Vec<u8>),
    End,
    Failed(std::io::Error),
}

/// `delbar pipe [--answer]`: runs one session as the initiator (naming the group) or, with
/// `--answer`, as the responder.
pub fn pipe(mut ctx: Ctx, args: &PipeArgs) -> CliResult<Outcome> {
    let timeout = Duration::from_secs(args.timeout);
    let now = Instant::now();
    let (mut session, first) = if args.answer {
        let group = if ctx.has_group_arg() { Some(ctx.group_id_to_receive()?) } else { None };
        (PipeSession::responder(group.as_ref(), now, timeout)?, Vec::new())
    } else {
        PipeSession::initiator(&ctx.group_id_to_receive()?, now, timeout)?
    };
    let input = spawn_reader();
    let mut stdout = std::io::stdout().lock();
    send(&mut stdout, &first)?;
    let result: CliResult<()> = loop {
        if session.is_done() {
            break Ok(());
        }
        let failed = match input.recv_timeout(TICK) {
            Ok(Input::Bytes(bytes)) => match session.receive(&mut ctx.store, &bytes, Instant::now()) {
                Ok(frames) => {
                    send(&mut stdout, &frames)?;
                    continue;
                }
                Err(e) => {
                    // Let the peer learn it was refused, then stop.
                    let _ = send(&mut stdout, &session.take_closing_frames());
                    CliError::from(e)
                }
            },
            Ok(Input::End) | Err(RecvTimeoutError::Disconnected) => match session.closed() {
                Ok(()) => continue,
                Err(e) => CliError::from(delbar_core::Error::from(e)),
            },
            Ok(Input::Failed(e)) => CliError::input(format!("could not read standard input: {e}")),
            Err(RecvTimeoutError::Timeout) => match session.check(Instant::now()) {
                Ok(()) => continue,
                Err(e) => CliError::from(delbar_core::Error::from(e)),
            },
        };
        break Err(failed);
    };
    result.map_err(readable)?;
    let report = session.report().cloned().ok_or_else(|| CliError::input("the session ended without a report"))?;
    let name = ctx.store.group(&report.group).map(|g| g.name).unwrap_or_else(|_| report.group.to_string());
    Ok(Outcome { output: Output::Stderr(describe(&report, &name, ctx.json)?), problem: None })
}

/// A failed session reads as the sentence a person is shown (the pipe's own failures: the
/// handshake, a damaged frame, a silent peer, a closed pipe; or a refusal), then the
/// technical detail in parentheses.
fn readable(e: CliError) -> CliError {
    match &e {
        CliError::Core(core @ delbar_core::Error::Sync(_)) => {
            CliError::input(format!("{} ({e})", i18n::error_message(core, Locale::En)))
        }
        _ => e,
    }
}

/// Reads standard input on a thread of its own, so the session can time out while a read
/// blocks.
fn spawn_reader() -> mpsc::Receiver<Input> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; 8192];
        loop {
            let message = match stdin.read(&mut buf) {
                Ok(0) => Input::End,
                Ok(n) => Input::Bytes(buf.get(..n).unwrap_or_default().to_vec()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => Input::Failed(e),
            };
            let last = !matches!(message, Input::Bytes(_));
            if tx.send(message).is_err() || last {
                return;
            }
        }
    });
    rx
}

/// Writes frames to the pipe and flushes them.
fn send(out: &mut impl Write, frames: &[Vec<u8>]) -> CliResult<()> {
    for frame in frames {
        out.write_all(frame).map_err(|e| CliError::input(format!("could not write to standard output: {e}")))?;
    }
    out.flush().map_err(|e| CliError::input(format!("could not write to standard output: {e}")))
}

fn describe(report: &PipeReport, name: &str, as_json: bool) -> CliResult<String> {
    if as_json {
        let value = json::object(vec![
            ("group", report.group.as_str().into()),
            ("group_name", name.into()),
            ("peer", report.peer.as_str().into()),
            ("documents_differing", report.session.documents_differing.into()),
            ("change_bytes_sent", report.session.change_bytes_sent.into()),
            ("change_bytes_received", report.session.change_bytes_received.into()),
            ("bytes_sent", report.bytes_sent.into()),
            ("bytes_received", report.bytes_received.into()),
            ("frames_sent", report.frames_sent.into()),
            ("frames_received", report.frames_received.into()),
            ("merged", json::value(&report.session.merged)?),
        ]);
        return serde_json::to_string_pretty(&value)
            .map(|s| s + "\n")
            .map_err(|e| CliError::input(format!("could not write JSON: {e}")));
    }
    Ok(format!(
        "Synced {name} with device {} over the pipe: {}. {} sent, {} received.\n",
        report.peer.short(),
        session_text(&report.session),
        size(report.bytes_sent),
        size(report.bytes_received)
    ))
}
