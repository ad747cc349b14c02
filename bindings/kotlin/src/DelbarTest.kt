// The Kotlin test suite of the Delbar bindings: every API group exercised from Kotlin on the
// JVM, through the generated uniffi bindings and the real Rust library.

import java.io.File
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.delbar.*
import org.delbar.core.*

val HOUR: Duration = Duration.ofHours(1)
val DAY: Duration = Duration.ofDays(1)

operator fun Int.times(d: Duration): Duration = d.multipliedBy(toLong())
operator fun Long.times(d: Duration): Duration = d.multipliedBy(this)
operator fun Duration.div(n: Int): Duration = dividedBy(n.toLong())

/** The start of the hour [t] is in, plus [hours] hours. */
fun hoursAfter(t: Instant, hours: Long): Instant = t.truncatedTo(ChronoUnit.HOURS) + hours * HOUR

/** Opens a store on a file in [dir] (the async constructor, from blocking code). */
fun openStore(dir: File, name: String = "delbar.db"): DelbarStore =
    runBlocking { DelbarStore.open(File(dir, name).path) }

/** A store with one group whose first steward is this device. */
class Fixture(dir: File) : AutoCloseable {
    val store = openStore(dir)
    val group = runBlocking { store.createGroup("Odlingsakademin Lövåsen", "Shared garden tools", "Anna") }
    val gid = group.id

    /** The start of the next whole hour tomorrow: a window every default rule accepts. */
    val tomorrow: Instant = hoursAfter(store.now(), 24)

    suspend fun addItem(name: String, quantity: UInt = 1u, category: String = "garden"): Item =
        store.addItem(gid, itemDraft(name).copy(quantity = quantity, category = category))

    suspend fun book(item: Item, start: Instant, hours: Long, units: UInt = 1u): Booking =
        store.book(gid, NewBooking(itemId = item.id, units = units, start = start, end = start + hours * HOUR))

    suspend fun activityCount(): Int = store.activity(gid, limit = 10_000u).entries.size

    override fun close() = store.close()
}

suspend fun storeOpensAndReportsItsDevice(dir: File) {
    openStore(dir).use { store ->
        val device = store.deviceId()
        assertEq(64, device.length, "device id length")
        expect(device.all { it in '0'..'9' || it in 'a'..'f' }) { "device id is not lowercase hex: $device" }
        expect(store.path().endsWith("delbar.db")) { "path: ${store.path()}" }
        val skew = Math.abs(store.now().toEpochMilli() - System.currentTimeMillis())
        expect(skew < 60_000) { "store clock is $skew ms off the JVM's" }
        assertEq(emptyList<Group>(), store.listGroups(), "groups of a new store")
    }
    // Reopening the same file keeps the device identity.
    val first = openStore(dir, "again.db").use { it.deviceId() }
    val second = openStore(dir, "again.db").use { it.deviceId() }
    assertEq(first, second, "device id after reopening")
}

suspend fun groupsAreCreatedListedAndEdited(dir: File): Unit = Fixture(dir).use { f ->
    assertEq(listOf(f.group), f.store.listGroups(), "listGroups")
    assertEq(f.group, f.store.getGroup(f.gid), "getGroup")
    assertEq(24L, f.group.pickupWindowHours, "default pickup window")
    val edited = f.store.updateGroup(f.gid, name = "Odlingsakademin Ale", pickupWindowHours = 48)
    assertEq("Odlingsakademin Ale", edited.name, "new name")
    assertEq("Shared garden tools", edited.description, "description kept")
    assertEq(48L, f.store.getGroup(f.gid).pickupWindowHours, "new pickup window")
    val me = f.store.me(f.gid)
    assertEq("Anna", me.name, "me")
    assertEq(Role.STEWARD, me.role, "creator's role")
    assertEq(listOf(f.store.deviceId()), me.devices.map { it.deviceId }, "creator's devices")
}

suspend fun membersAreAddedPromotedAndRemoved(dir: File): Unit = Fixture(dir).use { f ->
    val phone = "ab".repeat(32)
    val bo = f.store.addMember(f.gid, "Bo", Role.MEMBER, deviceId = phone, deviceLabel = "Bo's phone")
    assertEq(Role.MEMBER, bo.role, "Bo's role")
    assertEq(listOf("Bo's phone"), bo.devices.map { it.label }, "Bo's device label")
    val tablet = "cd".repeat(32)
    val withTablet = f.store.addDevice(f.gid, bo.id, tablet, label = "tablet")
    assertEq(setOf(phone, tablet), withTablet.devices.map { it.deviceId }.toSet(), "Bo's devices")
    assertEq(Role.STEWARD, f.store.setRole(f.gid, bo.id, Role.STEWARD).role, "promoted")
    assertEq(Role.MEMBER, f.store.setRole(f.gid, bo.id, Role.MEMBER).role, "demoted")
    assertEq(listOf("Anna", "Bo"), f.store.listMembers(f.gid).map { it.name }, "members")
    assertEq(bo.id, f.store.getMember(f.gid, bo.id).id, "getMember")

    val me = f.store.me(f.gid)
    val last = assertThrows<DelbarException.Conflict>("demoting the last steward") {
        f.store.setRole(f.gid, me.id, Role.MEMBER)
    }
    expect("steward" in last.reason) { "reason: ${last.reason}" }

    val removed = f.store.removeMember(f.gid, bo.id)
    expect(!removed.active && removed.removed != null) { "Bo still active: $removed" }
    assertEq(listOf(true, false), f.store.listMembers(f.gid).map { it.active }, "current members first")
    assertThrows<DelbarException.NotFound>("removing a removed member") { f.store.removeMember(f.gid, bo.id) }
}

suspend fun itemsAreAddedSearchedAndMaintained(dir: File): Unit = Fixture(dir).use { f ->
    val tiller = f.addItem("Jordfräs Honda F220")
    f.addItem("Motorsåg Husqvarna", category = "forest")
    f.addItem("Stege 4 m", category = "Building")
    assertEq(listOf("Jordfräs Honda F220"), f.store.searchItems(f.gid, "jordf").map { it.name }, "search jordf")
    assertEq(listOf("Motorsåg Husqvarna"), f.store.searchItems(f.gid, "SAG").map { it.name }, "search inside compound")
    assertEq(3, f.store.listItems(f.gid).size, "listItems default filter")
    assertEq(
        listOf("Stege 4 m"),
        f.store.listItems(f.gid, ItemFilter(category = "building")).map { it.name },
        "filter by category",
    )
    assertEq(
        listOf("building" to 1u, "forest" to 1u, "garden" to 1u),
        f.store.categories(f.gid).map { it.category to it.count },
        "categories",
    )
    assertEq(tiller, f.store.getItem(f.gid, tiller.id), "getItem")
    assertEq(defaultLoanRules(), tiller.rules, "a draft's rules are the defaults")
    assertEq(168L, defaultLoanRules().maxLoanHours, "default longest loan")

    val patched = f.store.updateItem(
        f.gid,
        tiller.id,
        ItemPatch(quantity = 2u, tags = listOf("Soil", "engine"), location = Location(text = "Barn, shelf 3")),
    )
    assertEq(2u, patched.quantity, "patched quantity")
    assertEq("Barn, shelf 3", patched.location.text, "patched location")
    assertEq("Jordfräs Honda F220", patched.name, "name kept")

    val serviced = f.store.logMaintenance(f.gid, tiller.id, "Changed the oil", Condition.WORN)
    assertEq(Condition.WORN, serviced.condition, "condition after maintenance")
    assertEq(listOf("Changed the oil"), serviced.maintenance.map { it.note }, "maintenance log")
    assertEq(f.store.me(f.gid).id, serviced.maintenance[0].by, "maintenance author")

    f.store.updateItem(f.gid, tiller.id, ItemPatch(retired = true))
    assertEq(2, f.store.listItems(f.gid).size, "retired items hidden")
    assertEq(3, f.store.listItems(f.gid, ItemFilter(includeRetired = true)).size, "retired items on request")
}

suspend fun bookingsGoThroughTheirLifecycle(dir: File): Unit = Fixture(dir).use { f ->
    val tiller = f.addItem("Jordfräs")
    val booking = f.book(tiller, f.tomorrow, 4)
    assertEq(BookingState.CONFIRMED, booking.state, "a steward's booking is confirmed at once")
    assertEq(f.store.me(f.gid).id, booking.member, "borrower")
    assertEq(f.store.deviceId(), booking.createdBy, "created by this device")
    val out = f.store.actOnBooking(f.gid, booking.id, BookingAction.CHECK_OUT)
    assertEq(BookingState.CHECKED_OUT, out.state, "checked out")
    assertEq(BookingState.RETURNED, f.store.actOnBooking(f.gid, booking.id, BookingAction.RETURN).state, "returned")
    assertEq(BookingState.RETURNED, f.store.getBooking(f.gid, booking.id).state, "getBooking")

    val illegal = assertThrows<DelbarException.IllegalTransition>("returning twice") {
        f.store.actOnBooking(f.gid, booking.id, BookingAction.RETURN)
    }
    assertEq(BookingAction.RETURN, illegal.action, "refused action")
    assertEq(BookingState.RETURNED, illegal.state, "state at refusal")
    expect(illegal.toString() == "cannot return a booking that is returned") { "toString: $illegal" }

    val later = f.book(tiller, f.tomorrow + DAY, 2)
    assertEq(BookingState.CANCELLED, f.store.actOnBooking(f.gid, later.id, BookingAction.CANCEL).state, "cancelled")
    assertEq(2, f.store.listBookings(f.gid).size, "all bookings")
    assertEq(
        listOf(later.id),
        f.store.listBookings(f.gid, BookingFilter(states = listOf(BookingState.CANCELLED))).map { it.id },
        "filter by state",
    )
    assertEq(
        listOf(booking.id),
        f.store.listBookings(f.gid, BookingFilter(itemId = tiller.id, to = f.tomorrow + HOUR)).map { it.id },
        "filter by item and window",
    )
}

suspend fun availabilityShowsFreeUnitsAndBusySpans(dir: File): Unit = Fixture(dir).use { f ->
    val ladders = f.addItem("Stege", quantity = 2u)
    val start = f.tomorrow
    f.book(ladders, start + 2 * HOUR, 2)
    val a = f.store.availability(f.gid, ladders.id, start, start + 8 * HOUR)
    assertEq(2u, a.quantity, "quantity")
    assertEq(1u, a.freeUnits, "free units")
    assertEq(
        listOf(Triple(start + 2 * HOUR, start + 4 * HOUR, 1u)),
        a.busy.map { Triple(it.start, it.end, it.units) },
        "busy spans",
    )
    f.book(ladders, start + 3 * HOUR, 2)
    assertEq(0u, f.store.availability(f.gid, ladders.id, start, start + 8 * HOUR).freeUnits, "fully booked")
    val refused = assertThrows<DelbarException.Unavailable>("overbooking") { f.book(ladders, start + 3 * HOUR, 1) }
    expect("Stege" in refused.reason) { "reason names the item: ${refused.reason}" }
    val tooLong = assertThrows<DelbarException.LoanRule>("a loan over the 168 h rule") {
        f.book(ladders, start + 2 * DAY, 200)
    }
    expect("168" in tooLong.reason) { "reason: ${tooLong.reason}" }
    assertEq(2u, f.store.availability(f.gid, ladders.id, start + DAY, start + DAY + HOUR).freeUnits, "free later")
}

suspend fun overdueListsGearNotBack(dir: File): Unit = Fixture(dir).use { f ->
    val saw = f.addItem("Motorsåg")
    val now = f.store.now()
    // A loan that started ten minutes ago and ended five minutes ago, then handed out.
    val late = f.store.book(f.gid, NewBooking(itemId = saw.id, units = 1u, start = now - Duration.ofMinutes(10), end = now - Duration.ofMinutes(5)))
    assertEq(emptyList<Booking>(), f.store.overdue(f.gid), "nothing out yet")
    f.store.actOnBooking(f.gid, late.id, BookingAction.CHECK_OUT)
    assertEq(listOf(late.id), f.store.overdue(f.gid).map { it.id }, "overdue")
}

suspend fun activityPagesWithACursor(dir: File): Unit = Fixture(dir).use { f ->
    // Entries of the same millisecond are ordered by their random ids: keep the writes apart
    // so the expected order is the order of the calls.
    suspend fun <T> apart(write: suspend () -> T): T = write().also { Thread.sleep(3) }
    Thread.sleep(3)
    val tiller = apart { f.addItem("Jordfräs") }
    repeat(3) { i -> apart { f.addItem("Spade $i") } }
    val b = apart { f.book(tiller, f.tomorrow, 3) }
    f.store.actOnBooking(f.gid, b.id, BookingAction.CANCEL)
    val all = f.store.activity(f.gid, limit = 1000u)
    assertEq(7, all.entries.size, "entries: group created, 4 items, booked, cancelled")
    assertEq(null, all.next, "no next page after everything")
    assertEq(ActivityAction.GROUP_CREATED, all.entries.last().action, "oldest entry")
    assertEq(ActivityAction.BOOKING_CANCELLED, all.entries.first().action, "newest entry")

    val paged = mutableListOf<ActivityEntry>()
    var cursor: String? = null
    var pages = 0
    do {
        val page = f.store.activity(f.gid, before = cursor, limit = 3u)
        expect(page.entries.size <= 3) { "page of ${page.entries.size}" }
        paged += page.entries
        cursor = page.next
        pages++
    } while (cursor != null)
    assertEq(3, pages, "pages of 3")
    assertEq(all.entries.map { it.id }, paged.map { it.id }, "paged entries equal the whole history")

    val aboutTiller = f.store.activity(f.gid, ActivityFilter(itemId = tiller.id))
    assertEq(
        listOf(ActivityAction.BOOKING_CANCELLED, ActivityAction.BOOKING_REQUESTED, ActivityAction.ITEM_ADDED),
        aboutTiller.entries.map { it.action },
        "history of one item",
    )
    expect(aboutTiller.entries.all { it.item == tiller.id }) { "entries about other items" }
}

suspend fun badInputGivesTypedErrorsAndChangesNothing(dir: File): Unit = Fixture(dir).use { f ->
    val tiller = f.addItem("Jordfräs")
    val itemsBefore = f.store.listItems(f.gid, ItemFilter(includeRetired = true))
    val activityBefore = f.activityCount()

    val zero = assertThrows<DelbarException.InvalidInput>("zero quantity") {
        f.store.addItem(f.gid, itemDraft("Spade").copy(quantity = 0u))
    }
    assertEq("quantity must be between 1 and 10000 (given 0)", zero.reason, "zero quantity reason")
    assertEq("invalid input: quantity must be between 1 and 10000 (given 0)", zero.toString(), "zero quantity toString")

    val backwards = assertThrows<DelbarException.InvalidInput>("end before start") {
        f.store.book(f.gid, NewBooking(tiller.id, 1u, f.tomorrow + HOUR, f.tomorrow))
    }
    expect(backwards.reason.startsWith("a booking must end after it starts")) { "reason: ${backwards.reason}" }
    assertThrows<DelbarException.InvalidInput>("availability window backwards") {
        f.store.availability(f.gid, tiller.id, f.tomorrow, f.tomorrow)
    }
    assertThrows<DelbarException.InvalidInput>("empty name") { f.store.addItem(f.gid, itemDraft("   ")) }
    assertThrows<DelbarException.InvalidInput>("zero units") { f.book(tiller, f.tomorrow, 1, units = 0u) }

    val unknown = assertThrows<DelbarException.NotFound>("unknown item id") {
        f.store.getItem(f.gid, "aaaaaaaaaaaaaaaa")
    }
    assertEq("item", unknown.what, "what was not found")
    assertEq("aaaaaaaaaaaaaaaa", unknown.id, "id not found")
    assertEq("no item with id aaaaaaaaaaaaaaaa", unknown.toString(), "not found toString")
    assertThrows<DelbarException.NotFound>("booking an unknown item") {
        f.store.book(f.gid, NewBooking("dddddddddddddddd", 1u, f.tomorrow, f.tomorrow + HOUR))
    }
    assertEq("group", assertThrows<DelbarException.NotFound>("unknown group") {
        f.store.listItems("bbbbbbbbbbbbbbbb")
    }.what, "unknown group")
    assertEq("booking", assertThrows<DelbarException.NotFound>("unknown booking") {
        f.store.actOnBooking(f.gid, "cccccccccccccccc", BookingAction.CONFIRM)
    }.what, "unknown booking")
    val malformed = assertThrows<DelbarException.InvalidInput>("malformed id") { f.store.getItem(f.gid, "Not an id!") }
    expect("not a valid item id" in malformed.reason) { "reason: ${malformed.reason}" }
    assertThrows<DelbarException.InvalidInput>("malformed device id") {
        f.store.addMember(f.gid, "Cai", Role.MEMBER, deviceId = "xyz")
    }

    assertEq(itemsBefore, f.store.listItems(f.gid, ItemFilter(includeRetired = true)), "items unchanged")
    assertEq(activityBefore, f.activityCount(), "no activity written")
    assertEq(emptyList<Booking>(), f.store.listBookings(f.gid), "no bookings written")
    assertEq(1, f.store.listMembers(f.gid).size, "no member written")
}

suspend fun twoStoresExchangeTheGroupAndConverge(dir: File) {
    openStore(dir, "anna.db").use { anna ->
        openStore(dir, "bo.db").use { bo ->
            val group = anna.createGroup("Folkverkstad", "", "Anna")
            val gid = group.id
            val boMember = anna.addMember(gid, "Bo", Role.MEMBER, deviceId = bo.deviceId(), deviceLabel = "Bo's phone")
            val drill = anna.addItem(gid, itemDraft("Borrmaskin Makita").copy(category = "woodwork"))

            // Anna's device hands the whole group to Bo's (a new member's first sync).
            val toBo = runBlocking { bo.mergeDocuments(gid, anna.exportGroup(gid)) }
            expect(toBo.documentsChanged > 0u && toBo.entitiesUpdated > 0u) { "merge report $toBo" }
            assertEq(listOf(group), bo.listGroups(), "Bo's groups")
            assertEq(boMember.id, bo.me(gid).id, "Bo's device belongs to Bo")
            assertEq(listOf("Borrmaskin Makita"), bo.searchItems(gid, "borr").map { it.name }, "Bo sees the drill")

            // Bo is a plain member: the catalogue is not his to edit.
            val refused = assertThrows<DelbarException.NotPermitted>("a member adding an item") {
                bo.addItem(gid, itemDraft("Hammare"))
            }
            assertEq(Role.MEMBER, refused.role, "refused role")
            assertEq("add items", refused.action, "refused action")
            assertEq("a member may not add items", refused.toString(), "not permitted toString")

            // Bo books offline; Anna edits the catalogue meanwhile; they exchange again.
            val start = hoursAfter(bo.now(), 30)
            val booking = bo.book(gid, NewBooking(drill.id, 1u, start, start + 3 * HOUR, note = "shelf project"))
            assertEq(boMember.id, booking.member, "Bo borrows")
            anna.updateItem(gid, drill.id, ItemPatch(description = "18 V, two batteries"))
            runBlocking {
                anna.mergeDocuments(gid, bo.exportGroup(gid))
                bo.mergeDocuments(gid, anna.exportGroup(gid))
            }
            assertEq(anna.listBookings(gid), bo.listBookings(gid), "bookings converge")
            assertEq(listOf(booking.id), anna.listBookings(gid).map { it.id }, "Anna sees Bo's booking")
            assertEq(anna.getItem(gid, drill.id), bo.getItem(gid, drill.id), "item converges")
            assertEq("18 V, two batteries", bo.getItem(gid, drill.id).description, "Bo sees Anna's edit")
            assertEq(
                anna.activity(gid, limit = 1000u).entries.map { it.id }.toSet(),
                bo.activity(gid, limit = 1000u).entries.map { it.id }.toSet(),
                "activity converges",
            )
            assertEq(0u, runBlocking { bo.mergeDocuments(gid, anna.exportGroup(gid)) }.documentsChanged, "idempotent")
            assertEq(0u, anna.availability(gid, drill.id, start, start + HOUR).freeUnits, "Anna's calendar has Bo's loan")
            val annaCheck = runBlocking { anna.check() }
            val boCheck = runBlocking { bo.check(gid) }
            expect(annaCheck.clean && boCheck.clean) { "check: $annaCheck / $boCheck" }

            // Once Anna removes Bo and Bo's device learns it, the device can no longer act.
            anna.removeMember(gid, boMember.id)
            runBlocking { bo.mergeDocuments(gid, anna.exportGroup(gid)) }
            val gone = assertThrows<DelbarException.NotAMember>("a removed member's device booking") {
                bo.book(gid, NewBooking(drill.id, 1u, start + DAY, start + DAY + HOUR))
            }
            assertEq(gid, gone.groupId, "group of the refusal")
            assertEq(1, bo.listBookings(gid).size, "nothing booked by the removed member")
        }
    }
}

suspend fun checkIsCleanAndMaintenanceRuns(dir: File): Unit = Fixture(dir).use { f ->
    val tiller = f.addItem("Jordfräs")
    val b = f.book(tiller, f.tomorrow, 2)
    f.store.actOnBooking(f.gid, b.id, BookingAction.CHECK_OUT)
    val report = runBlocking { f.store.check() }
    expect(report.clean && report.differences.isEmpty()) { "differences: ${report.differences}" }
    assertEq(1u, report.groups, "groups checked")
    expect(report.documents >= 2u && report.rows > 0u) { "report $report" }
    runBlocking { f.store.compactAll() }
    runBlocking { f.store.rebuildProjection(f.gid) }
    expect(runBlocking { f.store.check(f.gid) }.clean) { "check after rebuild" }
    assertEq(BookingState.CHECKED_OUT, f.store.getBooking(f.gid, b.id).state, "data kept by the rebuild")
}

suspend fun asyncCallsReportStorageErrors(dir: File) {
    val notAStore = File(dir, "notes.db")
    notAStore.writeText("this is not an SQLite file, just some text that is long enough to read".repeat(20))
    val refused = assertThrows<DelbarException.NotAStore>("opening a text file") {
        runBlocking { DelbarStore.open(notAStore.path) }
    }
    expect(refused.reason.isNotEmpty() && refused.path == notAStore.path) { "refusal: $refused" }
    assertThrows<DelbarException.Storage>("opening in a missing directory") {
        runBlocking { DelbarStore.open(File(dir, "missing/dir/delbar.db").path) }
    }
    Fixture(dir).use { f ->
        assertThrows<DelbarException.InvalidInput>("export with a malformed id") {
            runBlocking { f.store.exportGroup("NOT VALID") }
        }
        // Bytes that are not automerge: the core either refuses them or finds nothing in them
        // (automerge's incremental load skips what it cannot parse); nothing may change.
        val before = f.store.listItems(f.gid)
        val garbage = listOf(DocumentExport(key = "catalogue", data = byteArrayOf(1, 2, 3, 4), attestations = listOf()))
        val invalid = assertThrows<DelbarException.InvalidData>("merging bytes that are not automerge") {
            runBlocking { f.store.mergeDocuments(f.gid, garbage) }
        }
        expect("catalogue" in invalid.reason) { "reason names the document: ${invalid.reason}" }
        assertEq(
            "The data received from another device is not valid and was not used.",
            invalid.userMessage(),
            "text for a person",
        )
        assertEq(before, f.store.listItems(f.gid), "items after merging garbage")
        val badKey = listOf(DocumentExport(key = "photos/1999", data = byteArrayOf(), attestations = listOf()))
        assertThrows<DelbarException.InvalidData>("merging an unknown document key") {
            runBlocking { f.store.mergeDocuments(f.gid, badKey) }
        }
        // The store still works after the refusals.
        assertEq(1, f.store.listGroups().size, "store usable")
        expect(runBlocking { f.store.check() }.clean) { "check after refused merges" }
    }
}

suspend fun oneStoreServesManyThreads(dir: File): Unit = Fixture(dir).use { f ->
    val items = (1..4).map { f.addItem("Såg $it") }
    val pool = Executors.newFixedThreadPool(4)
    val tasks = items.mapIndexed { i, item ->
        pool.submit<Int> {
            // Each JVM thread waits for its own calls, as a plain thread would.
            runBlocking {
                var done = 0
                repeat(5) { j ->
                    f.book(item, f.tomorrow + (i * 10 + j) * DAY / 10, 1)
                    done += f.store.searchItems(f.gid, "sag").size
                }
                done
            }
        }
    }
    val found = tasks.sumOf { it.get(60, TimeUnit.SECONDS) }
    pool.shutdown()
    assertEq(4 * 5 * 4, found, "searches from 4 threads")
    assertEq(20, f.store.listBookings(f.gid).size, "bookings from 4 threads")
    expect(runBlocking { f.store.check() }.clean) { "check after concurrent writes" }
}

fun main() {
    runTests(
        listOf(
            TestCase("store_opens_and_reports_its_device", ::storeOpensAndReportsItsDevice),
            TestCase("groups_are_created_listed_and_edited", ::groupsAreCreatedListedAndEdited),
            TestCase("members_are_added_promoted_and_removed", ::membersAreAddedPromotedAndRemoved),
            TestCase("items_are_added_searched_and_maintained", ::itemsAreAddedSearchedAndMaintained),
            TestCase("bookings_go_through_their_lifecycle", ::bookingsGoThroughTheirLifecycle),
            TestCase("availability_shows_free_units_and_busy_spans", ::availabilityShowsFreeUnitsAndBusySpans),
            TestCase("overdue_lists_gear_not_back", ::overdueListsGearNotBack),
            TestCase("activity_pages_with_a_cursor", ::activityPagesWithACursor),
            TestCase("bad_input_gives_typed_errors_and_changes_nothing", ::badInputGivesTypedErrorsAndChangesNothing),
            TestCase("two_stores_exchange_the_group_and_converge", ::twoStoresExchangeTheGroupAndConverge),
            TestCase("check_is_clean_and_maintenance_runs", ::checkIsCleanAndMaintenanceRuns),
            TestCase("async_calls_report_storage_errors", ::asyncCallsReportStorageErrors),
            TestCase("one_store_serves_many_threads", ::oneStoreServesManyThreads),
            TestCase("reads_are_answered_while_a_bundle_import_holds_the_store", ::readsAreAnsweredWhileABundleImportHoldsTheStore),
            TestCase("waitlist_is_joined_offered_claimed_and_reordered", ::waitlistIsJoinedOfferedClaimedAndReordered),
            TestCase("loans_are_extended_within_the_rules", ::loansAreExtendedWithinTheRules),
            TestCase("qualification_is_required_then_granted", ::qualificationIsRequiredThenGranted),
            TestCase("a_kit_books_its_parts", ::aKitBooksItsParts),
            TestCase(
                "offline_double_booking_is_resolved_the_same_on_both_devices",
                ::offlineDoubleBookingIsResolvedTheSameOnBothDevices,
            ),
            TestCase(
                "approval_requests_and_confirmations_notify_across_devices",
                ::approvalRequestsAndConfirmationsNotifyAcrossDevices,
            ),
            TestCase("tick_reports_overdue_and_due_tomorrow", ::tickReportsOverdueAndDueTomorrow),
            TestCase("texts_follow_the_locale", ::textsFollowTheLocale),
            TestCase("times_follow_the_zone_across_the_end_of_summer_time", ::timesFollowTheZoneAcrossTheEndOfSummerTime),
            TestCase("new_errors_are_typed", ::newErrorsAreTyped),
            TestCase("notification_flow_hears_a_bump_after_a_merge", ::notificationFlowHearsABumpAfterAMerge),
            TestCase(
                "notification_flow_fans_out_a_confirmation_to_every_collector",
                ::notificationFlowFansOutAConfirmationToEveryCollector,
            ),
            TestCase("notification_flow_stops_quietly_after_the_store_closes", ::notificationFlowStopsQuietlyAfterTheStoreCloses),
            TestCase("stores_open_once_per_process", ::storesOpenOncePerProcess),
            TestCase("the_sample_screen_shows_names_and_local_times", ::theSampleScreenShowsNamesAndLocalTimes),
            TestCase("two_stores_sync_over_loopback_after_an_invite", ::twoStoresSyncOverLoopbackAfterAnInvite),
            TestCase(
                "the_sync_listener_hears_synced_with_and_status_shows_the_peer",
                ::theSyncListenerHearsSyncedWithAndStatusShowsThePeer,
            ),
            TestCase("a_bundle_from_one_device_reaches_a_third_device", ::aBundleFromOneDeviceReachesAThirdDevice),
            TestCase("a_corrupted_bundle_is_a_typed_error_and_applies_nothing", ::aCorruptedBundleIsATypedErrorAndAppliesNothing),
            TestCase("expired_revoked_and_used_up_invites_are_typed_errors", ::expiredRevokedAndUsedUpInvitesAreTypedErrors),
            TestCase("invite_qr_codes_come_as_png_and_svg", ::inviteQrCodesComeAsPngAndSvg),
            TestCase("two_stores_sync_through_a_pipe_written_in_kotlin", ::twoStoresSyncThroughAPipeWrittenInKotlin),
            TestCase("a_stranger_is_refused_through_the_pipe", ::aStrangerIsRefusedThroughThePipe),
            TestCase("a_tampered_byte_is_refused_through_the_pipe", ::aTamperedByteIsRefusedThroughThePipe),
            TestCase("a_spreadsheet_file_is_planned_imported_and_read_back", ::aSpreadsheetFileIsPlannedImportedAndReadBack),
            TestCase("a_file_with_bad_rows_is_refused_whole", ::aFileWithBadRowsIsRefusedWhole),
            TestCase("stats_count_loans_and_draw_a_chart", ::statsCountLoansAndDrawAChart),
            TestCase("a_store_is_repaired_keeping_its_device_and_items", ::aStoreIsRepairedKeepingItsDeviceAndItems),
            TestCase(
                "maintenance_plans_block_bookings_until_maintenance_is_logged",
                ::maintenancePlansBlockBookingsUntilMaintenanceIsLogged,
            ),
            TestCase(
                "a_return_reporting_needs_repair_keeps_the_item_from_being_booked",
                ::aReturnReportingNeedsRepairKeepsTheItemFromBeingBooked,
            ),
            TestCase("labels_print_and_scans_resolve", ::labelsPrintAndScansResolve),
            TestCase("photos_are_stripped_and_refused_typed", ::photosAreStrippedAndRefusedTyped),
            TestCase("photos_travel_to_a_member_over_loopback", ::photosTravelToAMemberOverLoopback),
            TestCase("text_and_numbers_out_of_range_are_typed_errors", ::textAndNumbersOutOfRangeAreTypedErrorsAndChangeNothing),
            TestCase("an_exception_message_is_the_translated_sentence", ::anExceptionMessageIsTheTranslatedSentence),
            TestCase("records_are_immutable_and_instants_are_java_time", ::recordsAreImmutableAndInstantsAreJavaTime),
            TestCase("the_cores_own_types_cross_as_they_are", ::theCoresOwnTypesCrossAsTheyAre),
            TestCase("two_subscribers_both_hear_an_item_added", ::twoSubscribersBothHearAnItemAdded),
            TestCase("a_booking_shows_as_a_booking_change", ::aBookingShowsAsABookingChange),
            TestCase("a_sync_over_loopback_emits_changes_and_sync_events", ::aSyncOverLoopbackEmitsChangesAndSyncEvents),
            TestCase("cancel_stops_delivery_to_that_subscriber_only", ::cancelStopsDeliveryToThatSubscriberOnly),
            TestCase("close_then_collect_and_cancel_do_not_throw", ::closeThenCollectAndCancelDoNotThrow),
        ),
    )
}
