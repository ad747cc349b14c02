//! The table and the JSON.

use serde::Serialize;

use crate::stats::Latencies;

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
    pub rows: Vec<Row>,
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
/// from the smallest size.
pub fn table(reports: &[SizeReport]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<10} {:<40} {:<5} {:>10} {:>10} {:>12} {:>14}\n",
        "bookings", "measure", "stat", "delbar", "naive", "naive/delbar", "delbar growth"
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
                    "{:<10} {:<40} {:<5} {:>10} {:>10} {:>12} {:>14}\n",
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
    out
}

/// The same figures as JSON.
pub fn json(reports: &[SizeReport]) -> String {
    serde_json::to_string_pretty(reports).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
