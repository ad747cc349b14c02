//! The workspace's `uniffi-bindgen`: generates the Kotlin and Swift bindings of `delbar_ffi`
//! from the built library (`generate --library target/debug/libdelbar_ffi.so ...`), with the
//! settings of `bindings/uniffi.toml`.
//!
//! One step follows uniffi's own generation, for Kotlin only: the `message` of every
//! `DelbarException` becomes the variant's `text`, the sentence for a person in the locale
//! set with `setLocale`. uniffi 0.32 has no setting for this: it makes the `message` of an
//! error with fields a list of them (`what=item, id=..., text=...`), and Kotlin cannot
//! override that property outside the generated class. Swift needs no such step: the
//! package's `DelbarError+Localized.swift` gives `errorDescription` the same sentence.
//! The step fails, and the command with it, when the generated code no longer has the shape
//! it rewrites (a newer uniffi), so a change there cannot pass unnoticed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The line uniffi 0.32 writes into each variant of an error with fields, up to its fields.
const MESSAGE_GETTER: &str = "get() = \"";
/// The field every `DelbarError` variant has: the translated sentence.
const TEXT_FIELD: &str = "text=${ `text` }";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    uniffi::uniffi_bindgen_main();
    if !is_generate(&args) || !generates_kotlin(&args) {
        return ExitCode::SUCCESS;
    }
    let Some(out_dir) = option_value(&args, "--out-dir", "-o") else {
        return ExitCode::SUCCESS;
    };
    match rewrite_messages(Path::new(&out_dir)) {
        Ok(0) => {
            eprintln!("no DelbarException found under {out_dir}: its message was not set to the translated text");
            ExitCode::FAILURE
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("setting DelbarException.message under {out_dir}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn is_generate(args: &[String]) -> bool {
    args.iter().skip(1).any(|a| a == "generate")
}

/// Kotlin is generated when it is named, or when no language is (uniffi then makes all).
fn generates_kotlin(args: &[String]) -> bool {
    let mut named = false;
    let mut kotlin = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let value = if arg == "--language" || arg == "-l" {
            iter.next().cloned()
        } else {
            arg.strip_prefix("--language=").map(str::to_owned)
        };
        if let Some(language) = value {
            named = true;
            kotlin |= language == "kotlin";
        }
    }
    kotlin || !named
}

fn option_value(args: &[String], long: &str, short: &str) -> Option<String> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == long || arg == short {
            return iter.next().cloned();
        }
        if let Some(value) = arg.strip_prefix(long).and_then(|rest| rest.strip_prefix('=')) {
            return Some(value.to_owned());
        }
    }
    None
}

/// Rewrites every generated `.kt` file under `dir` that declares `DelbarException`; returns
/// how many it rewrote.
fn rewrite_messages(dir: &Path) -> Result<usize, String> {
    let mut rewritten = 0;
    for file in kotlin_files(dir).map_err(|e| e.to_string())? {
        let source = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        if !source.contains("sealed class DelbarException") {
            continue;
        }
        let patched = text_as_message(&source).map_err(|e| format!("{}: {e}", file.display()))?;
        std::fs::write(&file, patched).map_err(|e| format!("{}: {e}", file.display()))?;
        rewritten += 1;
    }
    Ok(rewritten)
}

fn kotlin_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "kt") {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// The generated source with each `DelbarException` variant's `message` getter returning its
/// `text`. Fails unless every variant's getter was found and rewritten.
fn text_as_message(source: &str) -> Result<String, String> {
    // `TimeZoneException` (from `setTimeZone`) carries a `text` too and gets the same message.
    let variants = source.matches(": DelbarException()").count() + source.matches(": TimeZoneException()").count();
    let mut rewritten = 0;
    let mut out = String::with_capacity(source.len());
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(MESSAGE_GETTER) && trimmed.contains(TEXT_FIELD) {
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(indent);
            out.push_str("get() = `text`\n");
            rewritten += 1;
        } else {
            out.push_str(line);
        }
    }
    if variants == 0 || rewritten != variants {
        return Err(format!(
            "expected a `{MESSAGE_GETTER}...{TEXT_FIELD}...` line in each of the {variants} variants of \
             DelbarException, rewrote {rewritten}: has uniffi's error template changed?"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_getter_returns_the_text() {
        let generated = "sealed class DelbarException: kotlin.Exception() {\n    class NotFound(\n        val `what`: kotlin.String,\n        val `text`: kotlin.String\n        ) : DelbarException() {\n        override val message\n            get() = \"what=${ `what` }, text=${ `text` }\"\n    }\n}\n";
        let patched = text_as_message(generated).unwrap();
        assert!(patched.contains("            get() = `text`\n"), "{patched}");
        assert!(!patched.contains("what=${"), "{patched}");
    }

    #[test]
    fn a_variant_without_text_fails_the_step() {
        let generated = "class A(val `x`: kotlin.String) : DelbarException() {\n    override val message\n        get() = \"x=${ `x` }\"\n}\n";
        assert!(text_as_message(generated).is_err());
    }

    #[test]
    fn languages_are_read_from_the_arguments() {
        let args = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert!(generates_kotlin(&args("bindgen generate --language kotlin --out-dir x")));
        assert!(!generates_kotlin(&args("bindgen generate --language swift --out-dir x")));
        assert!(generates_kotlin(&args("bindgen generate --out-dir x")));
        assert_eq!(Some("x".to_owned()), option_value(&args("bindgen generate -o x"), "--out-dir", "-o"));
    }
}
