// DelbarError's text for a person. Hand-written: the generated Swift (Delbar.swift) is made
// without uniffi's own LocalizedError conformance (`omit_localized_error_conformance` in
// bindings/uniffi.toml), whose errorDescription would be a dump of the case's fields.
import Foundation

extension DelbarError: LocalizedError {
    /// The sentence to show a person, in the language set with `setLocale` when the error
    /// happened (`userMessage()`); `localizedDescription` returns it too. `description` stays
    /// the English sentence of the Rust `Display`, for logs.
    public var errorDescription: String? { userMessage() }
}
