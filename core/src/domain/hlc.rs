//! A hybrid logical clock: the order in which concurrent booking requests are served.
//!
//! Each request carries `wall.counter.device`. A device's clock never goes backwards and
//! never falls behind any request it has seen (it observes every request that reaches it), so
//! a request is always ordered after every request its device already knew about: a phone
//! whose clock is days behind cannot jump ahead of bookings it had synced. Among truly
//! concurrent requests the wall time, then the counter, then the device id decide, the same
//! way on every device.

use std::fmt;

use crate::ids::DeviceId;
use crate::time::Timestamp;

/// A hybrid logical clock reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc {
    /// Milliseconds (the larger of the device clock and everything seen).
    pub wall: i64,
    /// Breaks ties within one millisecond.
    pub counter: u32,
}

impl Hlc {
    /// The next reading after `self` at device time `now`.
    pub fn tick(self, now: Timestamp) -> Hlc {
        if now.0 > self.wall {
            Hlc { wall: now.0, counter: 0 }
        } else {
            Hlc { wall: self.wall, counter: self.counter + 1 }
        }
    }

    /// `self` after seeing `other`.
    pub fn observe(self, other: Hlc) -> Hlc {
        self.max(other)
    }

    /// The stored, sortable text of this reading stamped by `device`.
    pub fn stamp(self, device: &DeviceId) -> String {
        format!("{:015}.{:06}.{}", self.wall.max(0), self.counter, device.short())
    }

    /// Reads the clock part of a stored stamp.
    pub fn parse(stamp: &str) -> Option<Hlc> {
        let mut parts = stamp.split('.');
        let wall = parts.next()?.parse().ok()?;
        let counter = parts.next()?.parse().ok()?;
        Some(Hlc { wall, counter })
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", Timestamp(self.wall), self.counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_clock_stays_after_what_it_has_seen() {
        let seen = Hlc { wall: 1_000_000, counter: 3 };
        let slow_device_now = Timestamp(400_000);
        let next = Hlc::default().observe(seen).tick(slow_device_now);
        assert!(next > seen);
        let device = DeviceId::from_public_key(&[7; 32]);
        assert!(next.stamp(&device) > seen.stamp(&device));
        assert_eq!(Hlc::parse(&next.stamp(&device)), Some(next));
    }
}
