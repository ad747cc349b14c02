//! What the network commands share: the text form of a device's address ([`address`]) and
//! starting this device's sync service from the command line's options ([`service`]).

pub mod address;
pub mod service;
