// Item photos from Kotlin: a real JPEG written by the JVM's ImageIO with a GPS position in an
// EXIF segment (which must not survive), refusals, thumbnails that come with a sync and a full
// photo fetched over loopback iroh, "not here yet", removal; a photo taken at a return.

import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.io.File
import javax.imageio.ImageIO
import kotlinx.coroutines.runBlocking
import org.delbar.*
import org.delbar.core.*

/** A little-endian TIFF holding a GPS IFD with latitude 59°20'0" N: what a phone writes into EXIF. */
fun gpsTiff(): ByteArray {
    val b = java.nio.ByteBuffer.allocate(80).order(java.nio.ByteOrder.LITTLE_ENDIAN)
    b.put('I'.code.toByte()).put('I'.code.toByte()).putShort(42).putInt(8)
    // IFD0: one entry, the GPS IFD pointer (0x8825, LONG) to offset 26.
    b.putShort(1).putShort(0x8825.toShort()).putShort(4).putInt(1).putInt(26).putInt(0)
    // GPS IFD: GPSLatitudeRef "N", GPSLatitude three RATIONALs at offset 56.
    b.putShort(2)
    b.putShort(1).putShort(2).putInt(2).put('N'.code.toByte()).put(0).put(0).put(0)
    b.putShort(2).putShort(5).putInt(3).putInt(56)
    b.putInt(0)
    for ((num, den) in listOf(59 to 1, 20 to 1, 0 to 1)) b.putInt(num).putInt(den)
    return b.array()
}

/** A 640 x 480 JPEG from ImageIO with an APP1 Exif segment (the GPS TIFF) after its start; `blue` varies the picture. */
fun phoneJpeg(blue: Int = 90): ByteArray {
    val img = BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB)
    for (x in 0 until 640) for (y in 0 until 480) img.setRGB(x, y, (x % 256 shl 16) or (y % 256 shl 8) or blue)
    val plain = ByteArrayOutputStream().also { ImageIO.write(img, "jpg", it) }.toByteArray()
    val tiff = gpsTiff()
    val len = 2 + 6 + tiff.size
    val app1 = byteArrayOf(0xFF.toByte(), 0xE1.toByte(), (len shr 8).toByte(), (len and 0xFF).toByte()) +
        "Exif".toByteArray() + byteArrayOf(0, 0) + tiff
    return plain.copyOfRange(0, 2) + app1 + plain.copyOfRange(2, plain.size)
}

fun ByteArray.contains(needle: ByteArray): Boolean =
    (0..size - needle.size).any { i -> needle.indices.all { this[i + it] == needle[it] } }

fun photoBytes(p: PhotoBytes): ByteArray = when (p) {
    is PhotoBytes.Here -> p.bytes
    is PhotoBytes.NotHereYet -> throw AssertionFailed("the photo is not here")
}

suspend fun photosAreStrippedAndRefusedTyped(dir: File): Unit = Fixture(dir).use { f ->
    val saw = f.addItem("Bandsåg")
    val original = phoneJpeg()
    expect(original.contains("Exif".toByteArray())) { "the test photo carries EXIF" }
    val photo = runBlocking { f.store.addItemPhoto(f.gid, saw.id, original) }
    assertEq(640u, photo.width, "width")
    assertEq(480u, photo.height, "height")
    assertEq(listOf(photo), f.store.getItem(f.gid, saw.id).photos, "the item references the photo")
    val stored = photoBytes(f.store.itemPhoto(f.gid, saw.id, photo.hash))
    expect(!stored.contains("Exif".toByteArray())) { "EXIF survived" }
    expect(!stored.contains(byteArrayOf(0xFF.toByte(), 0xE1.toByte()))) { "an APP1 segment survived" }
    val thumb = photoBytes(f.store.itemPhoto(f.gid, saw.id, photo.hash, thumbnail = true))
    assertEq(photo.thumbnailBytes, thumb.size.toULong(), "thumbnail size")
    val decoded = ImageIO.read(thumb.inputStream())
    assertEq(320, decoded.width, "thumbnail width")
    assertThrows<DelbarException.InvalidInput>("text is not a photo") {
        runBlocking { f.store.addItemPhoto(f.gid, saw.id, "not a picture".toByteArray()) }
    }
    assertThrows<DelbarException.InvalidInput>("a truncated JPEG") {
        runBlocking { f.store.addItemPhoto(f.gid, saw.id, original.copyOfRange(0, original.size / 2)) }
    }
    assertEq(1, f.store.itemPhotos(f.gid, saw.id).size, "nothing was added by the refusals")
    val left = f.store.removeItemPhoto(f.gid, saw.id, photo.hash)
    assertEq(0, left.photos.size, "removed")
}

suspend fun photosTravelToAMemberOverLoopback(dir: File): Unit = SyncPair(dir).use { p ->
    val photo = runBlocking { p.anna.addItemPhoto(p.gid, p.tiller.id, phoneJpeg()) }
    runBlocking { p.olle.syncWith(p.anna.syncAddress(), p.gid) }
    val listed = p.olle.itemPhotos(p.gid, p.tiller.id).single()
    assertEq(photo, listed.photo, "the reference came with the catalogue")
    expect(listed.thumbnailHere && !listed.here) { "after a sync: thumbnail here, photo not yet ($listed)" }
    assertEq(PhotoBytes.NotHereYet, p.olle.itemPhoto(p.gid, p.tiller.id, photo.hash), "not here yet is a state")
    val report = runBlocking { p.olle.fetchItemPhoto(p.anna.syncAddress(), p.gid, p.tiller.id, photo.hash) }
    assertEq(1u, report.fetched, "fetched")
    val fetched = photoBytes(p.olle.itemPhoto(p.gid, p.tiller.id, photo.hash))
    expect(fetched.contentEquals(photoBytes(p.anna.itemPhoto(p.gid, p.tiller.id, photo.hash)))) { "the same bytes" }
    assertEq(fetched.size.toULong(), report.bytes, "bytes moved")

    // A photo taken when a loan comes back travels the same way.
    val now = p.anna.now()
    val loan = p.anna.book(p.gid, NewBooking(p.tiller.id, 1u, now, now + HOUR))
    p.anna.actOnBooking(p.gid, loan.id, BookingAction.CHECK_OUT)
    runBlocking { p.anna.returnBooking(p.gid, loan.id, ReturnReport(Condition.WORN, "pinnarna böjda", phoneJpeg(blue = 200))) }
    runBlocking { p.olle.syncWith(p.anna.syncAddress(), p.gid) }
    photoBytes(p.olle.returnPhoto(p.gid, loan.id, thumbnail = true))
    expect(p.olle.returnPhoto(p.gid, loan.id) == PhotoBytes.NotHereYet) { "the return's photo is not here yet" }
    val back = runBlocking { p.olle.fetchReturnPhoto(p.anna.syncAddress(), p.gid, loan.id) }
    assertEq(1u, back.fetched, "the return's photo fetched")
    expect(photoBytes(p.olle.returnPhoto(p.gid, loan.id)).contentEquals(photoBytes(p.anna.returnPhoto(p.gid, loan.id)))) {
        "the same bytes"
    }
}
