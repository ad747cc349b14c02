//! `delbar notifications [ack]` and `delbar tick`: what members are told, and telling them
//! what time brings.

use delbar_core::Store;
use delbar_core::ids::GroupId;
use delbar_core::store::{Notification, NotificationKind};
use delbar_core::time::Timestamp;
use std::collections::BTreeMap;

use crate::args::{NotificationsArgs, NotificationsCommand};
use crate::context::Ctx;
use crate::datetime::local;
use crate::error::CliResult;
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve::{self, Names};

/// A notification in one line of English, with instants written by `at` (local time in
/// the commands, Swedish time in the demo). Follows the core's
/// [`Notification::message`], which writes UTC.
pub fn message(n: &Notification, at: &dyn Fn(Timestamp) -> String) -> String {
    let d = &n.detail;
    let window = match (d.start, d.end) {
        (Some(s), Some(e)) => format!(" ({} to {})", at(s), at(e)),
        _ => String::new(),
    };
    let item = &d.item_name;
    match n.kind {
        NotificationKind::BookingConfirmed => format!("Your booking of {item}{window} is confirmed."),
        NotificationKind::BookingDeclined => format!("Your booking of {item}{window} was declined."),
        NotificationKind::Bumped => {
            let why = d.reason.map(|r| r.to_string()).unwrap_or_else(|| "it lost a conflict".into());
            let who = d.winner_member.as_deref().map(|m| format!(" ({m})")).unwrap_or_default();
            let next = match (d.suggested_start, d.suggested_end) {
                (Some(s), Some(e)) => format!(" Next free: {} to {}.", at(s), at(e)),
                _ => " Join the waitlist to get it when it frees up.".to_owned(),
            };
            format!("Your booking of {item}{window} was bumped: {why}{who}.{next}")
        }
        NotificationKind::WaitlistOffer => {
            let until = d.offer_until.map(|t| format!(" Claim it by {}.", at(t))).unwrap_or_default();
            format!("{item} is free for your window{window}.{until}")
        }
        NotificationKind::DueTomorrow => format!("{item} is due back within a day{window}."),
        NotificationKind::Overdue => format!("{item} is overdue{window}. Please bring it back."),
        NotificationKind::ItemOutOfService => {
            format!("{item} went out of service; your booking{window} cannot go ahead.")
        }
        NotificationKind::ApprovalNeeded => format!(
            "{} asks to borrow {item}{window}: please confirm or decline.",
            d.member_name.as_deref().unwrap_or("A member")
        ),
        NotificationKind::LoanOverdue => {
            format!("{} has not brought back {item}{window}.", d.member_name.as_deref().unwrap_or("A member"))
        }
        NotificationKind::MaintenanceDue => {
            let since = d.due.map(|t| format!(" since {}", at(t))).unwrap_or_default();
            let todo = d.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            format!("{item} is due for maintenance{since}{todo}. Log it with `delbar item maintain` when done.")
        }
        NotificationKind::NeedsRepair => {
            let what = d.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            format!("{item} needs repair{what}; it cannot be booked until maintenance is logged{window}.")
        }
    }
}

/// A notification kind as shown in tables (`waitlist offer`).
pub fn kind_text(kind: NotificationKind) -> String {
    kind.as_str().replace('_', " ")
}

/// Names of every group notifications may come from, read once each.
#[derive(Default)]
struct GroupNames(BTreeMap<GroupId, Names>);

impl GroupNames {
    fn member(&mut self, store: &Store, n: &Notification) -> CliResult<String> {
        if !self.0.contains_key(&n.group) {
            self.0.insert(n.group.clone(), Names::of(store, &n.group)?);
        }
        Ok(self.0.get(&n.group).map(|names| names.member(&n.member)).unwrap_or_else(|| n.member.to_string()))
    }
}

/// Notifications as a table (or JSON).
fn listed(ctx: &Ctx, list: &[Notification], message: Option<String>, empty: &str) -> CliResult<Outcome> {
    let mut names = GroupNames::default();
    if ctx.json {
        let values = list
            .iter()
            .map(|n| json::notification(n, &names.member(&ctx.store, n)?, &self::message(n, &crate::datetime::utc_iso)))
            .collect::<CliResult<Vec<_>>>()?;
        return Ok(Outcome::json(serde_json::Value::Array(values)));
    }
    let mut table = Table::new(&["ID", "WHEN", "FOR", "KIND", "BOOKING", "MESSAGE"]);
    for n in list {
        let kind = if n.acknowledged { format!("{} (read)", kind_text(n.kind)) } else { kind_text(n.kind) };
        table.row(vec![
            n.id.to_string(),
            local(n.created),
            names.member(&ctx.store, n)?,
            kind,
            n.booking.as_ref().map(ToString::to_string).unwrap_or_default(),
            message_local(n),
        ]);
    }
    let mut out = Text::new();
    if let Some(m) = message {
        out.line(m);
        out.blank();
    }
    out.table(&table, empty);
    Ok(Outcome::text(out))
}

/// The notification in the person's language (`LANG`), instants in their zone (`TZ`).
fn message_local(n: &Notification) -> String {
    match crate::place::locale() {
        delbar_core::i18n::Locale::En => message(n, &local),
        locale => delbar_core::i18n::notification_body_in(n, locale, crate::place::zone()),
    }
}

/// `delbar notifications [--all] [--member M]` and `delbar notifications ack`.
pub fn notifications(ctx: &mut Ctx, a: NotificationsArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    match a.command {
        None => {
            let list = match &a.member {
                Some(m) => {
                    let member = resolve::member(&ctx.store, &group.id, m)?;
                    ctx.store.notifications_for(&group.id, &member.id, a.all)?
                }
                None => ctx.store.notifications(&group.id, a.all)?,
            };
            listed(ctx, &list, None, "No notifications.")
        }
        Some(NotificationsCommand::Ack { ids, all, member }) => {
            let ids = if all {
                let pending = match &member {
                    Some(m) => {
                        let member = resolve::member(&ctx.store, &group.id, m)?;
                        ctx.store.notifications_for(&group.id, &member.id, false)?
                    }
                    None => ctx.store.notifications(&group.id, false)?,
                };
                pending.into_iter().map(|n| n.id).collect()
            } else {
                ids
            };
            let count = ctx.store.acknowledge(&ids)?;
            if ctx.json {
                return Ok(Outcome::json(json::object(vec![
                    ("acknowledged", count.into()),
                    ("ids", json::value(&ids)?),
                ])));
            }
            let mut out = Text::new();
            out.line(format!("Acknowledged {count} notification{}.", if count == 1 { "" } else { "s" }));
            Ok(Outcome::text(out))
        }
    }
}

/// `delbar tick`: creates the notifications that come with time and prints them.
pub fn tick(ctx: &mut Ctx) -> CliResult<Outcome> {
    let created = ctx.store.tick()?;
    let count = created.len();
    let said = format!("{count} new notification{} at {}.", if count == 1 { "" } else { "s" }, local(ctx.now()));
    if created.is_empty() && !ctx.json {
        let mut out = Text::new();
        out.line(said);
        return Ok(Outcome::text(out));
    }
    listed(ctx, &created, Some(said), "")
}
