// Sync, invites and bundles from Swift: the scenarios of bindings/kotlin/src/SyncTest.kt, with
// real stores and real iroh endpoints on the loopback interface (no mDNS, no relay).
import Delbar
import Foundation
import XCTest

/// Loopback only: what tests and same-machine use want.
let loopback = SyncConfig(allInterfaces: false, mdns: false, relay: .disabled)

/// No awaited event came.
struct NoEvent: Error {}

/// A sync listener that keeps every event (called from the sync service's threads).
final class SyncEventLog: SyncEventListener, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [SyncEvent] = []

    func onSyncEvent(event: SyncEvent) {
        lock.lock()
        items.append(event)
        lock.unlock()
    }

    var heard: [SyncEvent] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }

    /// The first `Synced` event heard, waiting for it (the served side may finish after the
    /// dialling side returned).
    func synced() async throws -> SyncEvent {
        for _ in 0..<3000 {
            if let event = heard.first(where: { if case .synced = $0 { return true } else { return false } }) {
                return event
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw NoEvent()
    }
}

final class SyncTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("delbar-swift-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func openStore(_ name: String) async throws -> DelbarStore {
        try await DelbarStore.open(path: dir.appendingPathComponent(name).path)
    }

    /// Anna's device with a group and a tiller; Olle's device joined through an invite.
    private func pair() async throws -> (anna: DelbarStore, olle: DelbarStore, gid: String, tiller: Item) {
        let anna = try await openStore("anna.db")
        let olle = try await openStore("olle.db")
        let gid = try await anna.createGroup(name: "Odlingsakademin Lövåsen", description: "", myName: "Anna").id
        let tiller = try await anna.addItem(groupId: gid, draft: itemDraft(name: "Jordfräs"))
        _ = try await anna.startSync(config: loopback)
        _ = try await olle.startSync(config: loopback)
        let invite = try await anna.createInvite(groupId: gid, role: .member, expires: try anna.now() + day, uses: 1)
        let joined = try await olle.redeemInvite(code: invite.code, myName: "Olle", deviceLabel: "Olles telefon")
        XCTAssertEqual(joined, gid)
        return (anna, olle, gid, tiller)
    }

    private func book(_ store: DelbarStore, _ gid: String, _ item: Item, hoursAhead: Double) async throws -> Booking {
        let start = hoursAfter(try store.now(), hoursAhead)
        return try await store.book(groupId: gid, request: NewBooking(itemId: item.id, units: 1, start: start, end: start + 2 * hour))
    }

    func testTwoStoresSyncOverLoopbackAfterAnInvite() async throws {
        let (anna, olle, gid, tiller) = try await pair()
        let olleMe = try await olle.me(groupId: gid)
        XCTAssertEqual(olleMe.name, "Olle")
        _ = try await book(anna, gid, tiller, hoursAhead: 30)
        _ = try await book(olle, gid, tiller, hoursAhead: 34)
        let report = try await olle.syncWith(peerAddress: try anna.syncAddress(), groupId: gid)
        XCTAssertGreaterThan(report.documentsChanged, 0)
        let annaBookings = try await anna.listBookings(groupId: gid)
        let olleBookings = try await olle.listBookings(groupId: gid)
        XCTAssertEqual(annaBookings.count, 2)
        XCTAssertEqual(annaBookings, olleBookings)
        let bad = await delbarErrorAsync("a malformed address") { try await olle.syncWith(peerAddress: "not an address", groupId: gid) }
        guard case .InvalidInput? = bad else { return XCTFail("expected InvalidInput: \(String(describing: bad))") }
        olle.stopSync()
        anna.stopSync()
    }

    func testTheSyncListenerHearsSyncedWithAndStatusShowsThePeer() async throws {
        let (anna, olle, gid, tiller) = try await pair()
        let annaLog = SyncEventLog()
        let olleLog = SyncEventLog()
        anna.setSyncListener(listener: annaLog)
        olle.setSyncListener(listener: olleLog)
        _ = try await book(anna, gid, tiller, hoursAhead: 30)
        _ = try await olle.syncWith(peerAddress: try anna.syncAddress(), groupId: gid)

        guard case let .synced(peer, group, direction, _, changed, _, _) = try await olleLog.synced() else { return XCTFail() }
        XCTAssertEqual(peer, try anna.deviceId())
        XCTAssertEqual(group, gid)
        XCTAssertEqual(direction, .dialled)
        XCTAssertGreaterThan(changed, 0)
        guard case let .synced(servedPeer, _, servedDirection, _, _, _, _) = try await annaLog.synced() else { return XCTFail() }
        XCTAssertEqual(servedPeer, try olle.deviceId())
        XCTAssertEqual(servedDirection, .served)

        let status = try await anna.syncStatus()
        XCTAssertTrue(status.running)
        XCTAssertEqual(status.relays, [])
        let olleId = try olle.deviceId()
        let olleSeen = try XCTUnwrap(status.peers.first { $0.deviceId == olleId })
        XCTAssertEqual(olleSeen.memberName, "Olle")
        XCTAssertNotNil(olleSeen.lastSync)
        XCTAssertEqual(olleSeen.pendingDocuments, 0)
        anna.stopSync()
        let stopStatus = try await anna.syncStatus()
        XCTAssertFalse(stopStatus.running)
        let stopped = await delbarErrorAsync("sync while stopped") { try await anna.syncWith(peerAddress: try olle.syncAddress(), groupId: gid) }
        guard case .SyncNotRunning? = stopped else { return XCTFail("expected SyncNotRunning: \(String(describing: stopped))") }
        olle.stopSync()
    }

    func testABundleFromOneDeviceReachesAThirdDevice() async throws {
        let anna = try await openStore("anna.db")
        let cia = try await openStore("cia.db")
        let gid = try await anna.createGroup(name: "Folkverkstan", description: "", myName: "Anna").id
        _ = try await anna.addMember(groupId: gid, name: "Cia", role: .member, deviceId: try cia.deviceId(), deviceLabel: "Cias telefon")
        let saw = try await anna.addItem(groupId: gid, draft: itemDraft(name: "Bandsåg"))
        _ = try await book(anna, gid, saw, hoursAhead: 30)
        let bytes = try await anna.exportBundle(groupId: gid)
        let first = try await cia.importBundle(bytes: bytes)
        XCTAssertGreaterThan(first.documentsChanged, 0)
        let ciaBookings = try await cia.listBookings(groupId: gid)
        XCTAssertEqual(ciaBookings.count, 1)
        let file = dir.appendingPathComponent("lövåsen.delbar").path
        _ = try await anna.exportBundleToFile(groupId: gid, path: file, forDeviceId: try cia.deviceId())
        let again = try await cia.importBundleFromFile(path: file, groupId: gid)
        XCTAssertEqual(again.documentsChanged, 0)
    }

    func testACorruptedBundleIsATypedErrorAndAppliesNothing() async throws {
        let anna = try await openStore("anna.db")
        let cia = try await openStore("cia.db")
        let gid = try await anna.createGroup(name: "Folkverkstan", description: "", myName: "Anna").id
        _ = try await anna.addMember(groupId: gid, name: "Cia", role: .member, deviceId: try cia.deviceId())
        var bytes = try await anna.exportBundle(groupId: gid)
        bytes[bytes.count / 2] ^= 0x40
        let damaged = bytes
        let e = await delbarErrorAsync("a damaged bundle") { try await cia.importBundle(bytes: damaged) }
        guard case .BadBundle? = e else { return XCTFail("expected BadBundle: \(String(describing: e))") }
        let ciaGroups = try await cia.listGroups()
        XCTAssertEqual(ciaGroups, [])
    }

    func testExpiredRevokedAndUsedUpInvitesAreTypedErrors() async throws {
        let anna = try await openStore("anna.db")
        let olle = try await openStore("olle.db")
        let eva = try await openStore("eva.db")
        let gid = try await anna.createGroup(name: "Folkverkstan", description: "", myName: "Anna").id
        for store in [anna, olle, eva] { _ = try await store.startSync(config: loopback) }

        let expiring = try await anna.createInvite(groupId: gid, role: .member, expires: try anna.now() + 0.001, uses: 1)
        while try olle.now() <= expiring.expires { try await Task.sleep(nanoseconds: 5_000_000) }
        let expired = await delbarErrorAsync("an expired invite") { try await olle.redeemInvite(code: expiring.code, myName: "Olle") }
        guard case .InviteExpired? = expired else { return XCTFail("expected InviteExpired: \(String(describing: expired))") }

        let revoked = try await anna.createInvite(groupId: gid, role: .member, expires: try anna.now() + day, uses: 1)
        let kept = try await anna.createInvite(groupId: gid, role: .member, expires: try anna.now() + day, uses: 1)
        try await anna.revokeInvite(groupId: gid, inviteId: revoked.id)
        let invites = try await anna.listInvites(groupId: gid)
        XCTAssertEqual(invites.map { $0.id }, [kept.id])
        let gone = await delbarErrorAsync("a revoked invite") { try await olle.redeemInvite(code: revoked.code, myName: "Olle") }
        guard case .InviteRevoked? = gone else { return XCTFail("expected InviteRevoked: \(String(describing: gone))") }

        _ = try await olle.redeemInvite(code: kept.code, myName: "Olle")
        let usedUp = await delbarErrorAsync("an invite used up") { try await eva.redeemInvite(code: kept.code, myName: "Eva") }
        guard case .InviteUsedUp? = usedUp else { return XCTFail("expected InviteUsedUp: \(String(describing: usedUp))") }
        let unknown = await delbarErrorAsync("not an invite") { try await eva.redeemInvite(code: "DELBAR1NOTACODE", myName: "Eva") }
        guard case .InviteUnknown? = unknown else { return XCTFail("expected InviteUnknown: \(String(describing: unknown))") }
        let evaGroups = try await eva.listGroups()
        XCTAssertEqual(evaGroups, [])
        for store in [eva, olle, anna] { store.stopSync() }
    }

    func testInviteQrCodesComeAsPngAndSvg() async throws {
        let anna = try await openStore("anna.db")
        let gid = try await anna.createGroup(name: "Folkverkstan", description: "", myName: "Anna").id
        _ = try await anna.startSync(config: loopback)
        let invite = try await anna.createInvite(groupId: gid, role: .member, expires: try anna.now() + day, uses: 1)
        anna.stopSync()
        XCTAssertLessThanOrEqual(invite.qrVersion, 10)
        let png = try inviteQrPng(code: invite.code, scale: 4)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let svg = try inviteQrSvg(code: invite.code).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(svg.contains("<svg") && svg.hasSuffix("</svg>"))
    }
}
