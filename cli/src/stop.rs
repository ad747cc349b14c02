//! Waiting for work or for a stop signal: the hub and `invite create` run until Ctrl-C
//! (SIGINT) or SIGTERM (systemd's stop), checking on their work at a steady pace.

use std::ops::ControlFlow;
use std::time::Duration;

use crate::error::{CliError, CliResult};

/// Why a wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped<T> {
    /// The step said it is done.
    Done(T),
    /// A signal asked the process to stop (`SIGINT` or `SIGTERM`).
    Signal(&'static str),
}

/// Calls `step` every `every` until it breaks or a stop signal arrives. `step` runs on this
/// thread and must not block for long.
pub fn every_until_stopped<T>(every: Duration, mut step: impl FnMut() -> ControlFlow<T>) -> CliResult<Stopped<T>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Io(format!("cannot start the signal handler: {e}")))?;
    runtime.block_on(async move {
        let mut terminate = terminate_signal()?;
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                r = tokio::signal::ctrl_c() => {
                    r.map_err(|e| CliError::Io(format!("cannot listen for Ctrl-C: {e}")))?;
                    return Ok(Stopped::Signal("SIGINT"));
                }
                () = terminate.recv() => return Ok(Stopped::Signal("SIGTERM")),
                _ = tick.tick() => {
                    if let ControlFlow::Break(t) = step() {
                        return Ok(Stopped::Done(t));
                    }
                }
            }
        }
    })
}

/// SIGTERM on Unix; elsewhere a signal that never comes.
struct Terminate {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Terminate {
    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            if self.signal.recv().await.is_some() {
                return;
            }
        }
        std::future::pending::<()>().await;
    }
}

fn terminate_signal() -> CliResult<Terminate> {
    #[cfg(unix)]
    {
        let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| CliError::Io(format!("cannot listen for SIGTERM: {e}")))?;
        Ok(Terminate { signal })
    }
    #[cfg(not(unix))]
    {
        Ok(Terminate {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_that_breaks_ends_the_wait() {
        let mut calls = 0;
        let stopped = every_until_stopped(Duration::from_millis(1), || {
            calls += 1;
            if calls == 3 { ControlFlow::Break(calls) } else { ControlFlow::Continue(()) }
        })
        .unwrap();
        assert_eq!(stopped, Stopped::Done(3));
    }
}
