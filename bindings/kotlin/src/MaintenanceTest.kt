// Gear care from Kotlin: maintenance plans that fall due and block bookings (also through a
// kit), returns that report the condition gear came back in, and maintenance that clears both.

import java.io.File
import javax.imageio.ImageIO
import kotlinx.coroutines.runBlocking
import org.delbar.*
import org.delbar.core.*

suspend fun maintenancePlansBlockBookingsUntilMaintenanceIsLogged(dir: File): Unit = Fixture(dir).use { f ->
    val saw = f.addItem("Motorsåg", category = "skog")
    val kit = f.store.addItem(f.gid, itemDraft("Skogspaket").copy(kitParts = listOf(KitPart(saw.id, 1u))))
    val plan = f.store.addMaintenancePlan(f.gid, saw.id, Schedule.AfterEachLoan, true, note = "slipa kedjan")
    assertEq(true, plan.blocks, "a blocking plan")
    assertEq(Schedule.AfterEachLoan, plan.schedule, "its schedule")
    val listed = f.store.maintenancePlans(f.gid)
    assertEq(listOf(plan.id), listed.map { it.plan.id }, "the plans in force")
    assertEq(null, listed[0].due, "not due before a loan")
    assertEq(listOf(plan), f.store.getItem(f.gid, saw.id).plans, "the item lists its plan")

    // A loan comes back worn: the plan falls due at the return.
    val now = f.store.now()
    val loan = f.store.book(f.gid, NewBooking(saw.id, 1u, now, now + HOUR))
    f.store.actOnBooking(f.gid, loan.id, BookingAction.CHECK_OUT)
    Thread.sleep(5)
    val back = runBlocking { f.store.returnBooking(f.gid, loan.id, ReturnReport(Condition.WORN, note = "kedjan slö")) }
    assertEq(BookingState.RETURNED, back.state, "returned")
    val due = f.store.maintenanceDue(f.gid)
    assertEq(listOf(saw.id), due.map { it.itemId }, "due now")
    assertEq("slipa kedjan", due[0].note, "what to do")
    assertEq(1u, due[0].loansSince, "one loan since")
    val refused = assertThrows<DelbarException.Unavailable>("booking the saw while it is due") { f.book(saw, f.tomorrow, 2) }
    expect(refused.text.contains("maintenance")) { refused.text }
    assertThrows<DelbarException.Unavailable>("booking the kit that holds it") { f.book(kit, f.tomorrow, 2) }
    val item = f.store.getItem(f.gid, saw.id)
    assertEq(Condition.GOOD, item.condition, "the steward's condition")
    assertEq(Condition.WORN, item.currentCondition, "the condition reported")
    assertEq("kedjan slö", item.reported?.note, "the report")
    assertEq(listOf(loan.id), f.store.conditionReports(f.gid, saw.id).map { it.bookingId }, "reports")

    // Maintenance completes the plan and clears the report.
    f.store.logMaintenance(f.gid, saw.id, "kedjan slipad", Condition.GOOD)
    assertEq(emptyList<MaintenanceDue>(), f.store.maintenanceDue(f.gid), "nothing due")
    assertEq(Condition.GOOD, f.store.getItem(f.gid, saw.id).currentCondition, "good again")
    f.book(kit, f.tomorrow, 2)

    assertThrows<DelbarException.InvalidInput>("a date that does not exist") {
        f.store.addMaintenancePlan(f.gid, saw.id, Schedule.Yearly(2u, 30u), false)
    }
    assertThrows<DelbarException.InvalidInput>("zero days") {
        f.store.addMaintenancePlan(f.gid, saw.id, Schedule.EveryDays(0u), false)
    }
    val yearly = f.store.addMaintenancePlan(f.gid, saw.id, Schedule.Yearly(2u, 29u), false)
    expect(f.store.maintenancePlans(f.gid, saw.id).first { it.plan.id == yearly.id }.due != null) { "a yearly plan has a date" }
    val removed = f.store.removeMaintenancePlan(f.gid, saw.id, plan.id)
    expect(removed.removed != null) { "removed: $removed" }
    assertEq(listOf(yearly.id), f.store.maintenancePlans(f.gid).map { it.plan.id }, "the plan left")
    assertThrows<DelbarException.NotFound>("removing it twice") { f.store.removeMaintenancePlan(f.gid, saw.id, plan.id) }
}

suspend fun aReturnReportingNeedsRepairKeepsTheItemFromBeingBooked(dir: File): Unit = Fixture(dir).use { f ->
    val trailer = f.addItem("Släpvagn")
    val now = f.store.now()
    val loan = f.store.book(f.gid, NewBooking(trailer.id, 1u, now, now + HOUR))
    f.store.actOnBooking(f.gid, loan.id, BookingAction.CHECK_OUT)
    assertThrows<DelbarException.InvalidInput>("a photo that is not an image") {
        runBlocking {
            f.store.returnBooking(f.gid, loan.id, ReturnReport(Condition.NEEDS_REPAIR, photo = "not a photo".toByteArray()))
        }
    }
    assertEq(BookingState.CHECKED_OUT, f.store.getBooking(f.gid, loan.id).state, "nothing written")
    runBlocking { f.store.returnBooking(f.gid, loan.id, ReturnReport(Condition.NEEDS_REPAIR, "däcket läcker", phoneJpeg())) }
    val item = f.store.getItem(f.gid, trailer.id)
    assertEq(Condition.NEEDS_REPAIR, item.currentCondition, "needs repair")
    val reported = item.reported ?: error("a report")
    val stored = photoBytes(f.store.returnPhoto(f.gid, loan.id))
    expect(!stored.contains("Exif".toByteArray())) { "EXIF survived at the return" }
    assertEq(64, reported.photo?.length, "the return keeps the stored photo's hash")
    expect(reported.thumbnail != null && reported.thumbnail != reported.photo) { "and its thumbnail's: $reported" }
    val thumb = ImageIO.read(photoBytes(f.store.returnPhoto(f.gid, loan.id, thumbnail = true)).inputStream())
    assertEq(320, thumb.width, "the return photo's thumbnail")
    assertThrows<DelbarException.Unavailable>("booking it") { f.book(trailer, f.tomorrow, 2) }
    val told = f.store.notifications(f.gid).filter { it.kind == NotificationKind.NEEDS_REPAIR }
    assertEq(1, told.size, "the steward is told")
    expect(told[0].body.contains("Släpvagn") && told[0].body.contains("däcket läcker")) { told[0].body }
    f.store.logMaintenance(f.gid, trailer.id, "nytt däck", Condition.GOOD)
    f.book(trailer, f.tomorrow, 2)
}
