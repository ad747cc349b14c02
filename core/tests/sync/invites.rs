//! Invites: expiry, reuse, revocation and who may invite, over real iroh endpoints on
//! loopback; their QR codes as PNG and SVG.

use delbar_core::domain::{DomainError, Role};
use delbar_core::net::{Invite, NetError, SyncService, create_invite, list_invites, revoke_invite};
use delbar_core::time::{Clock, HOUR_MS, Timestamp};
use delbar_core::{Error, ids::GroupId};

use crate::fixtures::{Lab, add_member, assert_converged};
use crate::net::{serve, store};

fn invite(lab: &Lab, by: &SyncService, g: &GroupId, role: Role, uses: u32) -> Result<Invite, Error> {
    let expires = lab.clock.now().plus_ms(24 * HOUR_MS);
    create_invite(&store(by), g, by.addr().unwrap(), role, expires, uses)
}

fn net_error(e: Error) -> NetError {
    match e {
        Error::Net(n) => n,
        other => panic!("expected an invite error, got {other:?}"),
    }
}

#[test]
fn an_expired_invite_is_refused_by_both_devices() {
    let mut lab = Lab::new();
    let (s, g, _) = lab.steward();
    let steward = serve(s);
    let invite = invite(&lab, &steward, &g, Role::Member, 3).unwrap();
    let newcomer = serve(lab.device());
    lab.clock.advance(25 * HOUR_MS);
    // The redeeming device sees the expiry itself...
    assert_eq!(net_error(newcomer.redeem(&invite, "Nils", "").unwrap_err()), NetError::InviteExpired);
    // ...and the inviter checks its own record, whatever the code claims.
    let mut stretched = invite.clone();
    stretched.expires = Timestamp(i64::MAX);
    assert_eq!(net_error(newcomer.redeem(&stretched, "Nils", "").unwrap_err()), NetError::InviteExpired);
    assert!(store(&newcomer).groups().unwrap().is_empty());
    assert!(list_invites(&store(&steward), &g).unwrap().is_empty());
}

#[test]
fn an_invite_for_two_devices_is_used_up_by_the_third() {
    let mut lab = Lab::new();
    let (s, g, _) = lab.steward();
    let steward = serve(s);
    let invite = invite(&lab, &steward, &g, Role::Member, 2).unwrap();
    let (a, b, c) = (serve(lab.device()), serve(lab.device()), serve(lab.device()));
    a.redeem(&invite, "Anna", "").unwrap();
    assert_eq!(list_invites(&store(&steward), &g).unwrap()[0].uses_left, 1);
    // Redeeming again from a device that joined does not use the invite up.
    a.redeem(&invite, "Anna", "").unwrap();
    b.redeem(&invite, "Bo", "").unwrap();
    assert_eq!(net_error(c.redeem(&invite, "Cia", "").unwrap_err()), NetError::InviteUsedUp);
    assert!(store(&c).groups().unwrap().is_empty());
    assert_eq!(store(&steward).members(&g).unwrap().len(), 3);
    assert_converged(&mut store(&steward), &mut store(&b), &g);
}

#[test]
fn a_revoked_invite_is_refused_and_no_longer_listed() {
    let mut lab = Lab::new();
    let (s, g, _) = lab.steward();
    let steward = serve(s);
    let kept = invite(&lab, &steward, &g, Role::Member, 1).unwrap();
    let revoked = invite(&lab, &steward, &g, Role::Steward, 1).unwrap();
    let listed: Vec<String> = list_invites(&store(&steward), &g).unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&kept.id()) && listed.contains(&revoked.id()));
    revoke_invite(&store(&steward), &g, &revoked.id()).unwrap();
    revoke_invite(&store(&steward), &g, &revoked.id()).unwrap();
    assert_eq!(
        net_error(revoke_invite(&store(&steward), &g, "aaaaaaaaaaaaaaaa").unwrap_err()),
        NetError::InviteUnknown
    );
    let listed = list_invites(&store(&steward), &g).unwrap();
    assert_eq!(listed.iter().map(|i| i.id.clone()).collect::<Vec<_>>(), vec![kept.id()]);

    let newcomer = serve(lab.device());
    assert_eq!(net_error(newcomer.redeem(&revoked, "Nils", "").unwrap_err()), NetError::InviteRevoked);
    assert!(store(&newcomer).groups().unwrap().is_empty());
    newcomer.redeem(&kept, "Nils", "").unwrap();
    assert_eq!(store(&newcomer).me(&g).unwrap().role, Role::Member);
}

#[test]
fn a_stranger_probing_with_a_made_up_secret_learns_nothing() {
    let mut lab = Lab::new();
    let (s, g, _) = lab.steward();
    let steward = serve(s);
    let mut probe = invite(&lab, &steward, &g, Role::Member, 1).unwrap();
    probe.secret = [7; 32];
    let stranger = serve(lab.device());
    assert_eq!(net_error(stranger.redeem(&probe, "X", "").unwrap_err()), NetError::InviteUnknown);
    // A group the inviter does not hold looks exactly the same.
    probe.group = GroupId::generate();
    assert_eq!(net_error(stranger.redeem(&probe, "X", "").unwrap_err()), NetError::InviteUnknown);
    assert!(store(&stranger).groups().unwrap().is_empty());
}

#[test]
fn members_invite_only_when_the_group_allows_it_and_only_as_members() {
    let mut lab = Lab::new();
    let (mut s, g, _) = lab.steward();
    let olle = lab.device();
    add_member(&mut s, &g, &olle, "Olle", Role::Member);
    let (steward, olle) = (serve(s), serve(olle));
    crate::net::sync(&olle, &steward, &g);
    let refused = invite(&lab, &olle, &g, Role::Member, 1).unwrap_err();
    assert!(
        matches!(refused, Error::Domain(DomainError::NotPermitted { action: "invite members", .. })),
        "{refused:?}"
    );

    store(&steward).update_group_sync(&g, None, Some(true)).unwrap();
    crate::net::sync(&olle, &steward, &g);
    assert!(store(&olle).group(&g).unwrap().members_may_invite);
    let refused = invite(&lab, &olle, &g, Role::Steward, 1).unwrap_err();
    assert!(matches!(refused, Error::Domain(DomainError::NotPermitted { action: "invite stewards", .. })));
    let by_olle = invite(&lab, &olle, &g, Role::Member, 1).unwrap();
    let friend = serve(lab.device());
    friend.redeem(&by_olle, "Vän", "").unwrap();
    assert_eq!(store(&friend).me(&g).unwrap().name, "Vän");
    // Olle cannot revoke the steward's invites, only his own.
    let stewards = invite(&lab, &steward, &g, Role::Member, 1).unwrap();
    assert!(list_invites(&store(&olle), &g).unwrap().is_empty());
    let err = revoke_invite(&store(&olle), &g, &stewards.id()).unwrap_err();
    assert_eq!(net_error(err), NetError::InviteUnknown);
}

#[test]
fn the_qr_code_comes_as_a_png_and_as_svg() {
    let mut lab = Lab::new();
    let (s, g, _) = lab.steward();
    let steward = serve(s);
    let invite = invite(&lab, &steward, &g, Role::Member, 1).unwrap();
    let version = invite.qr_version().unwrap();
    let side = (17 + 4 * version as u32 + 8) * 4;
    let png = invite.qr_png(4).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), side);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), side);
    assert!(matches!(invite.qr_png(0).unwrap_err(), Error::Net(NetError::InvalidQrScale { scale: 0 })));

    let svg = invite.qr_svg().unwrap();
    let svg = svg.trim();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.ends_with("</svg>"), "{svg}");
    assert_eq!(svg.matches('<').count(), svg.matches('>').count());
    assert!(svg.contains("#000000"));
}
