//! `delbar demo`: a week of Odlingsakademin Storsjöbygden sharing its garden gear, played on
//! three devices (Karin's laptop, Anna's and Erik's phones), each a store file of its own in a
//! temporary directory. Changes travel between devices the way a sync session carries them:
//! one store's documents are exported and merged into another's.
//!
//! The devices share one manual clock starting Monday 23 November 2026 09:00 Swedish time, and
//! times are shown in Swedish winter time (CET), so the story reads the same on every machine.
//!
//! The second week ([`offline`]) is the offline story: both phones book the last tiller
//! without seeing each other, and every device resolves the conflict the same way. The last
//! chapters ([`hub`]) run every device as a real iroh endpoint on loopback: two phones that
//! never meet converge through a hub in the barn, and a bundle file carries the group to a
//! computer that is never online.

mod hub;
mod offline;

use delbar_core::Store;
use delbar_core::domain::{
    Booking, BookingAction, Condition, Group, Item, ItemDraft, LoanRules, Location, NewBooking, Role,
};
use delbar_core::ids::{GroupId, ItemId};
use delbar_core::store::{ActivityFilter, BookingFilter, CheckReport, ItemFilter, MergeReport};
use delbar_core::time::{Clock, HOUR_MS, MINUTE_MS, ManualClock, Timestamp};
use serde_json::Value;
use std::sync::Arc;

use crate::commands::check::report_text;
use crate::commands::item::{condition_text, rules_text};
use crate::datetime::{duration, format_in};
use crate::error::{CliError, CliResult};
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve::Names;

/// Swedish time (Europe/Stockholm), whatever `TZ` says, so the story reads the same on every
/// machine.
fn cet() -> delbar_core::i18n::TimeZone {
    delbar_core::i18n::time_zone("Europe/Stockholm").unwrap_or(delbar_core::i18n::TimeZone::UTC)
}

/// An instant in November 2026 given in Swedish time.
fn at(day: u32, hour: u32, minute: u32) -> CliResult<Timestamp> {
    at_in(11, day, hour, minute)
}

/// An instant in a month of 2026 given in Swedish (winter) time.
fn at_in(month: u32, day: u32, hour: u32, minute: u32) -> CliResult<Timestamp> {
    Timestamp::from_civil(2026, month, day, hour, minute)
        .map(|t| t.plus_ms(-HOUR_MS))
        .ok_or_else(|| CliError::input(format!("the demo has no 2026-{month}-{day} {hour}:{minute}")))
}

/// `Sat 28 Nov 09:00`.
fn when(ts: Timestamp) -> String {
    format_in(ts, &cet(), "%a %d %b %H:%M")
}

/// Why the core refused something, in English with Swedish time, whatever `LANG` and `TZ` say.
fn refusal(e: &CliError) -> String {
    match e {
        CliError::Core(core @ delbar_core::Error::Domain(_)) => {
            delbar_core::i18n::error_message_in(core, delbar_core::i18n::Locale::En, &cet())
        }
        CliError::Core(core) => core.to_string(),
        other => other.to_string(),
    }
}

/// `09:00`.
fn time(ts: Timestamp) -> String {
    format_in(ts, &cet(), "%H:%M")
}

/// One device in the story.
struct Device {
    /// Whose device, for the prose ("Anna's phone").
    label: &'static str,
    store: Store,
}

/// Carries every change `from` has to `to`, as a sync session would.
fn carry(from: &mut Device, to: &mut Device, group: &GroupId) -> CliResult<MergeReport> {
    let docs = from.store.export_group(group)?;
    Ok(to.store.merge_documents(group, &docs)?)
}

fn merged(r: &MergeReport) -> String {
    format!(
        "{} document{} changed, {} record{} updated",
        r.documents_changed,
        if r.documents_changed == 1 { "" } else { "s" },
        r.entities_updated,
        if r.entities_updated == 1 { "" } else { "s" }
    )
}

/// The demo catalogue: a draft per item.
fn catalogue() -> Vec<ItemDraft> {
    let barn = Location { text: "Lövåsen, ladan".into(), lat: Some(63.1598), lon: Some(14.7326) };
    let draft = |name: &str, category: &str, tags: &[&str], quantity: i64, location: &Location| ItemDraft {
        category: category.into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        quantity,
        location: location.clone(),
        ..ItemDraft::named(name)
    };
    let mut tiller = draft("Jordfräs Honda F220", "trädgård", &["motor", "jordbearbetning"], 1, &barn);
    tiller.description = "Bensindriven jordfräs, 50 cm arbetsbredd. Tanka 95 oktan.".into();
    tiller.rules = LoanRules { max_loan_hours: Some(48), buffer_minutes: 60, ..LoanRules::default() };
    let mut seeder = draft("Såmaskin Earthway", "trädgård", &["sådd"], 1, &barn);
    seeder.rules = LoanRules { requires_approval: true, ..LoanRules::default() };
    let greenhouse = Location { text: "Frösön, växthuset".into(), lat: None, lon: None };
    let heater = draft("Växthusvärmare", "växthus", &["värme", "el"], 2, &greenhouse);
    let shed = Location { text: "Torvalla, redskapsboden".into(), lat: None, lon: None };
    let mut trimmer = draft("Grästrimmer", "trädgård", &["motor", "gräs"], 1, &shed);
    trimmer.condition = Condition::Worn;
    trimmer.rules = LoanRules { self_service: true, ..LoanRules::default() };
    let saw = draft("Bågsåg", "skog", &["ved"], 1, &barn);
    vec![tiller, seeder, heater, trimmer, saw]
}

fn item_named<'a>(items: &'a [Item], name: &str) -> CliResult<&'a Item> {
    items.iter().find(|i| i.name == name).ok_or_else(|| CliError::input(format!("the demo lost the item {name}")))
}

fn all_bookings(store: &Store, group: &GroupId) -> CliResult<Vec<Booking>> {
    Ok(store.bookings(group, &BookingFilter { limit: 1000, ..BookingFilter::default() })?)
}

fn book(
    store: &mut Store,
    group: &GroupId,
    item: &ItemId,
    start: Timestamp,
    end: Timestamp,
    note: &str,
) -> CliResult<Booking> {
    let request = NewBooking { item: item.clone(), units: 1, start, end, note: note.into(), for_member: None };
    Ok(store.book(group, &request)?)
}

/// The devices, the shared clock and what has happened so far.
struct Story {
    clock: ManualClock,
    karin: Device,
    anna: Device,
    erik: Device,
    group: Group,
    out: Text,
}

/// What the chapters hand on to later ones.
struct Cast {
    tiller: Item,
    anna_booking: Booking,
    erik_booking: Booking,
}

/// Runs the demo and tells what happened; with `json`, a summary document instead.
pub fn run(json_output: bool) -> CliResult<Outcome> {
    let dir = tempfile::Builder::new()
        .prefix("delbar-demo-")
        .tempdir()
        .map_err(|e| CliError::Io(format!("cannot create a temporary directory: {e}")))?;
    let clock = ManualClock::new(at(23, 9, 0)?);
    let open = |label: &'static str, file: &str| -> CliResult<Device> {
        Ok(Device { label, store: Store::open_with_clock(dir.path().join(file), Arc::new(clock.clone()))? })
    };
    let mut karin = open("Karin's laptop", "karin-laptop.db")?;
    let anna = open("Anna's phone", "anna-phone.db")?;
    let erik = open("Erik's phone", "erik-phone.db")?;
    let mut out = Text::new();
    out.line("Delbar demo: Odlingsakademin Storsjöbygden shares its garden gear");
    out.line("Three devices, each with its own store file in a temporary directory: Karin's laptop,");
    out.line("Anna's phone and Erik's phone. Times are Swedish time (CET); the clock starts Mon 23 Nov 09:00.");
    out.blank();
    out.line("1. Karin, the steward, creates the group on her laptop and adds the gear.");
    let group = karin.store.create_group(
        "Odlingsakademin Storsjöbygden",
        "Odlingsnätverk i Storsjöbygden: vi delar redskap, frön och kunskap.",
        "Karin",
    )?;
    let mut story = Story { clock, karin, anna, erik, group, out };
    let (tiller, seeder) = story.gear()?;
    story.members()?;
    let (anna_booking, erik_booking) = story.bookings_on_phones(&tiller, &seeder)?;
    let cast = Cast { tiller, anna_booking, erik_booking };
    story.meeting(&cast)?;
    story.availability(&cast)?;
    story.search()?;
    story.saturday(&cast)?;
    story.overdue()?;
    story.offline_double_booking(&cast.tiller)?;
    let conflict = story.conflict(&cast.tiller)?;
    story.take_suggestion(&cast.tiller, &conflict)?;
    let saw_booking = story.waitlist_offer()?;
    story.tick(&saw_booking)?;
    story.history()?;
    let checks = story.final_check()?;
    let summary = if json_output { Some(story.summary(&checks, &conflict)?) } else { None };
    let (out, hub_summary) = hub::chapters(story, dir.path())?;
    match summary {
        Some(Value::Object(mut fields)) => {
            fields.insert("hub".to_owned(), hub_summary);
            Ok(Outcome::json(Value::Object(fields)))
        }
        Some(other) => Ok(Outcome::json(other)),
        None => Ok(Outcome::text(out)),
    }
}

impl Story {
    fn g(&self) -> GroupId {
        self.group.id.clone()
    }

    fn names(&self) -> CliResult<Names> {
        Names::of(&self.karin.store, &self.group.id)
    }

    /// Chapter 1: the catalogue.
    fn gear(&mut self) -> CliResult<(Item, Item)> {
        let g = self.g();
        let mut items = Vec::new();
        for draft in catalogue() {
            self.clock.advance(2 * MINUTE_MS);
            items.push(self.karin.store.add_item(&g, draft)?);
        }
        let mut table = Table::new(&["ITEM", "CATEGORY", "QTY", "LOCATION", "RULES"]);
        for i in &items {
            table.row(vec![
                i.name.clone(),
                i.category.clone(),
                i.quantity.to_string(),
                i.location.text.clone(),
                rules_text(&i.rules),
            ]);
        }
        self.out.indented_table(&table, "");
        Ok((item_named(&items, "Jordfräs Honda F220")?.clone(), item_named(&items, "Såmaskin Earthway")?.clone()))
    }

    /// Chapter 2: members, added with their phones' device ids; the phones receive the group.
    fn members(&mut self) -> CliResult<()> {
        let g = self.g();
        self.out.blank();
        self.out.line("2. Karin adds Anna and Erik, each with the device id of their phone.");
        self.clock.set(at(23, 9, 20)?);
        let anna_device = self.anna.store.device_id().clone();
        let erik_device = self.erik.store.device_id().clone();
        self.karin.store.add_member(&g, "Anna", Role::Member, Some((anna_device, "Annas telefon")))?;
        self.clock.advance(MINUTE_MS);
        self.karin.store.add_member(&g, "Erik", Role::Member, Some((erik_device, "Eriks telefon")))?;
        for phone in [&mut self.anna, &mut self.erik] {
            let report = carry(&mut self.karin, phone, &g)?;
            let me = phone.store.me(&g)?;
            let count = phone.store.items(&g, &ItemFilter::default())?.len();
            self.out.line(format!(
                "   {} receives the group ({}): it shows {count} items and knows it belongs to {} ({}).",
                phone.label,
                merged(&report),
                me.name,
                me.role
            ));
        }
        Ok(())
    }

    /// Chapter 3: Anna and Erik book on their phones, offline.
    fn bookings_on_phones(&mut self, tiller: &Item, seeder: &Item) -> CliResult<(Booking, Booking)> {
        let g = self.g();
        self.out.blank();
        self.out.line("3. Monday, on their phones, away from Karin:");
        self.clock.set(at(23, 12, 15)?);
        let anna_booking = book(&mut self.anna.store, &g, &tiller.id, at(28, 9, 0)?, at(28, 17, 0)?, "Potatislandet")?;
        self.out.line(format!(
            "   {}: Anna books the tiller ({}) for {} to {}: {}.",
            when(anna_booking.created),
            tiller.name,
            when(anna_booking.start),
            time(anna_booking.end),
            anna_booking.state
        ));
        self.clock.set(at(23, 19, 30)?);
        let erik_booking =
            book(&mut self.erik.store, &g, &seeder.id, at(28, 10, 0)?, at(29, 16, 0)?, "Morötter och lök")?;
        self.out.line(format!(
            "   {}: Erik books the seed drill ({}) for {} to {}: {}, as it needs a steward's approval.",
            when(erik_booking.created),
            seeder.name,
            when(erik_booking.start),
            when(erik_booking.end),
            erik_booking.state
        ));
        Ok((anna_booking, erik_booking))
    }

    /// Chapter 4: the phones meet the laptop; Karin confirms Erik's request.
    fn meeting(&mut self, cast: &Cast) -> CliResult<()> {
        let g = self.g();
        self.out.blank();
        self.clock.set(at(24, 7, 45)?);
        self.out
            .line(format!("4. {}: the phones meet Karin's laptop and their changes travel.", when(self.clock.now())));
        for phone in [&mut self.anna, &mut self.erik] {
            let report = carry(phone, &mut self.karin, &g)?;
            self.out.line(format!("   {} -> Karin's laptop: {}.", phone.label, merged(&report)));
        }
        let confirmed = self.karin.store.act_on_booking(&g, &cast.erik_booking.id, BookingAction::Confirm)?;
        self.out.line(format!("   Karin confirms Erik's request; it is now {}.", confirmed.state));
        for phone in [&mut self.anna, &mut self.erik] {
            carry(&mut self.karin, phone, &g)?;
        }
        let names = self.names()?;
        self.out.line("   Bookings on Karin's laptop:");
        let bookings = all_bookings(&self.karin.store, &g)?;
        self.out.indented_table(&demo_bookings(&bookings, &names, self.karin.store.now()), "");
        let on_erik = self.erik.store.booking(&g, &cast.erik_booking.id)?;
        self.out.line(format!("   Back on Erik's phone his booking shows {}.", on_erik.state));
        Ok(())
    }

    /// Chapter 5: the tiller's Saturday, and a double booking refused.
    fn availability(&mut self, cast: &Cast) -> CliResult<()> {
        let g = self.g();
        let tiller = &cast.tiller;
        self.out.blank();
        self.out
            .line(format!("5. Erik wants the tiller on Saturday too. His phone shows {} on Sat 28 Nov:", tiller.name));
        let av = self.erik.store.availability(&g, &tiller.id, at(28, 0, 0)?, at(29, 0, 0)?)?;
        self.out.line(format!("   {} of {} unit free over the whole day; booked:", av.free_units, av.quantity));
        let mut table = Table::new(&["FROM", "TO", "BOOKED", "FREE"]);
        for b in &av.busy {
            table.row(vec![
                when(b.start),
                when(b.end),
                b.units.to_string(),
                av.quantity.saturating_sub(b.units).to_string(),
            ]);
        }
        self.out.indented_table(&table, "   nothing booked");
        match book(&mut self.erik.store, &g, &tiller.id, at(28, 13, 0)?, at(28, 16, 0)?, "") {
            Err(e) => self.out.line(format!("   He tries 13:00 to 16:00 anyway and is refused: {}", refusal(&e))),
            Ok(_) => return Err(CliError::input("the demo expected the double booking to be refused")),
        }
        Ok(())
    }

    /// Chapter 6: searching, whatever the case and accents.
    fn search(&mut self) -> CliResult<()> {
        let g = self.g();
        self.out.blank();
        self.out.line("6. Anna searches her phone (case and accents do not matter, word starts match):");
        for query in ["jordf", "sag", "VÄXTHUS", "lovasen"] {
            let found = self.anna.store.search_items(&g, query, 20)?;
            let names: Vec<&str> = found.iter().map(|i| i.name.as_str()).collect();
            self.out.line(format!(
                "   {:<10} {}",
                format!("\"{query}\""),
                if names.is_empty() { "nothing".into() } else { names.join(", ") }
            ));
        }
        Ok(())
    }

    /// Chapter 7: Saturday's hand-outs, a return and a maintenance entry.
    fn saturday(&mut self, cast: &Cast) -> CliResult<()> {
        let g = self.g();
        let karin = &mut self.karin.store;
        self.out.blank();
        self.out.line("7. Saturday at Lövåsen. Karin hands out the gear and records it on her laptop.");
        self.clock.set(at(28, 8, 50)?);
        karin.act_on_booking(&g, &cast.anna_booking.id, BookingAction::CheckOut)?;
        self.out.line(format!("   {}: the tiller goes out with Anna.", when(karin.now())));
        self.clock.set(at(28, 10, 0)?);
        karin.act_on_booking(&g, &cast.erik_booking.id, BookingAction::CheckOut)?;
        self.out.line(format!(
            "   {}: the seed drill goes out with Erik, due back {}.",
            when(karin.now()),
            when(cast.erik_booking.end)
        ));
        self.clock.set(at(28, 16, 40)?);
        karin.act_on_booking(&g, &cast.anna_booking.id, BookingAction::Return)?;
        let returned = karin.now();
        self.clock.set(at(28, 17, 0)?);
        let serviced = karin.log_maintenance(&g, &cast.tiller.id, "Rengjord, nytt tändstift", Condition::Good, None)?;
        self.out.line(format!(
            "   {}: Anna brings the tiller back. At {} Karin has cleaned it and logs \"{}\" (condition {}).",
            when(returned),
            time(karin.now()),
            serviced.maintenance_log().first().map(|e| e.note.as_str()).unwrap_or_default(),
            condition_text(serviced.condition)
        ));
        Ok(())
    }

    /// Chapter 8: Monday after, the seed drill is still out.
    fn overdue(&mut self) -> CliResult<()> {
        let g = self.g();
        let names = self.names()?;
        self.out.blank();
        self.clock.set(at(30, 9, 0)?);
        let now = self.karin.store.now();
        self.out.line(format!("8. {}: Karin looks at what is overdue.", when(now)));
        let overdue = self.karin.store.overdue(&g)?;
        for b in &overdue {
            self.out.line(format!(
                "   {} with {}, due {}, overdue by {}.",
                names.item(&b.item),
                names.member(&b.member),
                when(b.end),
                duration(now.0.saturating_sub(b.end.0))
            ));
        }
        if overdue.is_empty() {
            return Err(CliError::input("the demo expected the seed drill to be overdue"));
        }
        Ok(())
    }

    /// Chapter 14: the activity history.
    fn history(&mut self) -> CliResult<()> {
        let names = self.names()?;
        self.out.blank();
        self.out.line("14. The group's history on Karin's laptop, newest first:");
        let page = self.karin.store.activity(&self.group.id, &ActivityFilter::default(), None, 50)?;
        let mut table = Table::new(&["WHEN", "WHO", "WHAT", "DETAILS"]);
        for e in &page.entries {
            table.row(vec![when(e.at), names.member(&e.actor), e.action.to_string(), e.summary.clone()]);
        }
        self.out.indented_table(&table, "");
        Ok(())
    }

    /// Chapter 15: everyone in sync, every store's projection checked.
    fn final_check(&mut self) -> CliResult<Vec<(&'static str, CheckReport)>> {
        let g = self.g();
        self.out.blank();
        self.out.line("15. The phones sync with the laptop one last time, and every store checks itself.");
        for phone in [&mut self.anna, &mut self.erik] {
            carry(&mut self.karin, phone, &g)?;
            carry(phone, &mut self.karin, &g)?;
        }
        let reference = all_bookings(&self.karin.store, &g)?;
        let mut checks = Vec::new();
        for device in [&mut self.karin, &mut self.anna, &mut self.erik] {
            if all_bookings(&device.store, &g)? != reference {
                return Err(CliError::input(format!("{} disagrees about the bookings", device.label)));
            }
            let report = device.store.check(None)?;
            let mut text = Text::new();
            report_text(&mut text, &report);
            self.out.line(format!("   {:<15} {}", format!("{}:", device.label), text.as_str().trim_end()));
            checks.push((device.label, report));
        }
        self.out.line(format!("   All three devices show the same {} bookings.", reference.len()));
        if !checks.iter().all(|(_, r)| r.is_clean()) {
            return Err(CliError::input("a store's projection differs from its documents"));
        }
        Ok(checks)
    }

    /// The JSON summary: the group, its items and bookings, the offline conflict and every
    /// device's check.
    fn summary(&self, checks: &[(&'static str, CheckReport)], conflict: &offline::Conflict) -> CliResult<Value> {
        let g = self.g();
        let names = self.names()?;
        let devices = checks
            .iter()
            .map(|(label, r)| Ok(json::object(vec![("device", (*label).into()), ("check", json::value(r)?)])))
            .collect::<CliResult<Vec<Value>>>()?;
        Ok(json::object(vec![
            ("group", json::group(&self.group)?),
            ("items", json::items(&self.karin.store.items(&g, &ItemFilter::default())?)?),
            ("bookings", json::bookings(&all_bookings(&self.karin.store, &g)?, &names, self.karin.store.now())?),
            ("conflict", self.conflict_json(conflict)?),
            ("devices", Value::Array(devices)),
            ("clean", checks.iter().all(|(_, r)| r.is_clean()).into()),
        ]))
    }
}

/// Bookings as a small demo table, without ids (they differ on every run).
fn demo_bookings(bookings: &[Booking], names: &Names, now: Timestamp) -> Table {
    let mut table = Table::new(&["ITEM", "MEMBER", "FROM", "TO", "STATE"]);
    for b in bookings {
        table.row(vec![
            names.item(&b.item),
            names.member(&b.member),
            when(b.start),
            when(b.end),
            b.display_state(now).replace('_', " "),
        ]);
    }
    table
}
