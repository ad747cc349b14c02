//! Turning the service's counters into log lines: one line per session served, refused or
//! failed, and the totals at a steady pace.

use std::time::{Duration, Instant};

use delbar_core::net::ServiceStatus;

/// What the hub has logged so far.
#[derive(Debug)]
pub struct Watch {
    seen: Totals,
    last_status: Instant,
    status_every: Duration,
}

/// Session counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Sessions served to member devices.
    pub served: u64,
    /// Sessions refused.
    pub refused: u64,
    /// Sessions that failed midway.
    pub failed: u64,
}

impl Totals {
    /// The counters of a status.
    pub fn of(status: &ServiceStatus) -> Self {
        Totals { served: status.sessions_served, refused: status.sessions_refused, failed: status.sessions_failed }
    }
}

impl Watch {
    /// A watch that logs the totals every `status_every`.
    pub fn new(status_every: Duration) -> Self {
        Watch { seen: Totals::default(), last_status: Instant::now(), status_every }
    }

    /// Logs what happened since the last call; returns the totals.
    pub fn step(&mut self, status: &ServiceStatus) -> Totals {
        let now = Totals::of(status);
        for n in self.seen.served + 1..=now.served {
            tracing::info!(total = n, "served a sync session to a member's device");
        }
        for n in self.seen.refused + 1..=now.refused {
            tracing::info!(
                total = n,
                "refused a session: not a current member's device, or a group this hub does not hold"
            );
        }
        for n in self.seen.failed + 1..=now.failed {
            tracing::warn!(total = n, "a sync session failed midway (RUST_LOG=debug tells why)");
        }
        self.seen = now;
        if self.last_status.elapsed() >= self.status_every {
            self.last_status = Instant::now();
            tracing::info!(served = now.served, refused = now.refused, failed = now.failed, "status");
        }
        now
    }
}
