// Kotlin tests of the booking capability: waitlist, extension, qualifications, kits, the
// calendar queries, conflict resolution after an offline double booking, notifications with
// a Kotlin listener, and texts in Swedish, Norwegian Bokmål and English.

import java.io.File
import java.time.Duration
import java.time.Instant
import java.util.Collections
import kotlinx.coroutines.runBlocking
import org.delbar.*
import org.delbar.core.*

/** A Kotlin listener that keeps what it hears. */
class Collector : NotificationListener {
    val heard: MutableList<Notification> = Collections.synchronizedList(mutableListOf())

    override fun onNotification(n: Notification) {
        heard += n
    }
}

/** A Kotlin listener with a bug: it throws on every notification. */
class Throwing : NotificationListener {
    @Volatile var calls = 0

    override fun onNotification(n: Notification) {
        if (calls++ == 0) System.err.println("note: the panic message that follows is expected (a listener that throws)")
        throw IllegalStateException("a bug in the app's listener")
    }
}

/** Runs [block] with texts in [tag] and time [zone], back to English and UTC afterwards. */
suspend fun <T> inLocale(tag: String, zone: String = "UTC", block: suspend () -> T): T {
    setLocale(tag)
    setTimeZone(zone)
    try {
        return block()
    } finally {
        setLocale("en")
        setTimeZone("UTC")
    }
}

suspend fun waitlistIsJoinedOfferedClaimedAndReordered(dir: File): Unit = Fixture(dir).use { f ->
    val trailer = f.addItem("Släpvagn")
    val bo = f.store.addMember(f.gid, "Bo", Role.MEMBER)
    val cai = f.store.addMember(f.gid, "Cai", Role.MEMBER)
    val start = f.tomorrow
    val end = start + 4 * HOUR
    val mine = f.book(trailer, start, 4)

    val free = assertThrows<DelbarException.NoNeedToWait>("joining the waitlist of a free window") {
        f.store.joinWaitlist(f.gid, NewBooking(trailer.id, 1u, start + DAY, start + DAY + HOUR))
    }
    assertEq("Släpvagn", free.itemName, "item of the refusal")

    val boWaits = f.store.joinWaitlist(f.gid, NewBooking(trailer.id, 1u, start, end, forMemberId = bo.id))
    Thread.sleep(3)
    val caiWaits = f.store.joinWaitlist(f.gid, NewBooking(trailer.id, 1u, start + HOUR, end, forMemberId = cai.id))
    assertEq(BookingState.WAITLISTED, boWaits.state, "Bo waits")
    val queue = f.store.waitlist(f.gid, trailer.id)
    assertEq(listOf(boWaits.id to 1u, caiWaits.id to 2u), queue.map { it.booking.id to it.position }, "queue order")
    expect(queue.all { it.offer == null && it.itemName == "Släpvagn" }) { "no offer while the trailer is out: $queue" }

    val noOffer = assertThrows<DelbarException.NoOffer>("claiming without an offer") {
        f.store.actOnBooking(f.gid, boWaits.id, BookingAction.CLAIM)
    }
    expect(noOffer.reason.isNotEmpty()) { "empty reason" }
    assertThrows<DelbarException.NoOffer>("reordering a booking that is not waiting") {
        f.store.moveInWaitlist(f.gid, mine.id, 1u)
    }

    // A steward moves Cai first.
    val reordered = f.store.moveInWaitlist(f.gid, caiWaits.id, 1u)
    assertEq(listOf(caiWaits.id, boWaits.id), reordered.map { it.booking.id }, "Cai first")
    expect(f.store.getBooking(f.gid, caiWaits.id).queueRank != null) { "a moved booking has a rank" }

    // The trailer frees up: the first in line gets the offer, for the group's pickup window.
    f.store.actOnBooking(f.gid, mine.id, BookingAction.CANCEL)
    assertEq(1u, f.store.availability(f.gid, trailer.id, start, end).freeUnits, "waiting bookings hold nothing")
    val offered = f.store.waitlist(f.gid, trailer.id)
    val offer = offered[0].offer ?: throw AssertionFailed("no offer after the cancel: $offered")
    assertEq(caiWaits.id, offered[0].booking.id, "offer goes to the first in line")
    assertEq(24 * HOUR, Duration.between(offer.from, offer.until), "the offer stands for the pickup window")
    assertEq(null, offered[1].offer, "one offer at a time")
    val notice = f.store.notificationsFor(f.gid, cai.id).single()
    assertEq(NotificationKind.WAITLIST_OFFER, notice.kind, "Cai is told")
    assertEq(offer.until, notice.detail.offerUntil, "notice carries the deadline")

    val claimed = f.store.actOnBooking(f.gid, caiWaits.id, BookingAction.CLAIM)
    assertEq(BookingState.CONFIRMED, claimed.state, "claimed and confirmed")
    assertEq(listOf(boWaits.id), f.store.waitlist(f.gid, trailer.id).map { it.booking.id }, "Bo still waits")
    assertEq(0u, f.store.availability(f.gid, trailer.id, start + HOUR, end).freeUnits, "Cai holds the trailer")
    val actions = f.store.activity(f.gid, ActivityFilter(itemId = trailer.id), limit = 100u).entries.map { it.action }
    for (a in listOf(ActivityAction.WAITLIST_JOINED, ActivityAction.WAITLIST_REORDERED, ActivityAction.WAITLIST_CLAIMED)) {
        expect(a in actions) { "$a missing from $actions" }
    }
}

suspend fun loansAreExtendedWithinTheRules(dir: File): Unit = Fixture(dir).use { f ->
    val ladder = f.addItem("Stege")
    val start = f.tomorrow
    val loan = f.book(ladder, start, 4)
    val next = f.book(ladder, start + 8 * HOUR, 2)

    val longer = f.store.extendBooking(f.gid, loan.id, start + 6 * HOUR)
    assertEq(start + 6 * HOUR, longer.end, "extended")
    assertEq(
        listOf(Triple(start, start + 6 * HOUR, 1u), Triple(start + 8 * HOUR, start + 10 * HOUR, 1u)),
        f.store.calendar(f.gid, ladder.id, start - DAY, start + DAY).map { Triple(it.start, it.end, it.units) },
        "calendar",
    )
    val clash = assertThrows<DelbarException.Unavailable>("extending into the next loan") {
        f.store.extendBooking(f.gid, loan.id, start + 9 * HOUR)
    }
    expect("Stege" in clash.reason) { "reason: ${clash.reason}" }
    assertThrows<DelbarException.LoanRule>("extending past the longest loan") {
        f.store.extendBooking(f.gid, next.id, start + 8 * HOUR + 200 * HOUR)
    }
    assertThrows<DelbarException.InvalidInput>("an end before the start") {
        f.store.extendBooking(f.gid, loan.id, start - HOUR)
    }
    assertEq(start + 2 * HOUR, f.store.extendBooking(f.gid, loan.id, start + 2 * HOUR).end, "shortened")
    f.store.actOnBooking(f.gid, next.id, BookingAction.CANCEL)
    val cancelled = assertThrows<DelbarException.Conflict>("extending a cancelled booking") {
        f.store.extendBooking(f.gid, next.id, start + 12 * HOUR)
    }
    assertEq(true, cancelled.toString().contains("cannot extend a booking that is cancelled"), "reason at refusal")
    val extended = f.store.activity(f.gid, ActivityFilter(itemId = ladder.id), limit = 100u).entries
        .count { it.action == ActivityAction.BOOKING_EXTENDED }
    assertEq(2, extended, "two extensions in the history")
}

suspend fun qualificationIsRequiredThenGranted(dir: File): Unit = Fixture(dir).use { f ->
    val rules = defaultLoanRules().copy(requiresQualification = true)
    val saw = f.store.addItem(f.gid, itemDraft("Motorsåg").copy(rules = rules))
    val bo = f.store.addMember(f.gid, "Bo", Role.MEMBER)
    val forBo = NewBooking(saw.id, 1u, f.tomorrow, f.tomorrow + 3 * HOUR, forMemberId = bo.id)
    val refused = assertThrows<DelbarException.NotQualified>("booking a chainsaw unqualified") {
        f.store.book(f.gid, forBo)
    }
    assertEq("Motorsåg", refused.itemName, "item of the refusal")
    assertEq("To borrow Motorsåg, a steward must first qualify you for it.", refused.userMessage(), "text")
    assertThrows<DelbarException.NotQualified>("waiting for it unqualified too") { f.store.joinWaitlist(f.gid, forBo) }

    val qualified = f.store.setQualified(f.gid, bo.id, saw.id, true)
    assertEq(listOf(saw.id), qualified.qualifications.map { it.itemId }, "Bo's qualifications")
    expect(qualified.qualifications[0].since > Instant.EPOCH) { "since: ${qualified.qualifications}" }
    assertEq(BookingState.CONFIRMED, f.store.book(f.gid, forBo).state, "qualified Bo may book")
    val actions = f.store.activity(f.gid, ActivityFilter(memberId = bo.id)).entries.map { it.action }
    expect(ActivityAction.QUALIFICATION_CHANGED in actions) { "history: $actions" }

    assertEq(emptyList<Qualification>(), f.store.setQualified(f.gid, bo.id, saw.id, false).qualifications, "revoked")
    assertThrows<DelbarException.NotQualified>("booking after the qualification was revoked") {
        f.store.book(f.gid, forBo.copy(start = f.tomorrow + DAY, end = f.tomorrow + DAY + HOUR))
    }
}

suspend fun aKitBooksItsParts(dir: File): Unit = Fixture(dir).use { f ->
    val tent = f.addItem("Tält", quantity = 2u, category = "camping")
    val stove = f.addItem("Stormkök", category = "camping")
    val kit = f.store.addItem(
        f.gid,
        itemDraft("Lägerkit").copy(category = "camping", kitParts = listOf(KitPart(tent.id, 1u), KitPart(stove.id, 1u))),
    )
    assertEq(setOf(tent.id to 1u, stove.id to 1u), kit.kitParts.map { it.partId to it.units }.toSet(), "kit parts")
    assertEq(kit, f.store.getItem(f.gid, kit.id), "kit stored")

    val start = f.tomorrow
    f.book(kit, start, 6)
    assertEq(0u, f.store.availability(f.gid, stove.id, start, start + HOUR).freeUnits, "the kit takes the stove")
    assertEq(1u, f.store.availability(f.gid, tent.id, start, start + HOUR).freeUnits, "and one tent")
    assertThrows<DelbarException.Unavailable>("booking the stove the kit holds") { f.book(stove, start + HOUR, 1) }

    // Both tents booked alone later: the kit is not free then.
    val later = start + 2 * DAY
    f.book(tent, later, 4, units = 2u)
    assertEq(0u, f.store.availability(f.gid, kit.id, later, later + HOUR).freeUnits, "a booked part blocks the kit")
    assertEq(
        listOf("Stormkök" to 1u),
        f.store.freeItems(f.gid, later, later + HOUR, category = "camping").map { it.item.name to it.freeUnits },
        "free camping items then",
    )
    assertEq(
        listOf("Lägerkit", "Stormkök", "Tält"),
        f.store.freeItems(f.gid, later + DAY, later + DAY + HOUR).map { it.item.name },
        "everything free a day later",
    )
    assertEq(emptyList<FreeItem>(), f.store.freeItems(f.gid, later, later + HOUR, units = 2u, category = "camping"), "two of anything")
    val window = f.store.nextFreeWindow(f.gid, kit.id, start, 3 * HOUR)
        ?: throw AssertionFailed("no free window for the kit")
    assertEq(start + 6 * HOUR, window.start, "the kit is next free when its loan ends")
    assertEq(window.start + 3 * HOUR, window.end, "window length")
    assertEq(null, f.store.nextFreeWindow(f.gid, tent.id, start, HOUR, units = 3u), "never three tents")

    assertThrows<DelbarException.InvalidInput>("a kit inside a kit") {
        f.store.addItem(f.gid, itemDraft("Superkit").copy(kitParts = listOf(KitPart(kit.id, 1u))))
    }
    assertThrows<DelbarException.InvalidInput>("zero units of a part") {
        f.store.updateItem(f.gid, kit.id, ItemPatch(kitParts = listOf(KitPart(tent.id, 0u))))
    }
    assertThrows<DelbarException.NotFound>("a part that does not exist") {
        f.store.updateItem(f.gid, kit.id, ItemPatch(kitParts = listOf(KitPart("aaaaaaaaaaaaaaaa", 1u))))
    }
    val plain = f.store.updateItem(f.gid, kit.id, ItemPatch(kitParts = emptyList()))
    assertEq(emptyList<KitPart>(), plain.kitParts, "no longer a kit")
}

suspend fun offlineDoubleBookingIsResolvedTheSameOnBothDevices(dir: File) {
    openStore(dir, "anna.db").use { anna ->
        openStore(dir, "bo.db").use { bo ->
            val gid = anna.createGroup("Folkverkstad", "", "Anna").id
            val boMember = anna.addMember(gid, "Bo", Role.MEMBER, deviceId = bo.deviceId())
            val trailer = anna.addItem(gid, itemDraft("Släpvagn"))
            runBlocking { bo.mergeDocuments(gid, anna.exportGroup(gid)) }
            val annaHears = Throwing()
            val boHears = Collector()
            anna.setListener(annaHears)
            bo.setListener(boHears)

            // Both devices offline: each promises the last unit for overlapping windows.
            val start = hoursAfter(anna.now(), 30)
            val annas = anna.book(gid, NewBooking(trailer.id, 1u, start, start + 5 * HOUR))
            Thread.sleep(5)
            val bos = bo.book(gid, NewBooking(trailer.id, 1u, start + 2 * HOUR, start + 6 * HOUR, note = "moving"))
            assertEq(BookingState.CONFIRMED, bos.state, "Bo's device confirms offline")
            expect(annas.hlc < bos.hlc) { "Anna asked first: ${annas.hlc} / ${bos.hlc}" }

            // They meet and exchange.
            runBlocking {
                anna.mergeDocuments(gid, bo.exportGroup(gid))
                bo.mergeDocuments(gid, anna.exportGroup(gid))
            }
            for ((who, store) in listOf("Anna" to anna, "Bo" to bo)) {
                val lost = store.getBooking(gid, bos.id)
                assertEq(BookingState.BUMPED, lost.state, "$who: Bo's booking is bumped")
                assertEq(Bump(BumpReason.OVERBOOKED, annas.id), lost.bump, "$who: reason and winner")
                assertEq(BookingState.CONFIRMED, store.getBooking(gid, annas.id).state, "$who: Anna keeps it")
                assertEq(null, store.getBooking(gid, annas.id).bump, "$who: the winner has no bump")
            }
            assertEq(anna.listBookings(gid), bo.listBookings(gid), "both devices show the same bookings")

            // Bo's app hears it through its Kotlin listener, with the typed details.
            val heard = boHears.heard.filter { it.kind == NotificationKind.BUMPED }
            assertEq(1, heard.size, "Bo heard one bump: ${boHears.heard}")
            val bump = heard[0]
            assertEq(boMember.id, bump.memberId, "for Bo")
            assertEq(bos.id, bump.bookingId, "about Bo's booking")
            assertEq(BumpReason.OVERBOOKED, bump.detail.reason, "reason")
            assertEq(annas.id, bump.detail.winnerId, "winner")
            assertEq("Anna", bump.detail.winnerMember, "winner's name")
            assertEq(start + 5 * HOUR, bump.detail.suggestedStart, "next free window suggested")
            assertEq("Booking bumped", bump.title, "title")
            expect(bump.body.startsWith("Your booking of Släpvagn") && "Anna has it" in bump.body) { bump.body }
            assertEq(listOf(bump), bo.notifications(gid), "pending on Bo's device")

            // Anna's listener throws; her store derived the same bump and kept working.
            expect(annaHears.calls >= 1) { "Anna's listener was called" }
            assertEq(listOf(NotificationKind.BUMPED), anna.notificationsFor(gid, boMember.id).map { it.kind }, "Anna's view")
            expect(runBlocking { anna.check() }.clean && runBlocking { bo.check() }.clean) { "check after the conflict" }

            // Acknowledged notifications are no longer pending.
            assertEq(1u, bo.acknowledge(listOf(bump.id)), "acknowledged")
            assertEq(0u, bo.acknowledge(listOf(bump.id, 9_999L)), "twice and unknown ids: nothing")
            assertEq(emptyList<Notification>(), bo.notifications(gid), "nothing pending")
            assertEq(listOf(true), bo.notifications(gid, includeAcknowledged = true).map { it.acknowledged }, "kept")

            // Bo drops the bumped booking and takes the suggested window instead.
            assertEq(BookingState.CANCELLED, bo.actOnBooking(gid, bos.id, BookingAction.CANCEL).state, "cancelled")
            val retry = bo.book(gid, NewBooking(trailer.id, 1u, start + 5 * HOUR, start + 9 * HOUR))
            assertEq(BookingState.CONFIRMED, retry.state, "the suggested window is free")
        }
    }
}

suspend fun approvalRequestsAndConfirmationsNotifyAcrossDevices(dir: File) {
    openStore(dir, "anna.db").use { anna ->
        openStore(dir, "bo.db").use { bo ->
            val gid = anna.createGroup("Folkverkstad", "", "Anna").id
            val annaId = anna.me(gid).id
            anna.addMember(gid, "Bo", Role.MEMBER, deviceId = bo.deviceId())
            val rules = defaultLoanRules().copy(requiresApproval = true)
            val lathe = anna.addItem(gid, itemDraft("Svarv").copy(rules = rules))
            runBlocking { bo.mergeDocuments(gid, anna.exportGroup(gid)) }
            val annaHears = Collector()
            anna.setListener(annaHears)

            val start = hoursAfter(bo.now(), 30)
            val request = bo.book(gid, NewBooking(lathe.id, 1u, start, start + 2 * HOUR))
            assertEq(BookingState.REQUESTED, request.state, "a member's request waits for a steward")
            runBlocking { anna.mergeDocuments(gid, bo.exportGroup(gid)) }
            val ask = annaHears.heard.single()
            assertEq(NotificationKind.APPROVAL_NEEDED, ask.kind, "Anna is asked")
            assertEq(annaId, ask.memberId, "for the steward")
            assertEq("Bo", ask.detail.memberName, "who asks")

            anna.actOnBooking(gid, request.id, BookingAction.CONFIRM)
            runBlocking { bo.mergeDocuments(gid, anna.exportGroup(gid)) }
            val confirmed = bo.notifications(gid).single()
            assertEq(NotificationKind.BOOKING_CONFIRMED, confirmed.kind, "Bo is told")
            inLocale("sv") {
                val text = notificationText(confirmed, currentLocale())
                assertEq("Bokningen är bekräftad", text.title, "Swedish title")
                expect(text.body.startsWith("Din bokning av Svarv (") && text.body.endsWith(") är bekräftad.")) {
                    text.body
                }
            }
        }
    }
}

suspend fun tickReportsOverdueAndDueTomorrow(dir: File): Unit = Fixture(dir).use { f ->
    val heard = Collector()
    f.store.setListener(heard)
    val saw = f.addItem("Motorsåg")
    val drill = f.addItem("Borrmaskin")
    val now = f.store.now()
    val late = f.store.book(f.gid, NewBooking(saw.id, 1u, now - Duration.ofMinutes(10), now - Duration.ofMinutes(5)))
    val soon = f.store.book(f.gid, NewBooking(drill.id, 1u, now, now + 3 * HOUR))
    assertEq(emptyList<Notification>(), f.store.tick(), "nothing out yet")
    f.store.actOnBooking(f.gid, late.id, BookingAction.CHECK_OUT)
    f.store.actOnBooking(f.gid, soon.id, BookingAction.CHECK_OUT)

    val created = f.store.tick()
    assertEq(
        setOf(NotificationKind.OVERDUE to late.id, NotificationKind.DUE_TOMORROW to soon.id),
        created.map { it.kind to it.bookingId }.toSet(),
        "tick",
    )
    assertEq(created, heard.heard.toList(), "the listener heard the same")
    assertEq(emptyList<Notification>(), f.store.tick(), "each notified once")
    val overdue = created.first { it.kind == NotificationKind.OVERDUE }
    assertEq("Overdue", overdue.title, "title")
    expect(overdue.body.startsWith("Motorsåg was due back by ") && overdue.body.contains("UTC")) { overdue.body }
    assertEq(now - Duration.ofMinutes(5), overdue.detail.end, "typed end")
    assertEq(2, f.store.notifications(f.gid).size, "pending")
    assertEq(2u, f.store.acknowledge(created.map { it.id }), "both acknowledged")
    assertEq(emptyList<Notification>(), f.store.notifications(f.gid), "none pending")

    // With the listener cleared, tick still records notifications but calls nobody.
    f.store.setListener(null)
    val rake = f.addItem("Kratta")
    val later = f.store.book(f.gid, NewBooking(rake.id, 1u, now - Duration.ofMinutes(10), now - Duration.ofMinutes(5)))
    f.store.actOnBooking(f.gid, later.id, BookingAction.CHECK_OUT)
    assertEq(listOf(later.id), f.store.tick().map { it.bookingId }, "a new overdue loan")
    assertEq(2, heard.heard.size, "no call after setListener(null)")
}

suspend fun textsFollowTheLocale(dir: File): Unit = Fixture(dir).use { f ->
    assertEq("en", currentLocale(), "English by default")
    val saw = f.addItem("Motorsåg")
    val now = f.store.now()
    val late = f.store.book(f.gid, NewBooking(saw.id, 1u, now - Duration.ofMinutes(10), now - Duration.ofMinutes(5)))
    f.store.actOnBooking(f.gid, late.id, BookingAction.CHECK_OUT)

    inLocale("sv-SE") {
        assertEq("sv", currentLocale(), "Swedish chosen")
        val n = f.store.tick().single()
        assertEq("Försenad återlämning", n.title, "Swedish title")
        expect(n.body.startsWith("Motorsåg skulle ha lämnats tillbaka senast ") && n.body.endsWith("UTC. Lämna tillbaka så snart du kan.")) {
            n.body
        }
        val missing = assertThrows<DelbarException.NotFound>("unknown item") { f.store.getItem(f.gid, "aaaaaaaaaaaaaaaa") }
        assertEq("Föremålet hittades inte.", missing.text, "Swedish error text")
        assertEq("no item with id aaaaaaaaaaaaaaaa", missing.toString(), "toString stays English for logs")
        val spade = f.addItem("Spade")
        val wrong = assertThrows<DelbarException.IllegalTransition>("returning gear not out") {
            f.store.actOnBooking(f.gid, f.book(spade, f.tomorrow, 2).id, BookingAction.RETURN)
        }
        assertEq("Det går inte att lämna tillbaka en bokning som är bekräftad.", wrong.userMessage(), "Swedish transition")
        assertEq("en annan bokning av samma exemplar kom först", bumpReasonText(BumpReason.OVERBOOKED, "sv"), "reason")

        val nb = notificationText(n, "nb-NO")
        assertEq("Forsinket innlevering", nb.title, "Norwegian title")
        expect(nb.body.startsWith("Motorsåg skulle vært levert tilbake senest ")) { nb.body }
        val en = notificationText(n, "en")
        assertEq("Overdue", en.title, "English title")
        assertEq(notificationText(n, "de").body, en.body, "an unknown language falls back to English")
    }
    inLocale("nb", zone = "Europe/Oslo") {
        val n = f.store.notifications(f.gid).single()
        assertEq("Forsinket innlevering", n.title, "Norwegian title from the store")
        expect("UTC" !in n.body && n.body.startsWith("Motorsåg skulle vært levert tilbake senest ")) { n.body }
        val rules = assertThrows<DelbarException.NotQualified>("Norwegian error") {
            val chainsaw = f.store.addItem(
                f.gid,
                itemDraft("Kjedesag").copy(rules = defaultLoanRules().copy(requiresQualification = true)),
            )
            f.book(chainsaw, f.tomorrow, 1)
        }
        assertEq("For å få låne Kjedesag må en gruppeansvarlig først ha godkjent deg.", rules.text, "Norwegian text")
    }
    assertEq("en", currentLocale(), "back to English")
    assertEq("Overdue", f.store.notifications(f.gid).single().title, "English again")
}

suspend fun newErrorsAreTyped(dir: File) {
    Fixture(dir).use { f ->
        // The same file opened twice in one process.
        val inUse = assertThrows<DelbarException.InUse>("opening an open store again") { openStore(dir) }
        expect(inUse.path.endsWith("delbar.db")) { "path: ${inUse.path}" }
        expect("open elsewhere" in inUse.userMessage()) { inUse.userMessage() }
        val tiller = f.addItem("Jordfräs")
        val year10000 = Instant.ofEpochMilli(253_402_300_800_000L)
        val date = assertThrows<DelbarException.InvalidInput>("a date after 9999") {
            f.store.book(f.gid, NewBooking(tiller.id, 1u, f.tomorrow, year10000 + DAY))
        }
        expect("9999" in date.reason && "9999" in date.text) { "reason: ${date.reason} / ${date.text}" }
        val kit = assertThrows<DelbarException.InvalidInput>("a kit part listed twice") {
            f.store.addItem(f.gid, itemDraft("Kit").copy(kitParts = listOf(KitPart(tiller.id, 1u), KitPart(tiller.id, 2u))))
        }
        expect("kit" in kit.reason) { "reason: ${kit.reason}" }
        assertThrows<DelbarException.InvalidInput>("a malformed booking id") { f.store.extendBooking(f.gid, "Not an id!", Instant.EPOCH) }
        assertThrows<DelbarException.NotFound>("waitlist of an unknown item") { f.store.waitlist(f.gid, "aaaaaaaaaaaaaaaa") }
        assertThrows<DelbarException.InvalidInput>("a window that ends before it starts") {
            f.store.freeItems(f.gid, f.tomorrow, f.tomorrow - HOUR)
        }
        assertThrows<DelbarException.InvalidInput>("text of a notification with a malformed id") {
            notificationText(
                Notification(
                    1, "Not an id!", "Not an id!", NotificationKind.OVERDUE, null, null,
                    NotificationDetail("x", null, null, null, null, null, null, null, null, null),
                    Instant.EPOCH, false, "", "",
                ),
                "sv",
            )
        }
    }
    // Closed, the file opens again.
    openStore(dir).use { assertEq(1, it.listGroups().size, "reopened after close") }
}
