//! The activity history.

use delbar_core::store::ActivityFilter as CoreActivityFilter;

use super::ids;
use crate::DelbarError;

/// Whose history to list; the default lists the whole group's.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct ActivityFilter {
    /// Only entries about this item.
    #[uniffi(default = None)]
    pub item_id: Option<String>,
    /// Only entries by or about this member.
    #[uniffi(default = None)]
    pub member_id: Option<String>,
}

impl TryFrom<ActivityFilter> for CoreActivityFilter {
    type Error = DelbarError;

    fn try_from(f: ActivityFilter) -> Result<Self, DelbarError> {
        Ok(Self {
            item: ids::opt(f.item_id.as_deref(), ids::item)?,
            member: ids::opt(f.member_id.as_deref(), ids::member)?,
        })
    }
}
