//! The demo's second week: Anna's and Erik's phones, offline, both book the last tiller; when
//! they meet, each finds the conflict and resolves it the same way, and so does Karin's
//! laptop. Then a waitlist offer after a cancellation, and what time brings (`tick`).

use delbar_core::domain::{Booking, BookingAction, BookingState, Item};
use delbar_core::ids::{BookingId, GroupId, MemberId};
use delbar_core::store::{BookingFilter, ItemFilter, Notification};
use delbar_core::time::{Clock, Timestamp};
use serde_json::Value;

use super::{Device, Story, at, at_in, book, carry, item_named, merged, time, when};
use crate::commands::notify::{kind_text, message};
use crate::error::{CliError, CliResult};
use crate::json;
use crate::output::Table;
use crate::resolve::Names;

/// An instant in December 2026 given in Swedish time.
fn dec(day: u32, hour: u32, minute: u32) -> CliResult<Timestamp> {
    at_in(12, day, hour, minute)
}

/// The two bookings of the tiller made offline, and how every device resolved them.
pub(super) struct Conflict {
    /// The booking that kept the tiller.
    pub winner: Booking,
    /// The booking that lost.
    pub bumped: Booking,
    /// The window suggested to the bumped member.
    pub suggested: Option<(Timestamp, Timestamp)>,
}

/// Appends a table indented by six spaces.
fn nested(story: &mut Story, table: &Table) {
    for line in table.render().lines() {
        story.out.line(format!("      {line}"));
    }
}

/// The tiller's bookings on Saturday 5 December as one device sees them.
fn saturday_view(device: &Device, g: &GroupId, tiller: &Item) -> CliResult<Vec<Booking>> {
    let filter = BookingFilter {
        item: Some(tiller.id.clone()),
        from: Some(dec(5, 0, 0)?),
        to: Some(dec(6, 0, 0)?),
        limit: 100,
        ..BookingFilter::default()
    };
    Ok(device.store.bookings(g, &filter)?)
}

/// `Anna's booking (Sat 05 Dec 09:00 to 13:00)`.
fn whose(b: &Booking, names: &Names) -> String {
    format!("{}'s booking ({} to {})", names.member(&b.member), when(b.start), time(b.end))
}

/// A device's view of the tiller's Saturday as a table: who, when, state, why bumped, winner.
fn view_table(view: &[Booking], names: &Names) -> Table {
    let mut table = Table::new(&["MEMBER", "FROM", "TO", "STATE", "WHY BUMPED", "WINNER"]);
    for b in view {
        let winner = b
            .bump
            .as_ref()
            .and_then(|bump| bump.winner.as_ref())
            .map(|w| match view.iter().find(|o| &o.id == w) {
                Some(o) => whose(o, names),
                None => w.to_string(),
            })
            .unwrap_or_default();
        table.row(vec![
            names.member(&b.member),
            when(b.start),
            time(b.end),
            b.state.to_string(),
            b.bump.as_ref().map(|bump| bump.reason.to_string()).unwrap_or_default(),
            winner,
        ]);
    }
    table
}

/// What resolution decided, in the terms every device must agree on.
fn decided(view: &[Booking]) -> Vec<(BookingId, BookingState, Option<String>)> {
    view.iter().map(|b| (b.id.clone(), b.state, b.bump.as_ref().map(|bump| format!("{:?}", bump)))).collect()
}

fn member_named(store: &delbar_core::Store, g: &GroupId, name: &str) -> CliResult<MemberId> {
    store
        .members(g)?
        .into_iter()
        .find(|m| m.name == name)
        .map(|m| m.id)
        .ok_or_else(|| CliError::input(format!("the demo lost the member {name}")))
}

/// A notification as the demo shows it: kind and text in Swedish time.
fn notice(n: &Notification) -> (String, String) {
    (kind_text(n.kind), message(n, &when))
}

impl Story {
    /// Every phone's changes to the laptop, then the laptop's to every phone.
    fn sync_all(&mut self) -> CliResult<()> {
        let g = self.g();
        carry(&mut self.anna, &mut self.karin, &g)?;
        carry(&mut self.erik, &mut self.karin, &g)?;
        carry(&mut self.karin, &mut self.anna, &g)?;
        carry(&mut self.karin, &mut self.erik, &g)?;
        Ok(())
    }

    /// Chapter 9: offline, both phones book the last tiller for overlapping hours.
    pub(super) fn offline_double_booking(&mut self, tiller: &Item) -> CliResult<(Booking, Booking)> {
        let g = self.g();
        self.out.blank();
        self.clock.set(at(30, 12, 0)?);
        self.out.line(format!(
            "9. {}: the phones sync with Karin's laptop, then stay offline for two days.",
            when(self.clock.now())
        ));
        self.sync_all()?;
        self.clock.set(dec(1, 18, 5)?);
        let anna = book(&mut self.anna.store, &g, &tiller.id, dec(5, 9, 0)?, dec(5, 13, 0)?, "Vitlök i jorden")?;
        self.out.line(format!(
            "   {}: offline, Anna books the tiller for {} to {}: {} on her phone.",
            when(anna.created),
            when(anna.start),
            time(anna.end),
            anna.state
        ));
        self.clock.set(dec(1, 20, 40)?);
        let erik = book(&mut self.erik.store, &g, &tiller.id, dec(5, 11, 0)?, dec(5, 15, 0)?, "Nytt grönsaksland")?;
        self.out.line(format!(
            "   {}: offline, Erik books the same tiller for {} to {}: {} on his phone.",
            when(erik.created),
            when(erik.start),
            time(erik.end),
            erik.state
        ));
        let names = self.names()?;
        for phone in [&self.anna, &self.erik] {
            let view = saturday_view(phone, &g, tiller)?;
            let mine: Vec<String> = view.iter().map(|b| format!("{} {}", whose(b, &names), b.state)).collect();
            self.out.line(format!("   {} knows only: {}.", phone.label, mine.join(", ")));
        }
        Ok((anna, erik))
    }

    /// Chapter 10: the phones meet and both find the conflict; the laptop agrees.
    pub(super) fn conflict(&mut self, tiller: &Item) -> CliResult<Conflict> {
        let g = self.g();
        self.out.blank();
        self.clock.set(dec(2, 7, 50)?);
        self.out.line(format!(
            "10. {}: Anna and Erik meet at the bus stop and their phones sync directly, both ways.",
            when(self.clock.now())
        ));
        let to_erik = carry(&mut self.anna, &mut self.erik, &g)?;
        let to_anna = carry(&mut self.erik, &mut self.anna, &g)?;
        self.out.line(format!("   Anna's phone -> Erik's phone: {}.", merged(&to_erik)));
        self.out.line(format!("   Erik's phone -> Anna's phone: {}.", merged(&to_anna)));
        let names = self.names()?;
        let mut views = Vec::new();
        for phone in [&self.anna, &self.erik] {
            views.push((phone.label, saturday_view(phone, &g, tiller)?));
        }
        for (label, view) in &views {
            self.out.line(format!("   The tiller on Sat 05 Dec, as {label} now sees it:"));
            let table = view_table(view, &names);
            nested(self, &table);
        }
        let (_, anna_view) = views.first().ok_or_else(|| CliError::input("the demo lost a phone"))?;
        let bumped = anna_view
            .iter()
            .find(|b| b.state == BookingState::Bumped)
            .cloned()
            .ok_or_else(|| CliError::input("the demo expected the phones to find a conflict"))?;
        let winner_id = bumped
            .bump
            .as_ref()
            .and_then(|b| b.winner.clone())
            .ok_or_else(|| CliError::input("the demo expected the bumped booking to name a winner"))?;
        let winner = anna_view
            .iter()
            .find(|b| b.id == winner_id)
            .cloned()
            .ok_or_else(|| CliError::input("the demo lost the winning booking"))?;
        if views.iter().any(|(_, v)| decided(v) != decided(anna_view)) {
            return Err(CliError::input("the phones resolved the conflict differently"));
        }
        self.out.line(format!(
            "   Both phones resolved it the same way: {}'s request came first ({} before {}), so {}'s booking is \
             bumped and {}'s keeps the tiller.",
            names.member(&winner.member),
            when(winner.created),
            time(bumped.created),
            names.member(&bumped.member),
            names.member(&winner.member)
        ));

        self.clock.set(dec(2, 12, 10)?);
        self.sync_all()?;
        let on_laptop = saturday_view(&self.karin, &g, tiller)?;
        if decided(&on_laptop) != decided(anna_view) {
            return Err(CliError::input("Karin's laptop resolved the conflict differently"));
        }
        self.out.line(format!(
            "   {}: both phones sync with Karin's laptop, which resolves it the same way ({} bumped, winner {}).",
            when(self.clock.now()),
            names.member(&bumped.member),
            names.member(&winner.member)
        ));

        self.out.line("   What each member is told about the two bookings, on each device:");
        let mut table = Table::new(&["DEVICE", "MEMBER", "KIND", "MESSAGE"]);
        let mut suggested = None;
        let scene = [&winner.id, &bumped.id];
        for device in [&self.karin, &self.anna, &self.erik] {
            for name in ["Anna", "Erik"] {
                let member = member_named(&device.store, &g, name)?;
                let mut list = device.store.notifications_for(&g, &member, false)?;
                list.retain(|n| n.booking.as_ref().is_some_and(|b| scene.contains(&b)));
                if list.is_empty() {
                    table.row(vec![device.label.into(), name.into(), "-".into(), "nothing: the booking stands".into()]);
                }
                for n in &list {
                    if n.booking.as_ref() == Some(&bumped.id) && suggested.is_none() {
                        suggested = n.detail.suggested_start.zip(n.detail.suggested_end);
                    }
                    let (kind, text) = notice(n);
                    table.row(vec![device.label.into(), name.into(), kind, text]);
                }
            }
        }
        nested(self, &table);
        Ok(Conflict { winner, bumped, suggested })
    }

    /// Chapter 11: the bumped member takes the suggested window.
    pub(super) fn take_suggestion(&mut self, tiller: &Item, conflict: &Conflict) -> CliResult<Booking> {
        let g = self.g();
        self.out.blank();
        self.clock.set(dec(2, 12, 30)?);
        let (start, end) = conflict.suggested.ok_or_else(|| CliError::input("the demo expected a suggested window"))?;
        let names = self.names()?;
        let who = names.member(&conflict.bumped.member);
        self.out.line(format!("11. {}: {who} takes the suggested window on his phone.", when(self.clock.now())));
        let phone = &mut self.erik.store;
        let me = phone.me(&g)?;
        if me.id != conflict.bumped.member {
            return Err(CliError::input("the demo expected Erik's booking to be bumped"));
        }
        let read: Vec<i64> = phone.notifications(&g, false)?.iter().map(|n| n.id).collect();
        phone.acknowledge(&read)?;
        let cancelled = phone.act_on_booking(&g, &conflict.bumped.id, BookingAction::Cancel)?;
        let taken = book(phone, &g, &tiller.id, start, end, "Nytt grönsaksland, eftermiddag")?;
        self.out.line(format!(
            "   He marks the notice read, cancels the bumped booking ({}) and books {} to {}: {}.",
            cancelled.state,
            when(taken.start),
            time(taken.end),
            taken.state
        ));
        self.sync_all()?;
        let view = saturday_view(&self.karin, &g, tiller)?;
        self.out.line("   The tiller on Sat 05 Dec, on every device after the next sync:");
        let table = view_table(&view, &names);
        nested(self, &table);
        Ok(taken)
    }

    /// Chapter 12: a waitlist, and the offer that comes when the units free up.
    pub(super) fn waitlist_offer(&mut self) -> CliResult<Booking> {
        let g = self.g();
        let items = self.karin.store.items(&g, &ItemFilter::default())?;
        let saw = item_named(&items, "Bågsåg")?.clone();
        self.out.blank();
        self.out.line(format!("12. The saw ({}): a waitlist, and an offer after a cancellation.", saw.name));
        self.clock.set(dec(3, 9, 0)?);
        let anna = book(&mut self.anna.store, &g, &saw.id, dec(5, 12, 0)?, dec(6, 16, 0)?, "Ved till bastun")?;
        self.out.line(format!(
            "   {}: Anna books it for {} to {}: {}.",
            when(anna.created),
            when(anna.start),
            when(anna.end),
            anna.state
        ));
        self.sync_all()?;
        self.clock.set(dec(3, 19, 0)?);
        let (start, end) = (dec(5, 15, 0)?, dec(6, 12, 0)?);
        match book(&mut self.erik.store, &g, &saw.id, start, end, "") {
            Err(e) => self.out.line(format!(
                "   {}: Erik wants it {} to {} and is refused: {}",
                when(self.clock.now()),
                when(start),
                when(end),
                super::refusal(&e)
            )),
            Ok(_) => return Err(CliError::input("the demo expected the saw to be taken")),
        }
        let request = delbar_core::domain::NewBooking {
            item: saw.id.clone(),
            units: 1,
            start,
            end,
            note: "Röja slyet".into(),
            for_member: None,
        };
        let waiting = self.erik.store.join_waitlist(&g, &request)?;
        self.out.line(format!("   He joins the waitlist instead: his booking is {}.", waiting.state));
        self.sync_all()?;
        let names = self.names()?;
        let waitlist_table = |store: &delbar_core::Store| -> CliResult<Table> {
            let mut table = Table::new(&["POS", "MEMBER", "FROM", "TO", "OFFER UNTIL"]);
            for e in store.waitlist(&g, &saw.id)? {
                table.row(vec![
                    e.position.to_string(),
                    names.member(&e.booking.member),
                    when(e.booking.start),
                    when(e.booking.end),
                    e.offer.map(|(_, until)| when(until)).unwrap_or_else(|| "-".into()),
                ]);
            }
            Ok(table)
        };
        self.out.line("   The saw's waitlist on Karin's laptop:");
        let table = waitlist_table(&self.karin.store)?;
        nested(self, &table);

        self.clock.set(dec(4, 8, 30)?);
        let cancelled = self.anna.store.act_on_booking(&g, &anna.id, BookingAction::Cancel)?;
        self.out.line(format!(
            "   {}: Anna's plans change; she cancels on her phone ({}). The phones sync through the laptop.",
            when(self.clock.now()),
            cancelled.state
        ));
        self.sync_all()?;
        self.out.line("   The waitlist now, on Erik's phone:");
        let table = waitlist_table(&self.erik.store)?;
        nested(self, &table);
        for n in self.erik.store.notifications(&g, false)? {
            let (kind, text) = notice(&n);
            self.out.line(format!("   Erik's phone tells him ({kind}): {text}"));
        }
        self.clock.set(dec(4, 9, 15)?);
        let claimed = self.erik.store.act_on_booking(&g, &waiting.id, BookingAction::Claim)?;
        self.out.line(format!(
            "   {}: Erik claims the offer on his phone; his booking is {}.",
            when(self.clock.now()),
            claimed.state
        ));
        self.sync_all()?;
        Ok(claimed)
    }

    /// Chapter 13: what time brings; `tick` on Karin's laptop finds a loan due and one overdue.
    pub(super) fn tick(&mut self, saw_booking: &Booking) -> CliResult<()> {
        let g = self.g();
        self.out.blank();
        self.clock.set(dec(5, 15, 0)?);
        self.karin.store.act_on_booking(&g, &saw_booking.id, BookingAction::CheckOut)?;
        self.out.line(format!(
            "13. {}: the saw goes out with Erik, due back {}. The seed drill is still with him.",
            when(self.clock.now()),
            when(saw_booking.end)
        ));
        self.clock.set(dec(5, 20, 0)?);
        let created = self.karin.store.tick()?;
        let names = self.names()?;
        self.out.line(format!(
            "   {}: Karin's laptop ticks and creates {} notification(s):",
            when(self.clock.now()),
            created.len()
        ));
        let mut table = Table::new(&["FOR", "KIND", "MESSAGE"]);
        for n in &created {
            let (kind, text) = notice(n);
            table.row(vec![names.member(&n.member), kind, text]);
        }
        nested(self, &table);
        if created.is_empty() {
            return Err(CliError::input("the demo expected tick to find loans due and overdue"));
        }
        let again = self.karin.store.tick()?;
        self.out.line(format!("   Ticking again at once creates {} more: each is told once.", again.len()));
        self.clock.set(dec(6, 11, 45)?);
        let overdue = self.karin.store.overdue(&g)?;
        for b in overdue.iter().chain(std::iter::once(saw_booking)) {
            self.karin.store.act_on_booking(&g, &b.id, BookingAction::Return)?;
        }
        self.out.line(format!(
            "   {}: Erik brings back the saw and the seed drill; Karin records both returns.",
            when(self.clock.now())
        ));
        Ok(())
    }

    /// The conflict for the JSON summary: winner, bumped booking and the devices that agree.
    pub(super) fn conflict_json(&self, conflict: &Conflict) -> CliResult<Value> {
        let names = self.names()?;
        let now = self.karin.store.now();
        Ok(json::object(vec![
            ("winner", json::booking(&conflict.winner, &names, now)?),
            ("bumped", json::booking(&conflict.bumped, &names, now)?),
            ("suggested", conflict.suggested.map(json::window).unwrap_or(Value::Null)),
            ("resolved_alike_on", json::value(&["Karin's laptop", "Anna's phone", "Erik's phone"])?),
        ]))
    }
}
