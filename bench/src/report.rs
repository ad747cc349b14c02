//! The table and the JSON: per size, each measure for Delbar and the naive design, their
//! ratio and Delbar's growth from the smallest size; then the targets, met or not.

use serde::Serialize;

use crate::stats::Latencies;
use crate::turns;

/// One measured line: Delbar's figures and the naive design's.
#[derive(Serialize)]
pub struct Row {
    pub what: String,
    pub delbar: Vec<(String, f64)>,
    pub naive: Vec<(String, f64)>,
}

impl Row {
    pub fn single(what: &str, delbar: f64, naive: f64) -> Self {
        Row { what: what.to_owned(), delbar: vec![("value".into(), delbar)], naive: vec![("value".into(), naive)] }
    }

    pub fn latency(what: &str, delbar: &Latencies, naive: &Latencies) -> Self {
        let pick = |l: &Latencies| vec![("p50".to_owned(), l.percentile(50.0)), ("p99".to_owned(), l.percentile(99.0))];
        Row { what: what.to_owned(), delbar: pick(delbar), naive: pick(naive) }
    }
}

/// Every row for one history size.
#[derive(Serialize)]
pub struct SizeReport {
    pub bookings: usize,
    /// How long building the history took (not a measure of either design).
    pub build_seconds: f64,
    pub rows: Vec<Row>,
}

impl SizeReport {
    fn has(&self, what: &str) -> bool {
        self.rows.iter().any(|r| r.what == what)
    }

    fn get(&self, what: &str, stat: &str, naive: bool) -> f64 {
        self.rows
            .iter()
            .find(|r| r.what == what)
            .and_then(|r| if naive { &r.naive } else { &r.delbar }.iter().find(|(s, _)| s == stat))
            .map(|(_, v)| *v)
            .unwrap_or(f64::NAN)
    }
}

/// One target of the issue, checked at the largest size measured.
#[derive(Serialize)]
pub struct TargetResult {
    pub target: String,
    pub at_bookings: usize,
    pub value: f64,
    pub limit: f64,
    pub met: bool,
}

const OPEN: &str = "cold open to first item list (ms)";
const AVAIL: &str = "availability query (ms)";
const SEARCH: &str = "item text search (ms)";
const WRITE: &str = "durable booking write (ms)";
const RSS: &str = "peak RSS, open + queries (MB)";
const WEEK_BYTES: &str = "week offline: bytes on the wire (KB)";
const WEEK_TIME: &str = "week offline: time (ms)";
const WEEK_RAW: &str = "week offline: wire / save_after size";
const WEEK_COMPRESSED: &str = "week offline: wire / compressed size";
const FIRST: &str = "first contact: wire / saved size";
const PIPE_RATIO: &str = "week offline over a pipe: / bytes over iroh";

/// The issues' targets against the largest size (growth against the smallest); only those
/// whose rows were measured (a `--new-rows` run has no naive design and no growth pass).
pub fn targets(reports: &[SizeReport]) -> Vec<TargetResult> {
    let (Some(first), Some(last)) = (reports.first(), reports.last()) else { return Vec::new() };
    let mut out = Vec::new();
    let mut at_most = |target: &str, value: f64, limit: f64| {
        if value.is_nan() {
            return;
        }
        out.push(TargetResult {
            target: target.to_owned(),
            at_bookings: last.bookings,
            value,
            limit,
            met: value <= limit,
        });
    };
    let d = |r: &SizeReport, what: &str, stat: &str| r.get(what, stat, false);
    let growth = |what: &str, stat: &str| d(last, what, stat) / d(first, what, stat);
    // Delbar's own figures come from the growth pass (sizes taking turns) when it ran.
    let pick = |main: &'static str, turns: &'static str| if last.has(turns) && first.has(turns) { turns } else { main };
    let (open, avail, search, write, week_time) = (
        pick(OPEN, turns::TURNS_OPEN),
        pick(AVAIL, turns::TURNS_AVAIL),
        pick(SEARCH, turns::TURNS_SEARCH),
        pick(WRITE, turns::TURNS_WRITE),
        pick(WEEK_TIME, turns::TURNS_WEEK),
    );
    at_most("cold open (ms) <= 25", d(last, open, "value"), 25.0);
    at_most("cold open growth from the smallest size <= 1.25x", growth(open, "value"), 1.25);
    at_most("availability p99 (ms) <= 1", d(last, avail, "p99"), 1.0);
    at_most("availability p99 growth <= 1.25x", growth(avail, "p99"), 1.25);
    at_most("search p99 (ms) <= 5", d(last, search, "p99"), 5.0);
    at_most("search p99 growth <= 1.25x", growth(search, "p99"), 1.25);
    at_most("durable write p50 (ms) <= 1", d(last, write, "p50"), 1.0);
    at_most("durable write p99 (ms) <= 10", d(last, write, "p99"), 10.0);
    let worst = |what: &str| reports.iter().map(|r| d(r, what, "value")).fold(f64::NAN, f64::max);
    at_most("week offline: wire <= 1.5x save_after size, every size (worst)", worst(WEEK_RAW), 1.5);
    at_most("week offline: wire <= 1.5x compressed size, every size (worst)", worst(WEEK_COMPRESSED), 1.5);
    at_most("week offline: time growth <= 1.5x", growth(week_time, "value"), 1.5);
    at_most("first contact: wire <= 1.2x saved size", d(last, FIRST, "value"), 1.2);
    at_most("peak RSS, open + queries (MB) <= 64", d(last, RSS, "value"), 64.0);
    at_most("first contact over iroh: peak RSS (MB) <= 128", d(last, crate::rss::FIRST_CONTACT_RSS, "value"), 128.0);
    at_most("full bundle import: peak RSS (MB) <= 128", d(last, crate::rss::IMPORT_RSS, "value"), 128.0);
    at_most("week offline: pipe bytes <= 1.1x the session's, every size (worst)", worst(PIPE_RATIO), 1.1);
    let ratio = |what: &str, stat: &str| last.get(what, stat, true) / d(last, what, stat);
    let mut at_least = |target: &str, value: f64, limit: f64| {
        if value.is_nan() {
            return;
        }
        out.push(TargetResult {
            target: target.to_owned(),
            at_bookings: last.bookings,
            value,
            limit,
            met: value >= limit,
        });
    };
    at_least("vs naive: cold open >= 50x faster", ratio(OPEN, "value"), 50.0);
    at_least("vs naive: availability p50 >= 500x faster", ratio(AVAIL, "p50"), 500.0);
    at_least("vs naive: availability p99 >= 500x faster", ratio(AVAIL, "p99"), 500.0);
    at_least("vs naive: week offline bytes >= 5x smaller", ratio(WEEK_BYTES, "value"), 5.0);
    out
}

fn fmt(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A plain-text table: per size and measure, Delbar, naive, naive/Delbar, and Delbar's growth
/// from the smallest size; then the targets.
pub fn table(reports: &[SizeReport]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<9} {:<48} {:<5} {:>10} {:>10} {:>12} {:>8}\n",
        "bookings", "measure", "stat", "delbar", "naive", "naive/delbar", "growth"
    ));
    let first = reports.first();
    for r in reports {
        for row in &r.rows {
            for (i, (stat, d)) in row.delbar.iter().enumerate() {
                let n = row.naive.get(i).map(|x| x.1).unwrap_or(f64::NAN);
                let base = first
                    .and_then(|f| f.rows.iter().find(|x| x.what == row.what))
                    .and_then(|x| x.delbar.get(i))
                    .map(|x| x.1);
                let growth = base.filter(|b| *b > 0.0).map(|b| d / b).unwrap_or(f64::NAN);
                out.push_str(&format!(
                    "{:<9} {:<48} {:<5} {:>10} {:>10} {:>12} {:>8}\n",
                    r.bookings,
                    row.what,
                    stat,
                    fmt(*d),
                    fmt(n),
                    fmt(if *d > 0.0 { n / d } else { f64::NAN }),
                    fmt(growth)
                ));
            }
        }
    }
    out.push_str(&format!("\n{:<66} {:>9} {:>10} {:>8} {:>8}\n", "target", "bookings", "value", "limit", "met"));
    for t in targets(reports) {
        out.push_str(&format!(
            "{:<66} {:>9} {:>10} {:>8} {:>8}\n",
            t.target,
            t.at_bookings,
            fmt(t.value),
            fmt(t.limit),
            if t.met { "met" } else { "NOT MET" }
        ));
    }
    out
}

/// The same figures as JSON: `{"sizes": [...], "targets": [...]}`.
pub fn json(reports: &[SizeReport]) -> String {
    #[derive(Serialize)]
    struct All<'a> {
        sizes: &'a [SizeReport],
        targets: Vec<TargetResult>,
    }
    serde_json::to_string_pretty(&All { sizes: reports, targets: targets(reports) })
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
