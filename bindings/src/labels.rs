//! Labels and scanning for apps: label sheets to print (PDF bytes or SVG pages), and what a
//! scanned label offers now. The app scans with the platform's scanner (CameraX / ML Kit,
//! VisionKit) and hands the text to `resolveScan`; nothing here needs a network.

use std::sync::Arc;

pub use delbar_core::domain::label::ScanAction;
use delbar_core::domain::label::{self as core_label, LabelCode};
use delbar_core::i18n;
use delbar_core::store::ScanOutcome as CoreScanOutcome;

use crate::error::{DelbarError, guard};
use crate::locale;
use crate::records::{Booking, Item, Timestamp, ids};
use crate::store::DelbarStore;

/// Why a scan offers nothing (or nothing more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ScanNoteKind {
    /// The item is retired.
    Retired,
    /// The item is out of service.
    OutOfService,
    /// The member has no booking of it to pick up or return.
    NothingBooked,
    /// The member's next booking of it starts later than the pickup window reaches.
    BookedLater,
    /// The member's booking waits for a steward's approval.
    AwaitingApproval,
    /// A steward hands this item out and takes it back.
    NotSelfService,
    /// The units are taken until the member's booking starts.
    TakenUntilStart,
    /// No unit is free for a walk-up loan.
    NoFreeUnits,
    /// A loan rule refuses a walk-up loan now (`text` says which).
    WalkUpRefused,
}

/// Why a scan offers nothing (more), with the sentence to show.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScanNote {
    /// Which reason.
    pub kind: ScanNoteKind,
    /// The booking it is about, if any.
    pub booking_id: Option<String>,
    /// That booking's start, if it matters.
    pub start: Option<Timestamp>,
    /// The sentence for a person, in the locale set with `setLocale`.
    pub text: String,
}

impl From<core_label::ScanNote> for ScanNote {
    fn from(n: core_label::ScanNote) -> Self {
        use core_label::ScanNote as N;
        let text = i18n::scan_note_in(&n, locale::current(), &crate::zone::current());
        let (kind, booking_id, start) = match n {
            N::Retired => (ScanNoteKind::Retired, None, None),
            N::OutOfService => (ScanNoteKind::OutOfService, None, None),
            N::NothingBooked => (ScanNoteKind::NothingBooked, None, None),
            N::BookedLater { booking, start } => (ScanNoteKind::BookedLater, Some(booking), Some(start)),
            N::AwaitingApproval { booking } => (ScanNoteKind::AwaitingApproval, Some(booking), None),
            N::NotSelfService => (ScanNoteKind::NotSelfService, None, None),
            N::TakenUntilStart { booking, start } => (ScanNoteKind::TakenUntilStart, Some(booking), Some(start)),
            N::NoFreeUnits => (ScanNoteKind::NoFreeUnits, None, None),
            N::WalkUpRefused { .. } => (ScanNoteKind::WalkUpRefused, None, None),
        };
        ScanNote { kind, booking_id: booking_id.map(|b| b.to_string()), start, text }
    }
}

/// An item a typed code matched, with its group.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScanMatch {
    /// The item's group.
    pub group_id: String,
    /// The item.
    pub item: Item,
}

/// What a scanned or typed text turned out to be on this device.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[allow(clippy::large_enum_variant, reason = "one answer per scan, copied across the FFI anyway")]
pub enum ScanOutcome {
    /// Neither a Delbar label nor an item code.
    NotALabel,
    /// A Delbar label of a group this device does not hold.
    OtherGroup,
    /// No item here has this code (it may come with the next sync).
    UnknownItem {
        /// The label's group, when this device holds it.
        group_id: Option<String>,
    },
    /// A typed code that matches several items: ask which.
    Ambiguous {
        /// The matching items.
        matches: Vec<ScanMatch>,
    },
    /// This device holds the group but is no longer a member's device there.
    NotAMember {
        /// The group.
        group_id: String,
    },
    /// The item and what the scanning member can do with it now.
    Found {
        /// The item's group.
        group_id: String,
        /// The item.
        item: Item,
        /// The item's code as printed on its label (`X9D4-T0BC`).
        code: String,
        /// The actions offered, the likeliest first.
        actions: Vec<ScanAction>,
        /// Why nothing (more) is offered.
        note: Option<ScanNote>,
    },
}

impl From<CoreScanOutcome> for ScanOutcome {
    fn from(o: CoreScanOutcome) -> Self {
        match o {
            CoreScanOutcome::NotALabel => ScanOutcome::NotALabel,
            CoreScanOutcome::OtherGroup => ScanOutcome::OtherGroup,
            CoreScanOutcome::UnknownItem { group } => {
                ScanOutcome::UnknownItem { group_id: group.map(|g| g.to_string()) }
            }
            CoreScanOutcome::Ambiguous { matches } => ScanOutcome::Ambiguous {
                matches: matches
                    .into_iter()
                    .map(|(g, i)| ScanMatch { group_id: g.to_string(), item: i.into() })
                    .collect(),
            },
            CoreScanOutcome::NotAMember { group } => ScanOutcome::NotAMember { group_id: group.to_string() },
            CoreScanOutcome::Item { group, item, actions, note } => ScanOutcome::Found {
                group_id: group.to_string(),
                code: LabelCode::of_item(&item.id).printed(),
                item: item.into(),
                actions,
                note: note.map(Into::into),
            },
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl DelbarStore {
    // ---- labels and scanning ----

    /// A PDF of A4 label sheets (24 labels a page: QR code, name, typeable code) for items of
    /// a group, to print or share.
    pub async fn label_sheet_pdf(
        self: Arc<Self>,
        group_id: String,
        item_ids: Vec<String>,
    ) -> Result<Vec<u8>, DelbarError> {
        self.blocking(move |s| {
            let items = item_ids.iter().map(|i| ids::item(i)).collect::<Result<Vec<_>, _>>()?;
            Ok(s.label_sheet_pdf(&ids::group(&group_id)?, &items)?)
        })
        .await
    }

    /// The same sheets as SVG documents, one per A4 page.
    pub async fn label_sheet_svg(
        self: Arc<Self>,
        group_id: String,
        item_ids: Vec<String>,
    ) -> Result<Vec<String>, DelbarError> {
        self.blocking(move |s| {
            let items = item_ids.iter().map(|i| ids::item(i)).collect::<Result<Vec<_>, _>>()?;
            Ok(s.label_sheet_svg(&ids::group(&group_id)?, &items)?)
        })
        .await
    }

    /// What a scanned label's text (or an item code a person typed) is, and what this
    /// device's member can do with the item now. Offline. A typed code is looked for in
    /// `group_id`, or in every group when `null`/`nil`; a label names its own group.
    #[uniffi::method(default(group_id = None))]
    pub async fn resolve_scan(
        self: Arc<Self>,
        text: String,
        group_id: Option<String>,
    ) -> Result<ScanOutcome, DelbarError> {
        self.blocking(move |s| {
            let group = ids::opt(group_id.as_deref(), ids::group)?;
            Ok(s.resolve_scan(group.as_ref(), &text)?.into())
        })
        .await
    }

    /// Does an action a scan offered: checks the booking out, takes the loan back, or makes
    /// the walk-up loan (for `for_member_id`, else oneself; `units`, default 1). Every rule
    /// is checked again. Returns the booking as it is now.
    #[uniffi::method(default(for_member_id = None, units = None))]
    pub async fn perform_scan_action(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        action: ScanAction,
        for_member_id: Option<String>,
        units: Option<u32>,
    ) -> Result<Booking, DelbarError> {
        self.blocking(move |s| {
            let group = ids::group(&group_id)?;
            let item = ids::item(&item_id)?;
            let for_member = ids::opt(for_member_id.as_deref(), ids::member)?;
            let booking = match action {
                ScanAction::CheckOut { booking } => {
                    s.act_on_booking(&group, &booking.id, delbar_core::domain::BookingAction::CheckOut)?
                }
                ScanAction::Return { booking } => {
                    s.act_on_booking(&group, &booking.id, delbar_core::domain::BookingAction::Return)?
                }
                ScanAction::WalkUp { until, .. } => {
                    s.walk_up_loan(&group, &item, units.unwrap_or(1), Some(until), for_member.as_ref())?
                }
            };
            Ok(booking)
        })
        .await
    }

    /// A steward's walk-up loan at the shelf: books from now until `until` (default: now
    /// plus the shorter of a day and the item's longest loan) and checks out, in one step.
    #[uniffi::method(default(units = 1, until = None, for_member_id = None))]
    pub async fn walk_up_loan(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        units: u32,
        until: Option<Timestamp>,
        for_member_id: Option<String>,
    ) -> Result<Booking, DelbarError> {
        self.blocking(move |s| {
            let for_member = ids::opt(for_member_id.as_deref(), ids::member)?;
            Ok(s.walk_up_loan(&ids::group(&group_id)?, &ids::item(&item_id)?, units, until, for_member.as_ref())?)
        })
        .await
    }
}

/// The text of an item's label QR code (`DELBAR:<group code>:<item code>`).
#[uniffi::export]
pub fn label_text(group_id: String, item_id: String) -> Result<String, DelbarError> {
    guard(|| Ok(core_label::label_text(&ids::group(&group_id)?, &ids::item(&item_id)?)))
}

/// The code printed under an item's QR code, for a person to type (`X9D4-T0BC`).
#[uniffi::export]
pub fn item_code(item_id: String) -> Result<String, DelbarError> {
    guard(|| Ok(LabelCode::of_item(&ids::item(&item_id)?).printed()))
}
