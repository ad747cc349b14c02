//! Items of a group's catalogue and what is given to add, change and find them.

use std::collections::BTreeMap;

use delbar_core::domain::{self as core, DomainError};
use delbar_core::ids::ItemId;
use delbar_core::store::ItemFilter as CoreItemFilter;

use super::{Condition, ItemPhoto, LoanRules, Location, MaintenanceEntry, Timestamp, ids};
use crate::DelbarError;

/// Who owns an item.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Owner {
    /// The group owns it.
    Group,
    /// A member lends it to the group.
    Member {
        /// The lending member's id.
        member_id: String,
    },
}

impl From<core::Owner> for Owner {
    fn from(o: core::Owner) -> Self {
        match o {
            core::Owner::Group => Owner::Group,
            core::Owner::Member(id) => Owner::Member { member_id: id.to_string() },
        }
    }
}

impl TryFrom<Owner> for core::Owner {
    type Error = DelbarError;

    fn try_from(o: Owner) -> Result<Self, DelbarError> {
        Ok(match o {
            Owner::Group => core::Owner::Group,
            Owner::Member { member_id } => core::Owner::Member(ids::member(&member_id)?),
        })
    }
}

/// One part of a kit: another item of the catalogue and how many of its units one kit takes.
/// Booking the kit books its parts; a part booked alone makes the kit unavailable then.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KitPart {
    /// The part's item id (a plain item: kits do not nest).
    pub part_id: String,
    /// Units of the part in one kit (1 to 1000).
    pub units: u32,
}

fn kit_parts_out(parts: BTreeMap<ItemId, u32>) -> Vec<KitPart> {
    parts.into_iter().map(|(id, units)| KitPart { part_id: id.to_string(), units }).collect()
}

/// The core's map of parts; a part listed twice is refused rather than silently merged.
fn kit_parts_in(parts: Vec<KitPart>) -> Result<BTreeMap<ItemId, u32>, DelbarError> {
    let mut out = BTreeMap::new();
    for part in parts {
        if out.insert(ids::item(&part.part_id)?, part.units).is_some() {
            return Err(DomainError::InvalidKit { reason: "each part may be listed once" }.into());
        }
    }
    Ok(out)
}

/// A piece of gear in a group's catalogue.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Item {
    /// Its id.
    pub id: String,
    /// Its name ("Jordfräs Honda F220").
    pub name: String,
    /// A free-text description.
    pub description: String,
    /// Its category ("garden", "woodwork"), lowercase.
    pub category: String,
    /// Free tags, sorted and unique.
    pub tags: Vec<String>,
    /// Number of identical units.
    pub quantity: u32,
    /// Its state.
    pub condition: Condition,
    /// Where it is kept.
    pub location: Location,
    /// Photos (add them with `addItemPhoto`), each with its thumbnail, size and dimensions.
    pub photos: Vec<ItemPhoto>,
    /// Who owns it.
    pub owner: Owner,
    /// How it may be lent.
    pub rules: LoanRules,
    /// Its maintenance log, newest first.
    pub maintenance: Vec<MaintenanceEntry>,
    /// Whether it was taken out of the catalogue for good.
    pub retired: bool,
    /// When it was added.
    pub created: Timestamp,
    /// When the item is a kit: its parts, by part id; empty for a plain item.
    pub kit_parts: Vec<KitPart>,
    /// Its condition now: `condition` (the steward's), or the worse one reported at a return
    /// since the newest maintenance (`NEEDS_REPAIR` and `OUT_OF_SERVICE` keep it from being
    /// booked).
    pub current_condition: Condition,
    /// The report behind a `currentCondition` worse than `condition`.
    pub reported: Option<crate::maintenance::ConditionReport>,
    /// Its maintenance plans in force.
    pub plans: Vec<crate::maintenance::MaintenancePlan>,
}

impl From<core::Item> for Item {
    fn from(i: core::Item) -> Self {
        let current_condition = i.current_condition();
        let plans = i.active_plans().into_iter().cloned().map(Into::into).collect();
        Self {
            maintenance: i.maintenance_log().into_iter().cloned().collect(),
            id: i.id.to_string(),
            name: i.name,
            description: i.description,
            category: i.category,
            tags: i.tags,
            quantity: i.quantity,
            condition: i.condition,
            location: i.location,
            photos: i.photos,
            owner: i.owner.into(),
            rules: i.rules,
            retired: i.retired,
            created: i.created,
            current_condition,
            plans,
            reported: i.reported.map(|r| (*r).into()),
            kit_parts: kit_parts_out(i.kit_parts),
        }
    }
}

/// What a steward gives to add an item. `itemDraft(name)` gives one with defaults to
/// `copy(...)` from.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
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
    pub quantity: u32,
    /// Condition.
    pub condition: Condition,
    /// Location.
    pub location: Location,
    /// Owner.
    pub owner: Owner,
    /// Loan rules.
    pub rules: LoanRules,
    /// Parts, when the item is a kit (empty: a plain item).
    #[uniffi(default)]
    pub kit_parts: Vec<KitPart>,
}

impl From<core::ItemDraft> for ItemDraft {
    fn from(d: core::ItemDraft) -> Self {
        Self {
            name: d.name,
            description: d.description,
            category: d.category,
            tags: d.tags,
            quantity: quantity_out(d.quantity),
            condition: d.condition,
            location: d.location,
            owner: d.owner.into(),
            rules: d.rules,
            kit_parts: kit_parts_out(d.kit_parts),
        }
    }
}

impl TryFrom<ItemDraft> for core::ItemDraft {
    type Error = DelbarError;

    fn try_from(d: ItemDraft) -> Result<Self, DelbarError> {
        Ok(Self {
            name: d.name,
            description: d.description,
            category: d.category,
            tags: d.tags,
            quantity: i64::from(d.quantity),
            condition: d.condition,
            location: d.location,
            owner: d.owner.try_into()?,
            rules: d.rules,
            kit_parts: kit_parts_in(d.kit_parts)?,
        })
    }
}

/// A change to an item's fields; a field left `null`/`nil` stays as it is.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct ItemPatch {
    /// New name.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// New description.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// New category.
    #[uniffi(default = None)]
    pub category: Option<String>,
    /// New tags.
    #[uniffi(default = None)]
    pub tags: Option<Vec<String>>,
    /// New quantity.
    #[uniffi(default = None)]
    pub quantity: Option<u32>,
    /// New condition.
    #[uniffi(default = None)]
    pub condition: Option<Condition>,
    /// New location.
    #[uniffi(default = None)]
    pub location: Option<Location>,
    /// New owner.
    #[uniffi(default = None)]
    pub owner: Option<Owner>,
    /// New loan rules.
    #[uniffi(default = None)]
    pub rules: Option<LoanRules>,
    /// Retire (true) or bring back (false).
    #[uniffi(default = None)]
    pub retired: Option<bool>,
    /// New kit parts (an empty list makes the item a plain item again).
    #[uniffi(default = None)]
    pub kit_parts: Option<Vec<KitPart>>,
}

impl TryFrom<ItemPatch> for core::ItemPatch {
    type Error = DelbarError;

    fn try_from(p: ItemPatch) -> Result<Self, DelbarError> {
        Ok(Self {
            name: p.name,
            description: p.description,
            category: p.category,
            tags: p.tags,
            quantity: p.quantity.map(i64::from),
            condition: p.condition,
            location: p.location,
            owner: p.owner.map(TryInto::try_into).transpose()?,
            rules: p.rules,
            retired: p.retired,
            kit_parts: p.kit_parts.map(kit_parts_in).transpose()?,
        })
    }
}

/// Which items to list. Every field is optional; the default lists the first 100 items in
/// the catalogue by name.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct ItemFilter {
    /// Words to search for (case- and diacritic-insensitive, by word prefix: `jordf` finds
    /// `Jordfräs`).
    #[uniffi(default = None)]
    pub text: Option<String>,
    /// Only this category.
    #[uniffi(default = None)]
    pub category: Option<String>,
    /// Only items with this tag.
    #[uniffi(default = None)]
    pub tag: Option<String>,
    /// Only items in this condition.
    #[uniffi(default = None)]
    pub condition: Option<Condition>,
    /// Only items whose location contains this text.
    #[uniffi(default = None)]
    pub location: Option<String>,
    /// Include retired items.
    #[uniffi(default = false)]
    pub include_retired: bool,
    /// At most this many (0 means 100).
    #[uniffi(default = 0)]
    pub limit: u32,
    /// Skip this many.
    #[uniffi(default = 0)]
    pub offset: u32,
}

impl From<ItemFilter> for CoreItemFilter {
    fn from(f: ItemFilter) -> Self {
        Self {
            text: f.text,
            category: f.category,
            tag: f.tag,
            condition: f.condition,
            location: f.location,
            include_retired: f.include_retired,
            limit: f.limit,
            offset: f.offset,
        }
    }
}

/// A category in use and how many current items it has.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CategoryCount {
    /// The category (lowercase; empty for items without one).
    pub category: String,
    /// Items in it (retired ones not counted).
    pub count: u32,
}

/// A core draft's quantity as the bindings' unit count (a core draft holds 1 to 10,000; any
/// other value is clamped to the `u32` range rather than wrapped).
fn quantity_out(quantity: i64) -> u32 {
    u32::try_from(quantity.clamp(0, i64::from(u32::MAX))).unwrap_or(u32::MAX)
}
