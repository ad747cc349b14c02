// What a Kotlin developer meets in the generated API (bindings/uniffi.toml): package
// org.delbar, exceptions whose `message` is the sentence in the chosen language while the
// variants keep their typed fields, immutable records changed with copy(), java.time
// instants and durations, and one number type for units.

import java.io.File
import java.time.Duration
import java.time.Instant
import org.delbar.*
import org.delbar.core.*

suspend fun anExceptionMessageIsTheTranslatedSentence(dir: File): Unit = Fixture(dir).use { f ->
    val english = assertThrows<DelbarException.NotFound>("an unknown item") { f.store.getItem(f.gid, "aaaaaaaaaaaaaaaa") }
    assertEq("The item was not found.", english.message, "English message")
    assertEq(english.text, english.message, "message is the variant's text")
    assertEq("item" to "aaaaaaaaaaaaaaaa", english.what to english.id, "typed fields kept")
    assertEq("no item with id aaaaaaaaaaaaaaaa", english.toString(), "toString: the English sentence for logs")

    inLocale("sv-SE") {
        val e: DelbarException = assertThrows<DelbarException>("an unknown item, in Swedish") {
            f.store.getItem(f.gid, "aaaaaaaaaaaaaaaa")
        }
        assertEq("Föremålet hittades inte.", e.message, "Swedish message")
        assertEq("Föremålet hittades inte.", e.localizedMessage, "Swedish localizedMessage")
        val matched = when (e) {
            is DelbarException.NotFound -> "not found: ${e.what}"
            else -> "other: $e"
        }
        assertEq("not found: item", matched, "a when over the sealed class")

        // A variant whose only field is the text, and one with typed enum fields.
        val moved = f.book(f.addItem("Spade"), f.tomorrow, 2)
        val twice = assertThrows<DelbarException.IllegalTransition>("returning gear not out") {
            f.store.actOnBooking(f.gid, moved.id, BookingAction.RETURN)
        }
        assertEq(BookingAction.RETURN to BookingState.CONFIRMED, twice.action to twice.state, "typed fields")
        assertEq("Det går inte att lämna tillbaka en bokning som är bekräftad.", twice.message, "Swedish transition")
        expect(twice.message?.contains("=") == false) { "no list of fields: ${twice.message}" }
    }
}

suspend fun recordsAreImmutableAndInstantsAreJavaTime(dir: File): Unit = Fixture(dir).use { f ->
    // Records are data classes of vals: no setter on any of them.
    for (record in listOf(Item::class.java, ItemDraft::class.java, Booking::class.java, NewBooking::class.java, Group::class.java)) {
        val setters = record.methods.filter { it.name.startsWith("set") }.map { it.name }
        assertEq(emptyList<String>(), setters, "setters of ${record.simpleName}")
    }
    val tiller = f.addItem("Jordfräs", quantity = 2u)
    val renamed = tiller.copy(name = "Jordfräs Honda")
    assertEq("Jordfräs", tiller.name, "copy() leaves the original as it was")
    assertEq(tiller.id, renamed.id, "copy() keeps the other fields")

    // Instants are java.time.Instant; a finer instant is cut to the millisecond.
    val now: Instant = f.store.now()
    expect(Duration.between(now, Instant.now()).abs() < Duration.ofMinutes(1)) { "store clock: $now" }
    val start: Instant = f.tomorrow.plusNanos(999_999)
    val booking = f.store.book(f.gid, NewBooking(tiller.id, 2u, start, start + 3 * HOUR))
    assertEq(f.tomorrow, booking.start, "start, to the millisecond")
    assertEq(Duration.ofHours(3), Duration.between(booking.start, booking.end), "length")
    // Units are UInt wherever they appear: given, stored and counted.
    val units: UInt = booking.units
    val quantity: UInt = f.store.getItem(f.gid, tiller.id).quantity
    assertEq(quantity, units, "both units booked")
    assertEq(0u, f.store.availability(f.gid, tiller.id, f.tomorrow, f.tomorrow + HOUR).freeUnits, "none free")
    // A length is a java.time.Duration.
    val next = f.store.nextFreeWindow(f.gid, tiller.id, f.tomorrow, Duration.ofHours(2))
        ?: throw AssertionFailed("no free window")
    assertEq(f.tomorrow + 3 * HOUR, next.start, "next free window after the loan")
}

suspend fun theCoresOwnTypesCrossAsTheyAre(dir: File): Unit = Fixture(dir).use { f ->
    // The core's enums and records that an app sees as they are come from package
    // org.delbar.core (core/uniffi.toml): one definition, derived in the core, no copy.
    for (type in listOf(Condition::class.java, BookingState::class.java, BookingAction::class.java,
            BumpReason::class.java, ActivityAction::class.java, NotificationKind::class.java, Role::class.java,
            Location::class.java, LoanRules::class.java, ItemPhoto::class.java, Booking::class.java, Bump::class.java,
            ActivityEntry::class.java, MaintenanceEntry::class.java, ScanAction::class.java, Schedule::class.java)) {
        assertEq("org.delbar.core", type.packageName, "package of ${type.simpleName}")
    }
    for (record in listOf(Location::class.java, LoanRules::class.java, ItemPhoto::class.java, Booking::class.java,
            ActivityEntry::class.java, MaintenanceEntry::class.java)) {
        val setters = record.methods.filter { it.name.startsWith("set") }.map { it.name }
        assertEq(emptyList<String>(), setters, "setters of ${record.simpleName}")
    }
    // They go into a call and come back out whole, with the defaults the core gives.
    assertEq(Location("", null, null), Location(), "Location's defaults")
    val shelf = Location(text = "Ladan vid Lövåsen, hylla 3", lat = 63.1792, lon = 14.6357)
    val rules = defaultLoanRules().copy(maxLoanHours = 48L, bufferMinutes = 30L, requiresApproval = true)
    val heater = f.store.addItem(f.gid, itemDraft("Växthusvärmare").copy(
        condition = Condition.WORN, location = shelf, rules = rules, category = "greenhouse"))
    val back = f.store.getItem(f.gid, heater.id)
    assertEq(shelf, back.location, "location")
    assertEq(rules, back.rules, "loan rules")
    assertEq(Condition.WORN, back.condition, "condition")
    val request = f.store.book(f.gid, NewBooking(heater.id, 1u, f.tomorrow, f.tomorrow + 2 * HOUR))
    // The rules ask for approval, but a steward's own booking needs none.
    assertEq(BookingState.CONFIRMED, request.state, "a steward's booking is confirmed at once")
    // Ids in the core's records are text under the id's own alias (ItemId, MemberId...).
    val me = f.store.me(f.gid)
    val item: ItemId = request.item
    assertEq(heater.id, item, "the booking's item")
    assertEq(me.id, request.member, "the booking's member")
    assertEq(f.store.deviceId(), request.createdBy, "the device that made it")
    val entry = f.store.activity(f.gid).entries.first { it.booking == request.id }
    assertEq(ActivityAction.BOOKING_REQUESTED, entry.action, "activity action")
    assertEq(heater.id to me.id, entry.item to entry.actor, "the entry's item and actor")
    assertEq(Role.STEWARD, me.role, "the group's creator is a steward")
}
