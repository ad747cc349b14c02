// The XCTest suite of the Delbar Swift bindings: the main scenarios of the Kotlin suite
// (bindings/kotlin/src), against the generated Swift API and the real Rust library.
// Run with `swift test` (macOS slice) or in Xcode on an iOS simulator; see ios/README.md.
import Delbar
import Foundation
import XCTest

// Foundation also has a `Notification`: name Delbar's one explicitly.
typealias DelbarNotification = Delbar.Notification

let hour: TimeInterval = 3600
let day: TimeInterval = 24 * hour

/// The start of the hour `t` is in, plus `hours` hours.
func hoursAfter(_ t: Date, _ hours: Double) -> Date {
    Date(timeIntervalSince1970: ((t.timeIntervalSince1970 / hour).rounded(.down) + hours) * hour)
}

/// A Swift listener that keeps what it hears (called from Rust's threads).
final class Collector: NotificationListener, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DelbarNotification] = []

    func onNotification(n: DelbarNotification) {
        lock.lock()
        items.append(n)
        lock.unlock()
    }

    var heard: [DelbarNotification] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

/// Runs `expression`, expecting a `DelbarError`; returns it (or fails the test).
func delbarError<T>(
    _ what: String, file: StaticString = #filePath, line: UInt = #line, _ expression: () throws -> T
) -> DelbarError? {
    do {
        _ = try expression()
        XCTFail("\(what): nothing was thrown", file: file, line: line)
    } catch let error as DelbarError {
        return error
    } catch {
        XCTFail("\(what): expected a DelbarError, got \(error)", file: file, line: line)
    }
    return nil
}

/// The same for `async` calls (a separate name: in an async test an overload would be
/// resolved to the async one even for a synchronous closure).
func delbarErrorAsync<T>(
    _ what: String, file: StaticString = #filePath, line: UInt = #line, _ expression: () async throws -> T
) async -> DelbarError? {
    do {
        _ = try await expression()
        XCTFail("\(what): nothing was thrown", file: file, line: line)
    } catch let error as DelbarError {
        return error
    } catch {
        XCTFail("\(what): expected a DelbarError, got \(error)", file: file, line: line)
    }
    return nil
}

final class DelbarTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("delbar-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        _ = setLocale(tag: "en")
        try? FileManager.default.removeItem(at: dir)
    }

    private func openStore(_ name: String = "delbar.db") async throws -> DelbarStore {
        try await DelbarStore.open(path: dir.appendingPathComponent(name).path)
    }

    private func tomorrow(_ store: DelbarStore) throws -> Date {
        hoursAfter(try store.now(), 24)
    }

    private func addItem(
        _ store: DelbarStore, _ gid: String, _ name: String, quantity: UInt32 = 1, category: String = "garden"
    ) async throws -> Item {
        var draft = itemDraft(name: name)
        draft.quantity = quantity
        draft.category = category
        return try await store.addItem(groupId: gid, draft: draft)
    }

    private func book(_ store: DelbarStore, _ gid: String, _ item: Item, _ start: Date, hours: Double) async throws -> Booking {
        try await store.book(groupId: gid, request: NewBooking(itemId: item.id, units: 1, start: start, end: start + hours * hour))
    }

    // MARK: store, group, items

    func testStoreGroupAndItemsWithSearch() async throws {
        let store = try await openStore()
        let device = try store.deviceId()
        XCTAssertEqual(device.count, 64)
        XCTAssertTrue(try store.path().hasSuffix("delbar.db"))
        let noGroups = try await store.listGroups()
        XCTAssertEqual(noGroups, [])

        let group = try await store.createGroup(name: "Odlingsakademin Lövåsen", description: "Shared garden tools", myName: "Anna")
        let groups = try await store.listGroups()
        XCTAssertEqual(groups, [group])
        XCTAssertEqual(group.pickupWindowHours, 24)
        let me = try await store.me(groupId: group.id)
        XCTAssertEqual(me.name, "Anna")
        XCTAssertEqual(me.role, .steward)
        XCTAssertEqual(me.devices.map { $0.deviceId }, [device])

        let tiller = try await addItem(store, group.id, "Jordfräs Honda F220")
        _ = try await addItem(store, group.id, "Motorsåg Husqvarna", category: "forest")
        _ = try await addItem(store, group.id, "Stege 4 m", category: "Building")
        let jordf = try await store.searchItems(groupId: group.id, text: "jordf")
        XCTAssertEqual(jordf.map { $0.name }, ["Jordfräs Honda F220"])
        let sag = try await store.searchItems(groupId: group.id, text: "SAG")
        XCTAssertEqual(sag.map { $0.name }, ["Motorsåg Husqvarna"])
        let items = try await store.listItems(groupId: group.id)
        XCTAssertEqual(items.count, 3)
        let building = try await store.listItems(groupId: group.id, filter: ItemFilter(category: "building"))
        XCTAssertEqual(building.map { $0.name }, ["Stege 4 m"])
        let categories = try await store.categories(groupId: group.id)
        XCTAssertEqual(categories.map { $0.category }, ["building", "forest", "garden"])
        let fetched = try await store.getItem(groupId: group.id, itemId: tiller.id)
        XCTAssertEqual(fetched, tiller)
        XCTAssertEqual(tiller.rules, defaultLoanRules())

        let patched = try await store.updateItem(
            groupId: group.id, itemId: tiller.id,
            patch: ItemPatch(quantity: 2, location: Location(text: "Barn, shelf 3", lat: nil, lon: nil))
        )
        XCTAssertEqual(patched.quantity, 2)
        XCTAssertEqual(patched.location.text, "Barn, shelf 3")
        XCTAssertEqual(patched.name, "Jordfräs Honda F220")
    }

    // MARK: bookings

    func testBookingLifecycle() async throws {
        let store = try await openStore()
        let gid = try await store.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        let tiller = try await addItem(store, gid, "Jordfräs")
        let start = try tomorrow(store)
        let booking = try await book(store, gid, tiller, start, hours: 4)
        XCTAssertEqual(booking.state, .confirmed)
        let meId = try await store.me(groupId: gid).id
        XCTAssertEqual(booking.member, meId)
        let checkedOut = try await store.actOnBooking(groupId: gid, bookingId: booking.id, action: .checkOut)
        XCTAssertEqual(checkedOut.state, .checkedOut)
        let returned = try await store.actOnBooking(groupId: gid, bookingId: booking.id, action: .return)
        XCTAssertEqual(returned.state, .returned)

        let illegal = await delbarErrorAsync("returning twice") {
            try await store.actOnBooking(groupId: gid, bookingId: booking.id, action: .return)
        }
        guard case let .IllegalTransition(action, state, _)? = illegal else {
            return XCTFail("expected IllegalTransition, got \(String(describing: illegal))")
        }
        XCTAssertEqual(action, .return)
        XCTAssertEqual(state, .returned)
        XCTAssertEqual(illegal?.description, "cannot return a booking that is returned")

        let later = try await book(store, gid, tiller, start + day, hours: 2)
        let cancelled = try await store.actOnBooking(groupId: gid, bookingId: later.id, action: .cancel)
        XCTAssertEqual(cancelled.state, .cancelled)
        let bookings = try await store.listBookings(groupId: gid)
        XCTAssertEqual(bookings.count, 2)
        let cancelledOnes = try await store.listBookings(groupId: gid, filter: BookingFilter(states: [.cancelled]))
        XCTAssertEqual(cancelledOnes.map { $0.id }, [later.id])
    }

    func testAvailabilityShowsFreeUnitsAndBusySpans() async throws {
        let store = try await openStore()
        let gid = try await store.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        let ladders = try await addItem(store, gid, "Stege", quantity: 2)
        let start = try tomorrow(store)
        _ = try await book(store, gid, ladders, start + 2 * hour, hours: 2)
        let a = try await store.availability(groupId: gid, itemId: ladders.id, start: start, end: start + 8 * hour)
        XCTAssertEqual(a.quantity, 2)
        XCTAssertEqual(a.freeUnits, 1)
        XCTAssertEqual(a.busy, [BusyInterval(start: start + 2 * hour, end: start + 4 * hour, units: 1)])
        _ = try await book(store, gid, ladders, start + 3 * hour, hours: 2)
        let full = try await store.availability(groupId: gid, itemId: ladders.id, start: start, end: start + 8 * hour)
        XCTAssertEqual(full.freeUnits, 0)
        let refused = await delbarErrorAsync("overbooking") { try await self.book(store, gid, ladders, start + 3 * hour, hours: 1) }
        guard case let .Unavailable(reason, _)? = refused else { return XCTFail("expected Unavailable: \(String(describing: refused))") }
        XCTAssertTrue(reason.contains("Stege"), reason)
        let tooLong = await delbarErrorAsync("a loan over 168 h") { try await self.book(store, gid, ladders, start + 2 * day, hours: 200) }
        guard case let .LoanRule(rule, _)? = tooLong else { return XCTFail("expected LoanRule: \(String(describing: tooLong))") }
        XCTAssertTrue(rule.contains("168"), rule)
    }

    // MARK: activity

    func testActivityPagesWithACursor() async throws {
        let store = try await openStore()
        let gid = try await store.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        // Entries of the same millisecond are ordered by id: keep the writes apart.
        func apart<T>(_ write: () async throws -> T) async rethrows -> T {
            let result = try await write()
            usleep(3_000)
            return result
        }
        usleep(3_000)
        let tiller = try await apart { try await addItem(store, gid, "Jordfräs") }
        for i in 0..<3 { _ = try await apart { try await addItem(store, gid, "Spade \(i)") } }
        let b = try await apart { try await book(store, gid, tiller, try tomorrow(store), hours: 3) }
        _ = try await store.actOnBooking(groupId: gid, bookingId: b.id, action: .cancel)

        let all = try await store.activity(groupId: gid, limit: 1000)
        XCTAssertEqual(all.entries.count, 7)
        XCTAssertNil(all.next)
        XCTAssertEqual(all.entries.last?.action, .groupCreated)
        XCTAssertEqual(all.entries.first?.action, .bookingCancelled)

        var paged: [ActivityEntry] = []
        var cursor: String? = nil
        var pages = 0
        repeat {
            let page = try await store.activity(groupId: gid, before: cursor, limit: 3)
            XCTAssertLessThanOrEqual(page.entries.count, 3)
            paged += page.entries
            cursor = page.next
            pages += 1
        } while cursor != nil
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(paged.map { $0.id }, all.entries.map { $0.id })
        let tillers = try await store.activity(groupId: gid, filter: ActivityFilter(itemId: tiller.id))
        XCTAssertEqual(
            tillers.entries.map { $0.action },
            [.bookingCancelled, .bookingRequested, .itemAdded]
        )
    }

    // MARK: errors

    func testBadInputGivesTypedErrorsAndChangesNothing() async throws {
        let store = try await openStore()
        let gid = try await store.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        let tiller = try await addItem(store, gid, "Jordfräs")
        let itemsBefore = try await store.listItems(groupId: gid)

        let zero = await delbarErrorAsync("zero quantity") { try await self.addItem(store, gid, "Spade", quantity: 0) }
        guard case let .InvalidInput(reason, _)? = zero else { return XCTFail("expected InvalidInput: \(String(describing: zero))") }
        XCTAssertEqual(reason, "quantity must be between 1 and 10000 (given 0)")
        XCTAssertEqual(zero?.description, "invalid input: quantity must be between 1 and 10000 (given 0)")

        let unknown = await delbarErrorAsync("unknown item") { try await store.getItem(groupId: gid, itemId: "aaaaaaaaaaaaaaaa") }
        guard case let .NotFound(what, id, _)? = unknown else { return XCTFail("expected NotFound: \(String(describing: unknown))") }
        XCTAssertEqual(what, "item")
        XCTAssertEqual(id, "aaaaaaaaaaaaaaaa")
        XCTAssertEqual(unknown?.description, "no item with id aaaaaaaaaaaaaaaa")
        XCTAssertFalse(unknown?.userMessage().isEmpty ?? true)

        let malformed = await delbarErrorAsync("malformed id") { try await store.getItem(groupId: gid, itemId: "Not an id!") }
        guard case let .InvalidInput(why, _)? = malformed else { return XCTFail("expected InvalidInput") }
        XCTAssertTrue(why.contains("not a valid item id"), why)
        let backwards = await delbarErrorAsync("end before start") {
            try await store.book(groupId: gid, request: NewBooking(itemId: tiller.id, units: 1, start: try self.tomorrow(store) + hour, end: try self.tomorrow(store)))
        }
        guard case .InvalidInput? = backwards else { return XCTFail("expected InvalidInput: \(String(describing: backwards))") }

        let inUse = await delbarErrorAsync("opening an open store again") { try await self.openStore() }
        guard case let .InUse(path, _)? = inUse else { return XCTFail("expected InUse: \(String(describing: inUse))") }
        XCTAssertTrue(path.hasSuffix("delbar.db"), path)

        let garbage = [DocumentExport(key: "catalogue", data: Data([1, 2, 3, 4]), attestations: [])]
        let invalid = await delbarErrorAsync("merging bytes that are not automerge") {
            try await store.mergeDocuments(groupId: gid, documents: garbage)
        }
        guard case .InvalidData? = invalid else { return XCTFail("expected InvalidData: \(String(describing: invalid))") }

        let itemsAfter = try await store.listItems(groupId: gid)
        XCTAssertEqual(itemsAfter, itemsBefore)
        let bookings = try await store.listBookings(groupId: gid)
        XCTAssertEqual(bookings, [])
        let clean = try await store.check().clean
        XCTAssertTrue(clean)
    }

    // MARK: two devices

    func testTwoStoresExchangeTheGroupAndConverge() async throws {
        let anna = try await openStore("anna.db")
        let bo = try await openStore("bo.db")
        let group = try await anna.createGroup(name: "Folkverkstad", description: "", myName: "Anna")
        let gid = group.id
        let boMember = try await anna.addMember(groupId: gid, name: "Bo", role: .member, deviceId: try bo.deviceId(), deviceLabel: "Bo's phone")
        var draft = itemDraft(name: "Borrmaskin Makita")
        draft.category = "woodwork"
        let drill = try await anna.addItem(groupId: gid, draft: draft)

        let toBo = try await bo.mergeDocuments(groupId: gid, documents: try await anna.exportGroup(groupId: gid))
        XCTAssertGreaterThan(toBo.documentsChanged, 0)
        let boGroups = try await bo.listGroups()
        XCTAssertEqual(boGroups, [group])
        let boMe = try await bo.me(groupId: gid)
        XCTAssertEqual(boMe.id, boMember.id)
        let borr = try await bo.searchItems(groupId: gid, text: "borr")
        XCTAssertEqual(borr.map { $0.name }, ["Borrmaskin Makita"])

        let refused = await delbarErrorAsync("a member adding an item") { try await bo.addItem(groupId: gid, draft: itemDraft(name: "Hammare")) }
        guard case let .NotPermitted(action, role, _)? = refused else { return XCTFail("expected NotPermitted: \(String(describing: refused))") }
        XCTAssertEqual(action, "add items")
        XCTAssertEqual(role, .member)

        let start = hoursAfter(try bo.now(), 30)
        let booking = try await bo.book(groupId: gid, request: NewBooking(itemId: drill.id, units: 1, start: start, end: start + 3 * hour, note: "shelf project"))
        _ = try await anna.updateItem(groupId: gid, itemId: drill.id, patch: ItemPatch(description: "18 V, two batteries"))
        _ = try await anna.mergeDocuments(groupId: gid, documents: try await bo.exportGroup(groupId: gid))
        _ = try await bo.mergeDocuments(groupId: gid, documents: try await anna.exportGroup(groupId: gid))
        let annaBookings = try await anna.listBookings(groupId: gid)
        let boBookings = try await bo.listBookings(groupId: gid)
        XCTAssertEqual(annaBookings, boBookings)
        XCTAssertEqual(annaBookings.map { $0.id }, [booking.id])
        let annaDrill = try await anna.getItem(groupId: gid, itemId: drill.id)
        let boDrill = try await bo.getItem(groupId: gid, itemId: drill.id)
        XCTAssertEqual(annaDrill, boDrill)
        XCTAssertEqual(boDrill.description, "18 V, two batteries")
        let again = try await bo.mergeDocuments(groupId: gid, documents: try await anna.exportGroup(groupId: gid))
        XCTAssertEqual(again.documentsChanged, 0)
        let annaClean = try await anna.check().clean
        let boClean = try await bo.check(groupId: gid).clean
        XCTAssertTrue(annaClean && boClean)
    }

    func testOfflineDoubleBookingIsResolvedAlikeAndTheListenerHearsTheBump() async throws {
        let anna = try await openStore("anna.db")
        let bo = try await openStore("bo.db")
        let gid = try await anna.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        let boMember = try await anna.addMember(groupId: gid, name: "Bo", role: .member, deviceId: try bo.deviceId())
        let trailer = try await anna.addItem(groupId: gid, draft: itemDraft(name: "Släpvagn"))
        _ = try await bo.mergeDocuments(groupId: gid, documents: try await anna.exportGroup(groupId: gid))
        let boHears = Collector()
        bo.setListener(listener: boHears)

        // Both devices offline: each promises the last unit for overlapping windows.
        let start = hoursAfter(try anna.now(), 30)
        let annas = try await anna.book(groupId: gid, request: NewBooking(itemId: trailer.id, units: 1, start: start, end: start + 5 * hour))
        usleep(5_000)
        let bos = try await bo.book(groupId: gid, request: NewBooking(itemId: trailer.id, units: 1, start: start + 2 * hour, end: start + 6 * hour))
        XCTAssertEqual(bos.state, .confirmed)

        _ = try await anna.mergeDocuments(groupId: gid, documents: try await bo.exportGroup(groupId: gid))
        _ = try await bo.mergeDocuments(groupId: gid, documents: try await anna.exportGroup(groupId: gid))
        for store in [anna, bo] {
            let lost = try await store.getBooking(groupId: gid, bookingId: bos.id)
            XCTAssertEqual(lost.state, .bumped)
            XCTAssertEqual(lost.bump, Bump(reason: .overbooked, winner: annas.id))
            let won = try await store.getBooking(groupId: gid, bookingId: annas.id)
            XCTAssertEqual(won.state, .confirmed)
        }
        let annaBookings = try await anna.listBookings(groupId: gid)
        let boBookings = try await bo.listBookings(groupId: gid)
        XCTAssertEqual(annaBookings, boBookings)

        let bumps = boHears.heard.filter { $0.kind == .bumped }
        XCTAssertEqual(bumps.count, 1)
        let bump = try XCTUnwrap(bumps.first)
        XCTAssertEqual(bump.memberId, boMember.id)
        XCTAssertEqual(bump.bookingId, bos.id)
        XCTAssertEqual(bump.detail.reason, .overbooked)
        XCTAssertEqual(bump.detail.winnerId, annas.id)
        XCTAssertEqual(bump.detail.winnerMember, "Anna")
        XCTAssertEqual(bump.detail.suggestedStart, start + 5 * hour)
        XCTAssertEqual(bump.title, "Booking bumped")
        let stored = try await bo.notifications(groupId: gid)
        XCTAssertEqual(stored, [bump])
        let acknowledged = try await bo.acknowledge(ids: [bump.id])
        XCTAssertEqual(acknowledged, 1)
        let left = try await bo.notifications(groupId: gid)
        XCTAssertEqual(left, [])
        bo.setListener(listener: nil)
    }

    // MARK: waitlist

    func testWaitlistIsJoinedOfferedAndClaimed() async throws {
        let store = try await openStore()
        let gid = try await store.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        let trailer = try await addItem(store, gid, "Släpvagn")
        let bo = try await store.addMember(groupId: gid, name: "Bo", role: .member)
        let start = try tomorrow(store)
        let end = start + 4 * hour
        let mine = try await book(store, gid, trailer, start, hours: 4)

        let free = await delbarErrorAsync("joining the waitlist of a free window") {
            try await store.joinWaitlist(groupId: gid, request: NewBooking(itemId: trailer.id, units: 1, start: start + day, end: start + day + hour))
        }
        guard case let .NoNeedToWait(itemName, _)? = free else { return XCTFail("expected NoNeedToWait: \(String(describing: free))") }
        XCTAssertEqual(itemName, "Släpvagn")

        let waits = try await store.joinWaitlist(groupId: gid, request: NewBooking(itemId: trailer.id, units: 1, start: start, end: end, forMemberId: bo.id))
        XCTAssertEqual(waits.state, .waitlisted)
        let queued = try await store.waitlist(groupId: gid, itemId: trailer.id)
        XCTAssertEqual(queued.map { $0.position }, [1])
        let noOffer = await delbarErrorAsync("claiming without an offer") {
            try await store.actOnBooking(groupId: gid, bookingId: waits.id, action: .claim)
        }
        guard case .NoOffer? = noOffer else { return XCTFail("expected NoOffer: \(String(describing: noOffer))") }

        _ = try await store.actOnBooking(groupId: gid, bookingId: mine.id, action: .cancel)
        let offered = try await store.waitlist(groupId: gid, itemId: trailer.id)
        let offer = try XCTUnwrap(offered.first?.offer)
        XCTAssertEqual(offer.until.timeIntervalSince(offer.from), 24 * hour)
        let bosNotifications = try await store.notificationsFor(groupId: gid, memberId: bo.id)
        XCTAssertEqual(bosNotifications.map { $0.kind }, [.waitlistOffer])
        let claimed = try await store.actOnBooking(groupId: gid, bookingId: waits.id, action: .claim)
        XCTAssertEqual(claimed.state, .confirmed)
        let emptied = try await store.waitlist(groupId: gid, itemId: trailer.id)
        XCTAssertEqual(emptied, [])
    }

    // MARK: language

    func testTextsFollowTheLocale() async throws {
        XCTAssertEqual(currentLocale(), "en")
        let store = try await openStore()
        let gid = try await store.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        let saw = try await addItem(store, gid, "Motorsåg")
        let now = try store.now()
        let late = try await store.book(groupId: gid, request: NewBooking(itemId: saw.id, units: 1, start: now - 600, end: now - 300))
        _ = try await store.actOnBooking(groupId: gid, bookingId: late.id, action: .checkOut)

        _ = setLocale(tag: "sv-SE")
        defer { _ = setLocale(tag: "en") }
        XCTAssertEqual(currentLocale(), "sv")
        let ticked = try await store.tick()
        let overdue = try XCTUnwrap(ticked.first)
        XCTAssertEqual(overdue.kind, .overdue)
        XCTAssertEqual(overdue.title, "Försenad återlämning")
        let missing = await delbarErrorAsync("unknown item") { try await store.getItem(groupId: gid, itemId: "aaaaaaaaaaaaaaaa") }
        XCTAssertEqual(missing?.userMessage(), "Föremålet hittades inte.")
        // LocalizedError (DelbarError+Localized.swift): what an alert shows is the sentence.
        XCTAssertEqual(missing?.localizedDescription, "Föremålet hittades inte.")
        XCTAssertEqual(missing?.description, "no item with id aaaaaaaaaaaaaaaa")
        XCTAssertEqual(bumpReasonText(reason: .overbooked, locale: "sv"), "en annan bokning av samma exemplar kom först")
        XCTAssertEqual(try notificationText(notification: overdue, locale: "nb-NO").title, "Forsinket innlevering")
        XCTAssertEqual(try notificationText(notification: overdue, locale: "en").title, "Overdue")

        _ = setLocale(tag: "en")
        let stored = try await store.notifications(groupId: gid)
        XCTAssertEqual(stored.first?.title, "Overdue")
    }

    // MARK: the AsyncStream wrapper

    func testNotificationStreamHearsATick() async throws {
        let store = try await openStore()
        let gid = try await store.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        let saw = try await addItem(store, gid, "Motorsåg")
        let now = try store.now()
        let late = try await store.book(groupId: gid, request: NewBooking(itemId: saw.id, units: 1, start: now - 600, end: now - 300))
        _ = try await store.actOnBooking(groupId: gid, bookingId: late.id, action: .checkOut)

        let notifications = DelbarNotifications(store: store)
        let stream = notifications.stream()
        XCTAssertEqual(notifications.streams, 1)
        _ = try await store.tick()
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        XCTAssertEqual(first?.kind, .overdue)
        XCTAssertEqual(first?.bookingId, late.id)
    }

    // MARK: change events (mirrors bindings/kotlin/src/ReactiveTest.kt)

    func testTwoChangeStreamsHearAnItemAddedAndEndWhenTheStoreIsReleased() async throws {
        var store: DelbarStore? = try await openStore()
        let gid = try await store!.createGroup(name: "Folkverkstad", description: "", myName: "Anna").id
        let streams = DelbarStreams(store: store!)
        var first = streams.changes().makeAsyncIterator()
        var second = streams.changes().makeAsyncIterator()
        let saw = try await addItem(store!, gid, "Motorsåg")
        let heard = await first.next()
        XCTAssertEqual(heard?.groupId, gid)
        XCTAssertEqual(heard?.origin, .local)
        XCTAssertEqual(heard?.itemIds, [saw.id])
        let alsoHeard = await second.next()
        XCTAssertEqual(alsoHeard, heard)

        // Releasing the store ends every stream: the loops finish, nothing is thrown.
        store = nil
        let end = await first.next()
        XCTAssertNil(end)
        var late = streams.changes().makeAsyncIterator()
        let none = await late.next()
        XCTAssertNil(none)
    }
}
