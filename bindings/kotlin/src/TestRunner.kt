// A tiny test runner for the JVM: no JUnit, no Gradle, so the suite needs only kotlinc,
// the generated bindings, JNA and kotlinx-coroutines.

import java.io.File
import java.nio.file.Files
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking

/** A failed expectation, with what was expected and what was found. */
class AssertionFailed(message: String) : Exception(message)

/** Fails the test with [message] unless [condition] holds. */
fun expect(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionFailed(message())
}

/** Fails the test unless [actual] equals [expected]. */
fun <T> assertEq(expected: T, actual: T, what: String) {
    if (expected != actual) throw AssertionFailed("$what: expected <$expected>, got <$actual>")
}

/** Runs [block], expecting it to throw a [T]; returns the exception. */
inline fun <reified T : Throwable> assertThrows(what: String, block: () -> Unit): T {
    try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionFailed("$what: expected ${T::class.simpleName}, got ${e::class.qualifiedName}: $e")
    }
    throw AssertionFailed("$what: expected ${T::class.simpleName}, nothing was thrown")
}

/** One named test: a function given a fresh, empty temporary directory, run in a coroutine. */
class TestCase(val name: String, val body: suspend (File) -> Unit)

/**
 * Runs every test, printing `PASS name` or `FAIL name: reason`, then the closing line
 * `N passed, M failed`; exits with status 1 when any test failed.
 */
fun runTests(tests: List<TestCase>) {
    var passed = 0
    var failed = 0
    for (test in tests) {
        val dir = Files.createTempDirectory("delbar-kt-").toFile()
        try {
            runBlocking { test.body(dir) }
            println("PASS ${test.name}")
            passed++
        } catch (e: Throwable) {
            val name = e::class.qualifiedName ?: "exception"
            val text = e.toString()
            val reason = if (e is AssertionFailed) e.message else if (text.startsWith(name)) text else "$name: $text"
            println("FAIL ${test.name}: $reason")
            failed++
        } finally {
            dir.deleteRecursively()
        }
    }
    println("$passed passed, $failed failed")
    exitProcess(if (failed > 0) 1 else 0)
}
