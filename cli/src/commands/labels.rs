//! `delbar label` (a sheet of item labels to print) and `delbar scan` (what a scanned label
//! or a typed item code offers now, and doing it).

use std::path::{Path, PathBuf};

use delbar_core::domain::label::{LabelCode, ScanAction};
use delbar_core::i18n::{Locale, scan_note, scan_note_in};
use delbar_core::ids::ItemId;
use delbar_core::store::{ItemFilter, ScanOutcome};
use serde_json::Value;

use crate::args::{LabelArgs, ScanArgs, ScanDo};
use crate::commands::booking::shown_state;
use crate::context::Ctx;
use crate::datetime::{Edge, local};
use crate::error::{CliError, CliResult};
use crate::files;
use crate::json;
use crate::output::{Outcome, Text};
use crate::resolve::{self, Names};

/// Which file format `--out` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Pdf,
    Svg,
}

fn format_of(path: &Path) -> CliResult<Format> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => Ok(Format::Pdf),
        Some("svg") => Ok(Format::Svg),
        _ => {
            Err(CliError::input(format!("cannot tell the format of {}: name a .pdf or .svg file", files::shown(path))))
        }
    }
}

/// The file of SVG page `page` (from 1): the given path for the first, `NAME-2.svg`, ... for
/// the others.
fn svg_page_path(out: &Path, page: usize) -> PathBuf {
    if page == 1 {
        return out.to_path_buf();
    }
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    files::sibling(out, &format!("{stem}-{page}.svg"))
}

/// `delbar label ITEM... | --all --out FILE`.
pub fn label(ctx: &Ctx, a: &LabelArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let format = format_of(&a.out)?;
    let items: Vec<ItemId> = if a.all {
        let filter = ItemFilter { limit: 10_000, ..ItemFilter::default() };
        ctx.store.items(&group.id, &filter)?.into_iter().map(|i| i.id).collect()
    } else {
        a.items
            .iter()
            .map(|typed| resolve::item(&ctx.store, &group.id, typed).map(|i| i.id))
            .collect::<CliResult<_>>()?
    };
    let labels = ctx.store.labels(&group.id, &items)?;
    let written: Vec<PathBuf> = match format {
        Format::Pdf => {
            files::write_atomic(&a.out, &ctx.store.label_sheet_pdf(&group.id, &items)?)?;
            vec![a.out.clone()]
        }
        Format::Svg => {
            let pages = ctx.store.label_sheet_svg(&group.id, &items)?;
            let mut written = Vec::new();
            for (i, page) in pages.iter().enumerate() {
                let path = svg_page_path(&a.out, i + 1);
                files::write_atomic(&path, page.as_bytes())?;
                written.push(path);
            }
            written
        }
    };
    if ctx.json {
        let labels: Vec<Value> = labels
            .iter()
            .map(|l| {
                json::object(vec![
                    ("item", l.item.as_str().into()),
                    ("name", l.name.as_str().into()),
                    ("code", l.code.printed().into()),
                    ("text", l.text.as_str().into()),
                ])
            })
            .collect();
        let files: Vec<Value> = written.iter().map(|p| files::shown(p).into()).collect();
        return Ok(Outcome::json(json::object(vec![("files", files.into()), ("labels", labels.into())])));
    }
    let mut out = Text::new();
    let pages = labels.len().div_ceil(delbar_core::label_sheet::LABELS_PER_PAGE);
    out.line(format!(
        "Wrote {} label{} on {pages} A4 page{} to {}.",
        labels.len(),
        if labels.len() == 1 { "" } else { "s" },
        if pages == 1 { "" } else { "s" },
        written.iter().map(|p| files::shown(p)).collect::<Vec<_>>().join(", ")
    ));
    Ok(Outcome::text(out))
}

/// `delbar scan TEXT [--do [ACTION]]`.
pub fn scan(ctx: &mut Ctx, a: &ScanArgs) -> CliResult<Outcome> {
    let group = if ctx.has_group_arg() { Some(ctx.group()?.id) } else { None };
    let outcome = ctx.store.resolve_scan(group.as_ref(), &a.text)?;
    let Some(perform) = a.perform else {
        return describe(ctx, &outcome);
    };
    let ScanOutcome::Item { group, item, actions, note } = &outcome else {
        return Err(CliError::input(format!("nothing to do: {}", headline(&outcome))));
    };
    let chosen = actions.iter().find(|action| match perform {
        ScanDo::First => true,
        ScanDo::Checkout => matches!(action, ScanAction::CheckOut { .. }),
        ScanDo::Return => matches!(action, ScanAction::Return { .. }),
        ScanDo::WalkUp => matches!(action, ScanAction::WalkUp { .. }),
    });
    let Some(chosen) = chosen else {
        let why = note
            .as_ref()
            .map(|n| scan_note_in(n, crate::place::locale(), crate::place::zone()))
            .unwrap_or_else(|| "it is not offered now".into());
        return Err(CliError::input(format!("cannot {} {}: {why}", perform_verb(perform), item.name)));
    };
    let mut chosen = chosen.clone();
    if let (ScanAction::WalkUp { until, .. }, Some(typed)) = (&mut chosen, &a.until) {
        *until = ctx.when(typed, Edge::End)?;
    }
    let for_member = match &a.for_member {
        Some(typed) => Some(resolve::member(&ctx.store, group, typed)?.id),
        None => None,
    };
    let booking = ctx.store.perform_scan_action(
        group,
        &item.id,
        &chosen,
        for_member.as_ref(),
        a.units.map(delbar_core::domain::limits::units).transpose()?,
    )?;
    let names = Names::of(&ctx.store, group)?;
    let now = ctx.now();
    if ctx.json {
        return Ok(Outcome::json(json::object(vec![
            ("done", chosen.kind().into()),
            ("booking", json::booking(&booking, &names, now)?),
        ])));
    }
    let mut out = Text::new();
    let did = match chosen {
        ScanAction::CheckOut { .. } => "Checked out",
        ScanAction::Return { .. } => "Returned",
        ScanAction::WalkUp { .. } => "Lent (walk-up)",
    };
    out.line(format!(
        "{did}: {} for {}, {} unit{}, due {}. The booking is now {}.",
        item.name,
        names.member(&booking.member),
        booking.units,
        if booking.units == 1 { "" } else { "s" },
        local(booking.end),
        shown_state(&booking, now)
    ));
    out.line(format!("Booking id: {}", booking.id));
    Ok(Outcome::text(out))
}

fn perform_verb(perform: ScanDo) -> &'static str {
    match perform {
        ScanDo::First => "do anything with",
        ScanDo::Checkout => "check out",
        ScanDo::Return => "return",
        ScanDo::WalkUp => "lend (walk-up)",
    }
}

/// One sentence for the outcomes that are not an item.
fn headline(outcome: &ScanOutcome) -> String {
    match outcome {
        ScanOutcome::NotALabel => "this is not a Delbar label or item code".into(),
        ScanOutcome::OtherGroup => "this label belongs to a group this device does not hold".into(),
        ScanOutcome::UnknownItem { .. } => {
            "no item here has this code (it may have been added on a device this one has not synced with)".into()
        }
        ScanOutcome::Ambiguous { matches } => {
            format!("this code matches {} items; choose the group with --group", matches.len())
        }
        ScanOutcome::NotAMember { .. } => "this device is no longer a member's device in the label's group".into(),
        ScanOutcome::Item { item, .. } => item.name.clone(),
    }
}

fn outcome_kind(outcome: &ScanOutcome) -> &'static str {
    match outcome {
        ScanOutcome::NotALabel => "not_a_label",
        ScanOutcome::OtherGroup => "other_group",
        ScanOutcome::UnknownItem { .. } => "unknown_item",
        ScanOutcome::Ambiguous { .. } => "ambiguous",
        ScanOutcome::NotAMember { .. } => "not_a_member",
        ScanOutcome::Item { .. } => "item",
    }
}

fn action_text(action: &ScanAction, names: &Names, now: delbar_core::time::Timestamp) -> String {
    match action {
        ScanAction::CheckOut { booking: b } => format!(
            "check out {}'s booking, {} to {}, {} unit{}",
            names.member(&b.member),
            local(b.start),
            local(b.end),
            b.units,
            if b.units == 1 { "" } else { "s" }
        ),
        ScanAction::Return { booking: b } => format!(
            "return {}'s loan, {} unit{}, due {}{}",
            names.member(&b.member),
            b.units,
            if b.units == 1 { "" } else { "s" },
            local(b.end),
            if b.is_overdue(now) { " (overdue)" } else { "" }
        ),
        ScanAction::WalkUp { free_units, until } => {
            format!(
                "lend it now (walk-up) until {}; {free_units} unit{} free",
                local(*until),
                if *free_units == 1 { "" } else { "s" }
            )
        }
    }
}

fn describe(ctx: &Ctx, outcome: &ScanOutcome) -> CliResult<Outcome> {
    let now = ctx.now();
    let (group, item, actions, note) = match outcome {
        ScanOutcome::Item { group, item, actions, note } => (group, item, actions, note),
        other => {
            if ctx.json {
                let mut fields = vec![("outcome", outcome_kind(other).into()), ("message", headline(other).into())];
                if let ScanOutcome::Ambiguous { matches } = other {
                    let list: Vec<Value> = matches
                        .iter()
                        .map(|(g, i)| {
                            json::object(vec![
                                ("group", g.as_str().into()),
                                ("item", i.id.as_str().into()),
                                ("name", i.name.as_str().into()),
                            ])
                        })
                        .collect();
                    fields.push(("matches", list.into()));
                }
                return Ok(Outcome::json(json::object(fields)));
            }
            let mut out = Text::new();
            let mut line = headline(other);
            if let Some(first) = line.get(..1) {
                line = first.to_uppercase() + line.get(1..).unwrap_or_default();
            }
            out.line(format!("{line}."));
            return Ok(Outcome::text(out));
        }
    };
    let names = Names::of(&ctx.store, group)?;
    let group_name = ctx.store.group(group)?.name;
    let code = LabelCode::of_item(&item.id).printed();
    // JSON keeps English with UTC instants; a person reads their language and zone.
    let note_text = match ctx.json {
        true => note.as_ref().map(|n| scan_note(n, Locale::En)),
        false => note.as_ref().map(|n| scan_note_in(n, crate::place::locale(), crate::place::zone())),
    };
    if ctx.json {
        let list: Vec<Value> = actions
            .iter()
            .map(|a| {
                let mut fields = vec![("action", a.kind().into()), ("text", action_text(a, &names, now).into())];
                if let Some(b) = a.booking() {
                    fields.push(("booking", json::booking(b, &names, now).unwrap_or(Value::Null)));
                }
                if let ScanAction::WalkUp { free_units, until } = a {
                    fields.push(("free_units", (*free_units).into()));
                    fields.push(("until", until.0.into()));
                }
                json::object(fields)
            })
            .collect();
        return Ok(Outcome::json(json::object(vec![
            ("outcome", "item".into()),
            ("group", json::group(&ctx.store.group(group)?)?),
            ("item", json::item(item)?),
            ("code", code.into()),
            ("actions", list.into()),
            ("note", note_text.map(Value::from).unwrap_or(Value::Null)),
        ])));
    }
    let mut out = Text::new();
    out.fields(&[("Item", format!("{} ({code})", item.name)), ("Group", group_name), ("Id", item.id.to_string())]);
    if actions.is_empty() {
        out.line("Nothing to do with it now.");
    } else {
        out.line("You can:");
        for (i, action) in actions.iter().enumerate() {
            out.line(format!("  {}. {} [--do {}]", i + 1, action_text(action, &names, now), action.kind()));
        }
    }
    if let Some(note) = note_text {
        out.line(format!("Note: {note}"));
    }
    if !actions.is_empty() {
        out.line("Add --do to do the first.");
    }
    Ok(Outcome::text(out))
}
