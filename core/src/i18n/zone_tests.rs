//! Instants in IANA time zones with summer time, and that writing any instant never fails.

use proptest::prelude::*;

use super::*;
use crate::domain::DomainError;
use crate::store::NotificationDetail;
use crate::time::{HOUR_MS, MINUTE_MS};

fn utc(month: u32, day: u32, hour: u32, minute: u32) -> Timestamp {
    Timestamp::from_civil(2026, month, day, hour, minute).unwrap()
}

fn zone(name: &str) -> TimeZone {
    time_zone(name).unwrap()
}

fn booking(start: Timestamp, end: Timestamp) -> Notification {
    Notification {
        id: 1,
        group: crate::ids::GroupId::generate(),
        member: crate::ids::MemberId::generate(),
        kind: NotificationKind::BookingConfirmed,
        booking: None,
        item: None,
        detail: NotificationDetail {
            item_name: "Släpvagn".into(),
            start: Some(start),
            end: Some(end),
            ..NotificationDetail::default()
        },
        created: start,
        acknowledged: false,
    }
}

#[test]
fn a_booking_across_the_end_of_summer_time_shows_the_local_hours() {
    // Saturday 24 October 2026 18:00 CEST (16:00 UTC) to Sunday 25 October 12:00 CET
    // (11:00 UTC): the clocks go back from 03:00 to 02:00 in between.
    let n = booking(utc(10, 24, 16, 0), utc(10, 25, 11, 0));
    let stockholm = zone("Europe/Stockholm");
    assert_eq!(
        notification_body_in(&n, Locale::Sv, &stockholm),
        "Din bokning av Släpvagn (24 okt. 2026 kl. 18:00 – 25 okt. 2026 kl. 12:00) är bekräftad."
    );
    assert_eq!(
        notification_body_in(&n, Locale::Nb, &zone("Europe/Oslo")),
        "Bookingen din av Släpvagn (24. okt. 2026 kl. 18:00 – 25. okt. 2026 kl. 12:00) er bekreftet."
    );
    assert_eq!(
        notification_body_in(&n, Locale::En, &zone("europe/london")),
        "Your booking of Släpvagn (24 Oct 2026, 17:00 – 25 Oct 2026, 11:00) is confirmed."
    );
    // The same booking in UTC, marked so.
    assert_eq!(
        notification_body(&n, Locale::En),
        "Your booking of Släpvagn (24 Oct 2026, 16:00 – 25 Oct 2026, 11:00 UTC) is confirmed."
    );
    // The hour that happens twice: 02:30 CEST, then 02:30 CET an hour later.
    let first = utc(10, 25, 0, 30);
    let second = first.plus_ms(HOUR_MS);
    assert_eq!(window_in(first, second, Locale::Sv, &stockholm), "25 okt. 2026 kl. 02:30–02:30");
    // A summer instant and a winter one in the same zone differ by their offset.
    assert_eq!(instant_in(utc(7, 1, 12, 0), Locale::Sv, &stockholm), "1 juli 2026 kl. 14:00");
    assert_eq!(instant_in(utc(12, 7, 13, 0), Locale::Sv, &stockholm), "7 dec. 2026 kl. 14:00");
}

#[test]
fn errors_write_their_instants_in_the_zone() {
    let e = Error::Domain(DomainError::Unavailable {
        item: "Stege".into(),
        free: 0,
        requested: 1,
        start: utc(3, 29, 0, 0),
        end: utc(3, 29, 3, 0),
    });
    // The clocks go forward at 02:00 CET on 29 March 2026: 01:00 CET to 05:00 CEST.
    let text = error_message_in(&e, Locale::Sv, &zone("Europe/Stockholm"));
    assert!(text.contains("29 mars 2026 kl. 01:00–05:00"), "{text}");
    assert!(!text.contains("UTC"), "{text}");
}

#[test]
fn an_unknown_zone_is_refused_by_name() {
    for name in ["Europe/Stockhom", "", "CET+1", "../etc/passwd", "Mars/Olympus_Mons"] {
        let e = time_zone(name).unwrap_err();
        assert_eq!(e.name, name);
        for locale in Locale::ALL {
            assert!(unknown_time_zone_message(&e, locale).contains("Europe/"), "{locale}: {e}");
        }
    }
    assert_eq!(zone(" europe/STOCKHOLM ").iana_name(), Some("Europe/Stockholm"));
    assert_eq!(zone("UTC").iana_name(), Some("UTC"));
}

fn zones() -> impl Strategy<Value = TimeZone> {
    prop::sample::select(vec!["UTC", "Europe/Stockholm", "Europe/Oslo", "America/St_Johns", "Pacific/Kiritimati"])
        .prop_map(zone)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any i64 millisecond instant is written in every locale and zone without panicking.
    #[test]
    fn any_instant_is_written(ms in any::<i64>(), end in any::<i64>(), zone in zones()) {
        for locale in Locale::ALL {
            prop_assert!(!instant_in(Timestamp(ms), locale, &zone).is_empty());
            prop_assert!(!window_in(Timestamp(ms), Timestamp(end), locale, &zone).is_empty());
        }
    }

    /// Within the years a booking may use (1970 to 9999), the local date and time with the
    /// zone's offset at that instant give back the instant, and the English text reads back
    /// as the same minute.
    #[test]
    fn each_instant_round_trips(ms in 0..Timestamp::month_start(10_000, 1).0, zone in zones()) {
        let at = jiff::Timestamp::from_millisecond(ms).unwrap();
        let civil = civil_in(Timestamp(ms), &zone);
        let offset = zone.to_offset(at);
        prop_assert_eq!(offset.to_timestamp(civil).unwrap(), at);

        let text = Clock { locale: Locale::En, zone: &zone }.date_time(Timestamp(ms));
        let read = jiff::civil::DateTime::strptime("%d %b %Y, %H:%M", &text).unwrap();
        let minute = ms.div_euclid(MINUTE_MS) * MINUTE_MS;
        prop_assert_eq!(offset.to_timestamp(read).unwrap().as_millisecond(), minute, "{}", text);
    }
}
