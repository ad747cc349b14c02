//! Items of a group's catalogue: what a tool library needs to know about a piece of gear.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use crate::domain::DomainError;
use crate::domain::maintenance::MaintenancePlan;
use crate::domain::photo::ItemPhoto;
use crate::domain::{input, limits};
use crate::ids::{BookingId, ItemId, MaintenanceId, MemberId, PlanId};
use crate::time::Timestamp;

/// Longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest description or note accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// The state an item is in.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Works as it should.
    Good,
    /// Works, shows wear.
    Worn,
    /// Needs a repair before it is lent again: new bookings are refused (the bookings
    /// already made stand, and their holders are told).
    NeedsRepair,
    /// Not to be lent until repaired.
    OutOfService,
}

impl Condition {
    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Good => "good",
            Condition::Worn => "worn",
            Condition::NeedsRepair => "needs_repair",
            Condition::OutOfService => "out_of_service",
        }
    }

    /// Parses a condition name (`good`, `worn`, `needs-repair`, `out-of-service`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "good" => Some(Condition::Good),
            "worn" => Some(Condition::Worn),
            "needs_repair" => Some(Condition::NeedsRepair),
            "out_of_service" => Some(Condition::OutOfService),
            _ => None,
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an item is kept.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Location {
    /// Free text ("Barn at Lövåsen, shelf 3").
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = ""))]
    pub text: String,
    /// Latitude in degrees, if known.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub lat: Option<f64>,
    /// Longitude in degrees, if known.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub lon: Option<f64>,
}

/// Who owns an item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "member")]
pub enum Owner {
    /// The group owns it.
    #[default]
    Group,
    /// A member lends it to the group.
    Member(MemberId),
}

/// How an item may be lent.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanRules {
    /// Longest loan, in hours.
    #[serde(default)]
    pub max_loan_hours: Option<i64>,
    /// How far ahead a booking may start, in days.
    #[serde(default)]
    pub max_advance_days: Option<i64>,
    /// How long before its start a booking must be made, in hours.
    #[serde(default)]
    pub min_notice_hours: Option<i64>,
    /// Whether a steward must confirm each request.
    #[serde(default)]
    pub requires_approval: bool,
    /// How many bookings one member may hold of this item at a time.
    #[serde(default)]
    pub max_concurrent_per_member: Option<u32>,
    /// Minutes kept free between two loans (cleaning, charging).
    #[serde(default)]
    pub buffer_minutes: i64,
    /// Whether borrowers check the item out and in themselves (a self-service gear box).
    #[serde(default)]
    pub self_service: bool,
    /// Whether a steward must have marked the member qualified for this item.
    #[serde(default)]
    pub requires_qualification: bool,
}

impl Default for LoanRules {
    fn default() -> Self {
        Self {
            max_loan_hours: Some(7 * 24),
            max_advance_days: Some(90),
            min_notice_hours: None,
            requires_approval: false,
            max_concurrent_per_member: None,
            buffer_minutes: 0,
            self_service: false,
            requires_qualification: false,
        }
    }
}

impl LoanRules {
    /// Checks every number is in its range ([`crate::domain::limits`]).
    pub fn validate(&self) -> Result<(), DomainError> {
        use crate::domain::limits::{self as l, expected as e};
        let range =
            |rule, v: Option<i64>, min, max, expected| v.map(|v| l::rule(rule, v, min, max, expected)).transpose();
        range("max_loan_hours", self.max_loan_hours, 1, l::MAX_LOAN_HOURS, e::LOAN_HOURS)?;
        range("max_advance_days", self.max_advance_days, 1, l::MAX_ADVANCE_DAYS, e::ADVANCE_DAYS)?;
        range("min_notice_hours", self.min_notice_hours, 0, l::MAX_NOTICE_HOURS, e::NOTICE_HOURS)?;
        let per_member = self.max_concurrent_per_member.map(i64::from);
        range("max_concurrent_per_member", per_member, 1, l::MAX_PER_MEMBER, e::PER_MEMBER)?;
        range("buffer_minutes", Some(self.buffer_minutes), 0, l::MAX_BUFFER_MINUTES, e::BUFFER_MINUTES)?;
        Ok(())
    }
}

/// One entry of an item's maintenance log.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceEntry {
    /// Its id.
    pub id: MaintenanceId,
    /// When the work was done.
    pub at: Timestamp,
    /// Who did it.
    pub by: MemberId,
    /// What was done.
    pub note: String,
    /// The item's condition afterwards.
    pub condition_after: Condition,
}

/// A piece of gear in a group's catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Its id.
    pub id: ItemId,
    /// Its name ("Jordfräs Honda F220").
    pub name: String,
    /// A free-text description.
    #[serde(default)]
    pub description: String,
    /// Its category ("garden", "woodwork").
    #[serde(default)]
    pub category: String,
    /// Free tags, sorted and unique.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Number of identical units.
    pub quantity: u32,
    /// Its state.
    pub condition: Condition,
    /// Where it is kept.
    #[serde(default)]
    pub location: Location,
    /// Photos, each referenced by the blake3 hash of its stored (re-encoded) JPEG, with its
    /// thumbnail's hash. Only photos added through the core ([`crate::Store::add_item_photo`])
    /// or received with the catalogue from another device are referenced.
    #[serde(default)]
    pub photos: Vec<ItemPhoto>,
    /// Who owns it.
    #[serde(default)]
    pub owner: Owner,
    /// How it may be lent.
    #[serde(default)]
    pub rules: LoanRules,
    /// Its maintenance log by entry id.
    #[serde(default)]
    pub maintenance: BTreeMap<MaintenanceId, MaintenanceEntry>,
    /// Whether it was taken out of the catalogue for good.
    #[serde(default)]
    pub retired: bool,
    /// When it was added.
    pub created: Timestamp,
    /// When this item is a kit: its parts, with the units of each in one kit. Booking the
    /// kit books its parts; a part booked alone makes the kit unavailable for that window.
    #[serde(default)]
    pub kit_parts: BTreeMap<ItemId, u32>,
    /// Its maintenance plans by id (removed ones included, marked).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub plans: BTreeMap<PlanId, MaintenancePlan>,
    /// The worst condition reported at a return since the newest maintenance, when one was
    /// reported. Derived from the bookings (never written to the catalogue); see
    /// [`Item::current_condition`].
    #[serde(skip)]
    pub reported: Option<Box<ConditionReport>>,
}

/// A condition reported when a loan came back (on the booking's `returned` event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionReport {
    /// The booking returned.
    pub booking: BookingId,
    /// When it came back.
    pub at: Timestamp,
    /// Who took it back (the borrower or a steward).
    pub by: MemberId,
    /// The condition reported.
    pub condition: Condition,
    /// What was noted.
    #[serde(default)]
    pub note: String,
    /// The blake3 hash (hex) of the photo taken at the return, when one was: a blob like an
    /// item's photo, read with [`crate::Store::return_photo`].
    #[serde(default)]
    pub photo: Option<String>,
    /// The blake3 hash (hex) of that photo's thumbnail.
    #[serde(default)]
    pub thumbnail: Option<String>,
}

impl Item {
    /// Why the item cannot be booked now, if it cannot.
    pub fn not_bookable_reason(&self) -> Option<&'static str> {
        if self.retired {
            Some("it is retired")
        } else {
            match self.current_condition() {
                Condition::OutOfService => Some("it is out of service"),
                Condition::NeedsRepair => Some("it needs repair"),
                Condition::Good | Condition::Worn => None,
            }
        }
    }

    /// The item's condition now: the one a steward set (or the newest maintenance left), or
    /// the worse condition reported at a return since the newest maintenance.
    pub fn current_condition(&self) -> Condition {
        self.reported.as_ref().map_or(self.condition, |r| r.condition.max(self.condition))
    }

    /// The instant of the newest maintenance-log entry.
    pub fn last_maintenance(&self) -> Option<Timestamp> {
        self.maintenance.values().map(|e| e.at).max()
    }

    /// The plans in force, by id.
    pub fn active_plans(&self) -> Vec<&MaintenancePlan> {
        self.plans.values().filter(|p| p.is_active()).collect()
    }

    /// The maintenance log, newest first.
    pub fn maintenance_log(&self) -> Vec<&MaintenanceEntry> {
        let mut log: Vec<_> = self.maintenance.values().collect();
        log.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
        log
    }
}

/// What a steward gives to add an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDraft {
    /// Name (required).
    pub name: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Number of identical units (at least 1).
    pub quantity: i64,
    /// Condition.
    pub condition: Condition,
    /// Location.
    pub location: Location,
    /// Owner.
    pub owner: Owner,
    /// Loan rules.
    pub rules: LoanRules,
    /// Parts, when the item is a kit (part id -> units per kit).
    #[serde(default)]
    pub kit_parts: BTreeMap<ItemId, u32>,
}

impl ItemDraft {
    /// A draft with just a name and defaults elsewhere (one unit, good condition).
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            description: String::new(),
            category: String::new(),
            tags: Vec::new(),
            quantity: 1,
            condition: Condition::Good,
            location: Location::default(),
            owner: Owner::Group,
            rules: LoanRules::default(),
            kit_parts: BTreeMap::new(),
        }
    }
}

/// A change to an item's fields; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ItemPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New category.
    pub category: Option<String>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// New quantity.
    pub quantity: Option<i64>,
    /// New condition.
    pub condition: Option<Condition>,
    /// New location.
    pub location: Option<Location>,
    /// New owner.
    pub owner: Option<Owner>,
    /// New loan rules.
    pub rules: Option<LoanRules>,
    /// Retire (true) or bring back (false).
    pub retired: Option<bool>,
    /// New kit parts (an empty map makes it a plain item).
    pub kit_parts: Option<BTreeMap<ItemId, u32>>,
}

/// Trims a required text field and checks it.
pub(crate) fn clean_name(field: &'static str, s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DomainError::EmptyField { field });
    }
    check_line(field, s, MAX_NAME_CHARS)?;
    Ok(s.to_owned())
}

/// Checks a free text field (a description or note: lines and tabs allowed): its length and
/// its characters ([`crate::domain::input`]).
pub(crate) fn check_len(field: &'static str, s: &str, max: usize) -> Result<(), DomainError> {
    input::check_field(field, s, input::Lines::Many, max)
}

/// Checks a one-line text field (a category, tag, place or label): its length and its
/// characters ([`crate::domain::input`]).
pub(crate) fn check_line(field: &'static str, s: &str, max: usize) -> Result<(), DomainError> {
    input::check_field(field, s, input::Lines::One, max)
}

fn clean_tags(tags: &[String]) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_lowercase();
        if t.is_empty() {
            continue;
        }
        check_line("tag", &t, limits::MAX_TAG_CHARS)?;
        out.push(t);
    }
    out.sort();
    out.dedup();
    limits::count("tags", out.len(), limits::MAX_TAGS)?;
    Ok(out)
}

fn check_quantity(q: i64) -> Result<u32, DomainError> {
    limits::quantity(q)
}

fn check_location(loc: &Location) -> Result<Location, DomainError> {
    check_line("location", &loc.text, MAX_NAME_CHARS)?;
    match (loc.lat, loc.lon) {
        (None, None) => {}
        (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0 => {}
        (lat, lon) => {
            return Err(DomainError::InvalidCoordinates { lat: lat.unwrap_or(f64::NAN), lon: lon.unwrap_or(f64::NAN) });
        }
    }
    Ok(Location { text: loc.text.trim().to_owned(), lat: loc.lat, lon: loc.lon })
}

fn check_kit_parts(parts: BTreeMap<ItemId, u32>) -> Result<BTreeMap<ItemId, u32>, DomainError> {
    limits::count("kit parts", parts.len(), limits::MAX_KIT_PARTS)?;
    if parts.values().any(|u| *u == 0 || *u > limits::MAX_UNITS_PER_PART) {
        return Err(DomainError::InvalidKit { reason: "each part needs 1 to 1000 units per kit" });
    }
    Ok(parts)
}

impl ItemDraft {
    /// Validates the draft and builds the item it describes.
    pub fn into_item(self, id: ItemId, created: Timestamp) -> Result<Item, DomainError> {
        check_len("description", &self.description, MAX_TEXT_CHARS)?;
        check_line("category", self.category.trim(), 100)?;
        self.rules.validate()?;
        Ok(Item {
            id,
            name: clean_name("name", &self.name)?,
            description: self.description.trim().to_owned(),
            category: self.category.trim().to_lowercase(),
            tags: clean_tags(&self.tags)?,
            quantity: check_quantity(self.quantity)?,
            condition: self.condition,
            location: check_location(&self.location)?,
            photos: Vec::new(),
            owner: self.owner,
            rules: self.rules,
            maintenance: BTreeMap::new(),
            retired: false,
            created,
            kit_parts: check_kit_parts(self.kit_parts)?,
            plans: BTreeMap::new(),
            reported: None,
        })
    }
}

impl ItemPatch {
    /// Validates the patch and applies it to a copy of `item`.
    pub fn apply_to(&self, item: &Item) -> Result<Item, DomainError> {
        let mut out = item.clone();
        if let Some(name) = &self.name {
            out.name = clean_name("name", name)?;
        }
        if let Some(d) = &self.description {
            check_len("description", d, MAX_TEXT_CHARS)?;
            out.description = d.trim().to_owned();
        }
        if let Some(c) = &self.category {
            check_line("category", c.trim(), 100)?;
            out.category = c.trim().to_lowercase();
        }
        if let Some(t) = &self.tags {
            out.tags = clean_tags(t)?;
        }
        if let Some(q) = self.quantity {
            out.quantity = check_quantity(q)?;
        }
        if let Some(c) = self.condition {
            out.condition = c;
        }
        if let Some(l) = &self.location {
            out.location = check_location(l)?;
        }
        if let Some(o) = &self.owner {
            out.owner = o.clone();
        }
        if let Some(r) = &self.rules {
            r.validate()?;
            out.rules = r.clone();
        }
        if let Some(r) = self.retired {
            out.retired = r;
        }
        if let Some(parts) = &self.kit_parts {
            if parts.contains_key(&item.id) {
                return Err(DomainError::InvalidKit { reason: "a kit cannot contain itself" });
            }
            out.kit_parts = check_kit_parts(parts.clone())?;
        }
        Ok(out)
    }

    /// Whether the patch touches anything only a steward may change.
    pub fn is_empty(&self) -> bool {
        self == &ItemPatch::default()
    }
}
