//! Notifications: events addressed to members, kept in the store until acknowledged so a
//! phone that was closed still gets them.
//!
//! Every device derives them from what its projection sees change (a booking confirmed, a
//! conflict lost after a merge, a waitlist offer, an item gone out of service, a request to
//! approve) and from time ([`Store::tick`]: due tomorrow, overdue). Each is stored once per
//! member (a dedupe key), so seeing the same change twice notifies once.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

use crate::domain::{BookingState, BumpReason, Condition, Schedule};
use crate::error::Result;
use crate::ids::{BookingId, GroupId, ItemId, MemberId};
use crate::store::resolve::StateChange;
use crate::store::{Store, StoreError, queries};
use crate::time::{DAY_MS, Timestamp};

/// What a notification is about.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Your booking was confirmed (or is back after a conflict was undone).
    BookingConfirmed,
    /// Your booking was declined.
    BookingDeclined,
    /// Your booking lost a conflict after a merge.
    Bumped,
    /// Units you waited for are free: claim them before the offer passes on.
    WaitlistOffer,
    /// Gear you have is due back tomorrow.
    DueTomorrow,
    /// Gear you have is overdue.
    Overdue,
    /// An item you booked went out of service or was retired.
    ItemOutOfService,
    /// (Stewards) a member asks for a booking that needs approval.
    ApprovalNeeded,
    /// (Stewards) a member's loan is overdue.
    LoanOverdue,
    /// (Stewards) an item's maintenance plan fell due.
    MaintenanceDue,
    /// An item needs repair: stewards, and the holders of its upcoming bookings, are told.
    NeedsRepair,
}

impl NotificationKind {
    /// Every kind.
    pub const ALL: [NotificationKind; 11] = [
        NotificationKind::BookingConfirmed,
        NotificationKind::BookingDeclined,
        NotificationKind::Bumped,
        NotificationKind::WaitlistOffer,
        NotificationKind::DueTomorrow,
        NotificationKind::Overdue,
        NotificationKind::ItemOutOfService,
        NotificationKind::ApprovalNeeded,
        NotificationKind::LoanOverdue,
        NotificationKind::MaintenanceDue,
        NotificationKind::NeedsRepair,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::BookingConfirmed => "booking_confirmed",
            NotificationKind::BookingDeclined => "booking_declined",
            NotificationKind::Bumped => "bumped",
            NotificationKind::WaitlistOffer => "waitlist_offer",
            NotificationKind::DueTomorrow => "due_tomorrow",
            NotificationKind::Overdue => "overdue",
            NotificationKind::ItemOutOfService => "item_out_of_service",
            NotificationKind::ApprovalNeeded => "approval_needed",
            NotificationKind::LoanOverdue => "loan_overdue",
            NotificationKind::MaintenanceDue => "maintenance_due",
            NotificationKind::NeedsRepair => "needs_repair",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The details a notification carries (all optional, by kind).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NotificationDetail {
    /// The item's name.
    #[serde(default)]
    pub item_name: String,
    /// The booking's window.
    #[serde(default)]
    pub start: Option<Timestamp>,
    /// The booking's window end.
    #[serde(default)]
    pub end: Option<Timestamp>,
    /// Why a booking was bumped.
    #[serde(default)]
    pub reason: Option<BumpReason>,
    /// The booking that kept the units.
    #[serde(default)]
    pub winner: Option<BookingId>,
    /// Who holds the winning booking.
    #[serde(default)]
    pub winner_member: Option<String>,
    /// The next free window of the same length, suggested after a bump.
    #[serde(default)]
    pub suggested_start: Option<Timestamp>,
    /// End of the suggested window.
    #[serde(default)]
    pub suggested_end: Option<Timestamp>,
    /// Until when a waitlist offer stands.
    #[serde(default)]
    pub offer_until: Option<Timestamp>,
    /// The member concerned (the borrower, for stewards' notifications).
    #[serde(default)]
    pub member_name: Option<String>,
    /// When a maintenance plan fell due.
    #[serde(default)]
    pub due: Option<Timestamp>,
    /// The maintenance plan's schedule.
    #[serde(default)]
    pub schedule: Option<Schedule>,
    /// What is to be done, or what was reported.
    #[serde(default)]
    pub note: Option<String>,
}

/// One notification for one member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// Its id in this store.
    pub id: i64,
    /// The group.
    pub group: GroupId,
    /// The member it is for.
    pub member: MemberId,
    /// What it is about.
    pub kind: NotificationKind,
    /// The booking concerned.
    pub booking: Option<BookingId>,
    /// The item concerned.
    pub item: Option<ItemId>,
    /// Details.
    pub detail: NotificationDetail,
    /// When this device noticed.
    pub created: Timestamp,
    /// Whether the app acknowledged it.
    pub acknowledged: bool,
}

impl Notification {
    /// A one-line English text (apps may write their own from the typed fields).
    pub fn message(&self) -> String {
        let d = &self.detail;
        let window = match (d.start, d.end) {
            (Some(s), Some(e)) => format!(" ({s} to {e})"),
            _ => String::new(),
        };
        match self.kind {
            NotificationKind::BookingConfirmed => format!("Your booking of {}{window} is confirmed.", d.item_name),
            NotificationKind::BookingDeclined => format!("Your booking of {}{window} was declined.", d.item_name),
            NotificationKind::Bumped => {
                let why = d.reason.map(|r| r.to_string()).unwrap_or_default();
                let who = d.winner_member.as_deref().map(|m| format!(" ({m})")).unwrap_or_default();
                let next = match (d.suggested_start, d.suggested_end) {
                    (Some(s), Some(e)) => format!(" Next free: {s} to {e}."),
                    _ => String::from(" Join the waitlist to get it when it frees up."),
                };
                format!("Your booking of {}{window} was bumped: {why}{who}.{next}", d.item_name)
            }
            NotificationKind::WaitlistOffer => {
                let until = d.offer_until.map(|t| format!(" Claim it by {t}.")).unwrap_or_default();
                format!("{} is free for your window{window}.{until}", d.item_name)
            }
            NotificationKind::DueTomorrow => format!("{} is due back tomorrow{window}.", d.item_name),
            NotificationKind::Overdue => format!("{} is overdue{window}. Please bring it back.", d.item_name),
            NotificationKind::ItemOutOfService => {
                format!("{} went out of service; your booking{window} cannot go ahead.", d.item_name)
            }
            NotificationKind::ApprovalNeeded => format!(
                "{} asks to borrow {}{window}: please confirm or decline.",
                d.member_name.as_deref().unwrap_or("A member"),
                d.item_name
            ),
            NotificationKind::LoanOverdue => format!(
                "{} has not brought back {}{window}.",
                d.member_name.as_deref().unwrap_or("A member"),
                d.item_name
            ),
            NotificationKind::MaintenanceDue => {
                let due = d.due.map(|t| format!(" since {t}")).unwrap_or_default();
                format!("{} is due for maintenance{due}.", d.item_name)
            }
            NotificationKind::NeedsRepair => format!("{} needs repair{window}.", d.item_name),
        }
    }
}

/// Receives notifications as the store creates them (apps implement this; the bindings
/// expose it as a callback interface).
pub trait NotificationListener: Send + Sync {
    /// Called after the change that created the notification is durable.
    fn on_notification(&self, notification: &Notification);
}

/// Stores one notification unless the member already has it; returns its id when new.
#[allow(clippy::too_many_arguments)]
pub(crate) fn emit(
    conn: &Connection,
    group: &GroupId,
    member: &str,
    kind: NotificationKind,
    dedupe: &str,
    booking: Option<&str>,
    item: Option<&str>,
    detail: &NotificationDetail,
    now: Timestamp,
) -> Result<Option<i64>, StoreError> {
    let payload = serde_json::to_string(detail).map_err(|e| StoreError::Encode { message: e.to_string() })?;
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO notifications (group_id, member_id, kind, dedupe, booking_id, item_id, payload, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![group.as_str(), member, kind.as_str(), dedupe, booking, item, payload, now.0])?;
    Ok(if inserted == 1 { Some(conn.last_insert_rowid()) } else { None })
}

struct BookingFacts {
    member: String,
    item: String,
    item_name: String,
    start: i64,
    end: i64,
    bump_reason: Option<String>,
    bump_winner: Option<String>,
    requires_approval: bool,
    member_name: String,
    units: u32,
}

fn facts(conn: &Connection, g: &str, booking: &str) -> Result<Option<BookingFacts>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT b.member_id, b.item_id, COALESCE(i.name, ''), b.start_ms, b.end_ms, b.bump_reason, b.bump_winner,
                    COALESCE(json_extract(i.data, '$.rules.requires_approval'), 0), COALESCE(m.name, ''), b.units
             FROM bookings b LEFT JOIN items i ON i.group_id = b.group_id AND i.id = b.item_id
             LEFT JOIN members m ON m.group_id = b.group_id AND m.id = b.member_id
             WHERE b.group_id = ?1 AND b.id = ?2",
        )?
        .query_row([g, booking], |r| {
            Ok(BookingFacts {
                member: r.get(0)?,
                item: r.get(1)?,
                item_name: r.get(2)?,
                start: r.get(3)?,
                end: r.get(4)?,
                bump_reason: r.get(5)?,
                bump_winner: r.get(6)?,
                requires_approval: r.get(7)?,
                member_name: r.get(8)?,
                units: r.get(9)?,
            })
        })
        .optional()?)
}

fn stewards(conn: &Connection, g: &str) -> Result<Vec<String>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM members WHERE group_id = ?1 AND role = 'steward' AND removed IS NULL ORDER BY id",
        )?
        .query_map([g], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Creates the notifications a set of state changes calls for. Returns the new ids.
pub(crate) fn notify_changes(
    conn: &Connection,
    group: &GroupId,
    changes: &[StateChange],
    unbookable: &[ItemId],
    now: Timestamp,
) -> Result<Vec<i64>, StoreError> {
    let g = group.as_str();
    let mut out = Vec::new();
    for c in changes {
        let Some(f) = facts(conn, g, c.booking.as_str())? else { continue };
        let b = c.booking.as_str();
        let mut detail = NotificationDetail {
            item_name: f.item_name.clone(),
            start: Some(Timestamp(f.start)),
            end: Some(Timestamp(f.end)),
            ..NotificationDetail::default()
        };
        let (kind, dedupe, to): (NotificationKind, String, Vec<String>) = match (c.old, c.new) {
            (Some(BookingState::Requested), BookingState::Confirmed) => {
                (NotificationKind::BookingConfirmed, format!("confirmed:{b}"), vec![f.member.clone()])
            }
            (Some(BookingState::Bumped), BookingState::Confirmed | BookingState::CheckedOut) => {
                (NotificationKind::BookingConfirmed, format!("unbumped:{b}:{}", now.0), vec![f.member.clone()])
            }
            (_, BookingState::Declined) => {
                (NotificationKind::BookingDeclined, format!("declined:{b}"), vec![f.member.clone()])
            }
            (_, BookingState::Bumped) => {
                let reason = f.bump_reason.as_deref().and_then(BumpReason::parse);
                detail.reason = reason;
                detail.winner = f.bump_winner.as_deref().and_then(|w| BookingId::parse(w).ok());
                if let Some(w) = &f.bump_winner
                    && let Some(wf) = facts(conn, g, w)?
                {
                    detail.winner_member = Some(wf.member_name);
                }
                if let Ok(item) = ItemId::parse(&f.item)
                    && let Some((s, e)) = queries::next_free_window(
                        conn,
                        group,
                        &item,
                        Timestamp(f.start),
                        f.end - f.start,
                        f.units,
                        now,
                    )?
                {
                    detail.suggested_start = Some(s);
                    detail.suggested_end = Some(e);
                }
                let kind = match reason {
                    Some(BumpReason::ItemRetired | BumpReason::ItemOutOfService | BumpReason::MaintenanceDue) => {
                        NotificationKind::ItemOutOfService
                    }
                    _ => NotificationKind::Bumped,
                };
                let winner = f.bump_winner.clone().unwrap_or_default();
                (kind, format!("bumped:{b}:{winner}"), vec![f.member.clone()])
            }
            (None | Some(BookingState::Waitlisted), BookingState::Requested) if f.requires_approval => {
                detail.member_name = Some(f.member_name.clone());
                (NotificationKind::ApprovalNeeded, format!("approve:{b}"), stewards(conn, g)?)
            }
            _ => continue,
        };
        for member in to {
            if let Some(id) = emit(conn, group, &member, kind, &dedupe, Some(b), Some(&f.item), &detail, now)? {
                out.push(id);
            }
        }
    }
    for item in unbookable {
        // Bookings already bumped for this reason got their notice above; checked-out loans
        // stand but their borrowers should know.
        let rows: Vec<(String, String, i64, i64, String)> = conn
            .prepare_cached(
                "SELECT b.id, b.member_id, b.start_ms, b.end_ms, COALESCE(i.name, '') FROM bookings b
                 LEFT JOIN items i ON i.group_id = b.group_id AND i.id = b.item_id
                 WHERE b.group_id = ?1 AND b.item_id = ?2 AND b.state = 'checked_out'",
            )?
            .query_map([g, item.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<Result<_, _>>()?;
        for (b, member, s, e, name) in rows {
            let detail = NotificationDetail {
                item_name: name,
                start: Some(Timestamp(s)),
                end: Some(Timestamp(e)),
                ..NotificationDetail::default()
            };
            if let Some(id) = emit(
                conn,
                group,
                &member,
                NotificationKind::ItemOutOfService,
                &format!("out_of_service:{b}"),
                Some(&b),
                Some(item.as_str()),
                &detail,
                now,
            )? {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// Tells the stewards, and the holders of its upcoming bookings, that an item needs repair
/// (when it does now). Once per report (or steward's setting) and maintenance cycle: the
/// dedupe key names what made it so and the newest maintenance.
pub(crate) fn notify_needs_repair(
    conn: &Connection,
    group: &GroupId,
    item: &ItemId,
    now: Timestamp,
) -> Result<Vec<i64>, StoreError> {
    let g = group.as_str();
    let Some(it) = queries::item(conn, group, item)? else { return Ok(Vec::new()) };
    if it.current_condition() != Condition::NeedsRepair {
        return Ok(Vec::new());
    }
    let cause = it.reported.as_ref().map_or_else(|| "set".to_owned(), |r| r.booking.to_string());
    let cycle = it.last_maintenance().map_or(0, |t| t.0);
    let dedupe = format!("needs_repair:{}:{cause}:{cycle}", item.as_str());
    let note = it.reported.as_ref().map(|r| r.note.clone()).filter(|n| !n.is_empty());
    let mut ids = Vec::new();
    let detail = NotificationDetail { item_name: it.name.clone(), note: note.clone(), ..NotificationDetail::default() };
    for steward in stewards(conn, g)? {
        ids.extend(emit(
            conn,
            group,
            &steward,
            NotificationKind::NeedsRepair,
            &dedupe,
            None,
            Some(item.as_str()),
            &detail,
            now,
        )?);
    }
    // The holders of upcoming bookings that hold the item (a kit's bookings hold its parts).
    let holders: Vec<(String, String, i64, i64)> = conn
        .prepare_cached(
            "SELECT h.booking_id, b.member_id, h.start_ms, h.end_ms FROM holds h INDEXED BY holds_by_item
             JOIN bookings b ON b.group_id = h.group_id AND b.id = h.booking_id
             WHERE h.group_id = ?1 AND h.item_id = ?2 AND h.state IN ('requested', 'confirmed') AND h.end_ms > ?3",
        )?
        .query_map(params![g, item.as_str(), now.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (booking, member, s, e) in holders {
        let detail = NotificationDetail {
            item_name: it.name.clone(),
            start: Some(Timestamp(s)),
            end: Some(Timestamp(e)),
            note: note.clone(),
            ..NotificationDetail::default()
        };
        let dedupe = format!("{dedupe}:{booking}");
        ids.extend(emit(
            conn,
            group,
            &member,
            NotificationKind::NeedsRepair,
            &dedupe,
            Some(&booking),
            Some(item.as_str()),
            &detail,
            now,
        )?);
    }
    Ok(ids)
}

/// A notification as stored: id, group, member, kind, booking, item, payload, created, acked.
type NotificationRow = (i64, String, String, String, Option<String>, Option<String>, String, i64, bool);

fn notification_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<NotificationRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
}

fn to_notification(row: NotificationRow) -> Option<Notification> {
    let (id, group, member, kind, booking, item, payload, created, acked) = row;
    Some(Notification {
        id,
        group: GroupId::parse(&group).ok()?,
        member: MemberId::parse(&member).ok()?,
        kind: NotificationKind::parse(&kind)?,
        booking: booking.and_then(|b| BookingId::parse(&b).ok()),
        item: item.and_then(|i| ItemId::parse(&i).ok()),
        detail: serde_json::from_str(&payload).unwrap_or_default(),
        created: Timestamp(created),
        acknowledged: acked,
    })
}

const COLUMNS: &str = "id, group_id, member_id, kind, booking_id, item_id, payload, created, acknowledged IS NOT NULL";

/// Reads notifications by id.
pub(crate) fn by_ids(conn: &Connection, ids: &[i64]) -> Result<Vec<Notification>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1"))?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(row) = stmt.query_row([id], notification_row).optional()?
            && let Some(n) = to_notification(row)
        {
            out.push(n);
        }
    }
    Ok(out)
}

impl Store {
    /// Sets (or clears) the listener that receives notifications as they are created.
    pub fn set_listener(&mut self, listener: Option<Arc<dyn NotificationListener>>) {
        self.listener = listener;
    }

    /// Hands new notifications to the listener.
    pub(crate) fn deliver(&self, ids: &[i64]) {
        if ids.is_empty() {
            return;
        }
        if let Some(listener) = &self.listener
            && let Ok(list) = by_ids(self.conn(), ids)
        {
            for n in &list {
                listener.on_notification(n);
            }
        }
    }

    /// Notifications for this device's member in a group (for stewards, also the approval
    /// requests), oldest first; acknowledged ones only when asked.
    pub fn notifications(&self, group: &GroupId, include_acknowledged: bool) -> Result<Vec<Notification>> {
        let me = self.me(group)?;
        self.notifications_for(group, &me.id, include_acknowledged)
    }

    /// Notifications for any member (a steward's laptop or a hub showing everyone's).
    pub fn notifications_for(
        &self,
        group: &GroupId,
        member: &MemberId,
        include_acknowledged: bool,
    ) -> Result<Vec<Notification>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notifications WHERE group_id = ?1 AND member_id = ?2
             AND (?3 OR acknowledged IS NULL) ORDER BY id"
        ))?;
        let rows = stmt.query_map(params![group.as_str(), member.as_str(), include_acknowledged], notification_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.extend(to_notification(row?));
        }
        Ok(out)
    }

    /// Marks notifications acknowledged; they are no longer pending. Unknown ids are ignored.
    pub fn acknowledge(&mut self, ids: &[i64]) -> Result<u32> {
        let now = self.now();
        let tx = self.conn.transaction()?;
        let mut n = 0;
        {
            let mut stmt =
                tx.prepare_cached("UPDATE notifications SET acknowledged = ?2 WHERE id = ?1 AND acknowledged IS NULL")?;
            for id in ids {
                n += stmt.execute(params![id, now.0])? as u32;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Creates the notifications that come with time (due tomorrow, overdue, waitlist offers
    /// moving on). Apps call it when they open and now and then; the hub calls it regularly.
    pub fn tick(&mut self) -> Result<Vec<Notification>> {
        let now = self.now();
        let groups = queries::groups(self.conn())?;
        let mut dues = Vec::new();
        for group in &groups {
            dues.push(self.maintenance_due(&group.id, now)?);
        }
        let tx = self.conn.transaction()?;
        let mut ids = Vec::new();
        for (group, due) in groups.iter().zip(dues) {
            let g = group.id.as_str();
            let stewards = stewards(&tx, g)?;
            for d in due {
                let detail = NotificationDetail {
                    item_name: d.item_name.clone(),
                    due: Some(d.due),
                    schedule: Some(d.schedule),
                    note: Some(d.note.clone()).filter(|n| !n.is_empty()),
                    ..NotificationDetail::default()
                };
                let dedupe = format!("maintenance:{}:{}:{}", d.item, d.plan, d.due.0);
                for steward in &stewards {
                    ids.extend(emit(
                        &tx,
                        &group.id,
                        steward,
                        NotificationKind::MaintenanceDue,
                        &dedupe,
                        None,
                        Some(d.item.as_str()),
                        &detail,
                        now,
                    )?);
                }
            }
            let rows: Vec<(String, String, String, i64, i64, String, String)> = tx
                .prepare_cached(
                    "SELECT b.id, b.member_id, b.item_id, b.start_ms, b.end_ms, COALESCE(i.name, ''),
                            COALESCE(m.name, '')
                     FROM bookings b
                     LEFT JOIN items i ON i.group_id = b.group_id AND i.id = b.item_id
                     LEFT JOIN members m ON m.group_id = b.group_id AND m.id = b.member_id
                     WHERE b.group_id = ?1 AND b.state = 'checked_out' AND b.end_ms < ?2",
                )?
                .query_map(params![g, now.0 + DAY_MS], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
                })?
                .collect::<Result<_, _>>()?;
            for (b, member, item, s, e, name, member_name) in rows {
                let overdue = e < now.0;
                let (kind, dedupe) = if overdue {
                    (NotificationKind::Overdue, format!("overdue:{b}:{e}"))
                } else {
                    (NotificationKind::DueTomorrow, format!("due:{b}:{e}"))
                };
                let mut detail = NotificationDetail {
                    item_name: name,
                    start: Some(Timestamp(s)),
                    end: Some(Timestamp(e)),
                    ..NotificationDetail::default()
                };
                ids.extend(emit(&tx, &group.id, &member, kind, &dedupe, Some(&b), Some(&item), &detail, now)?);
                if overdue {
                    // The stewards are told too: they are the ones who chase the gear.
                    detail.member_name = Some(member_name);
                    let dedupe = format!("loan_overdue:{b}:{e}");
                    for steward in stewards.iter().filter(|s| **s != member) {
                        ids.extend(emit(
                            &tx,
                            &group.id,
                            steward,
                            NotificationKind::LoanOverdue,
                            &dedupe,
                            Some(&b),
                            Some(&item),
                            &detail,
                            now,
                        )?);
                    }
                }
            }
            ids.extend(notify_offers(&tx, &group.id, None, now)?);
        }
        tx.commit()?;
        let list = by_ids(self.conn(), &ids)?;
        self.deliver(&ids);
        Ok(list)
    }
}

/// Creates waitlist-offer notifications for the offers standing now (for one item or all).
pub(crate) fn notify_offers(
    conn: &Connection,
    group: &GroupId,
    item: Option<&ItemId>,
    now: Timestamp,
) -> Result<Vec<i64>, StoreError> {
    let items: Vec<String> = match item {
        Some(i) => vec![i.as_str().to_owned()],
        None => conn
            .prepare_cached(
                // Through the index on (group, state, end): only waitlisted rows are read, not
                // every booking the group ever made. Offers go to waitlisted bookings only.
                "SELECT DISTINCT item_id FROM bookings INDEXED BY bookings_by_state
                 WHERE group_id = ?1 AND state = 'waitlisted'",
            )?
            .query_map([group.as_str()], |r| r.get(0))?
            .collect::<Result<_, _>>()?,
    };
    let mut ids = Vec::new();
    for item in items {
        let Ok(item) = ItemId::parse(&item) else { continue };
        for entry in queries::waitlist(conn, group, &item, now)? {
            if let Some((from, until)) = entry.offer {
                let detail = NotificationDetail {
                    item_name: entry.item_name.clone(),
                    start: Some(entry.booking.start),
                    end: Some(entry.booking.end),
                    offer_until: Some(until),
                    ..NotificationDetail::default()
                };
                let dedupe = format!("offer:{}:{}", entry.booking.id, from.0);
                ids.extend(emit(
                    conn,
                    group,
                    entry.booking.member.as_str(),
                    NotificationKind::WaitlistOffer,
                    &dedupe,
                    Some(entry.booking.id.as_str()),
                    Some(item.as_str()),
                    &detail,
                    now,
                )?);
            }
        }
    }
    Ok(ids)
}
