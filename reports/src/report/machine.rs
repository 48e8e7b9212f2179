//! The machine the report is generated on, and UTC time stamps without a date crate.

use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

/// One line describing this machine: CPU model, logical cores, kernel and architecture, distribution.
pub fn this_machine() -> String {
    let cpu = rawcheck_benches::machine::cpu_model().unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = rawcheck_benches::machine::kernel();
    let distro = fs::read_to_string("/etc/os-release").ok().and_then(|text| {
        text.lines().find_map(|line| {
            let value = line.strip_prefix("PRETTY_NAME=")?;
            Some(value.trim_matches('"').to_owned())
        })
    });
    let mut line = format!(
        "{cpu}, {cores} logical cores, {kernel} {}",
        std::env::consts::ARCH
    );
    if let Some(distro) = distro {
        line.push_str(&format!(" ({distro})"));
    }
    line
}

/// `YYYY-MM-DD HH:MM:SS UTC` for a time stamp (times before 1970 print as the epoch).
pub fn utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = rawcheck_benches::machine::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> String {
        utc(UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn utc_dates_are_right() {
        assert_eq!(at(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(at(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(at(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(at(4_107_542_399), "2100-02-28 23:59:59 UTC");
        assert_eq!(at(4_107_542_400), "2100-03-01 00:00:00 UTC");
        assert_eq!(
            utc(UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01 00:00:00 UTC"
        );
    }

    #[test]
    fn this_machine_names_cores_and_arch() {
        let line = this_machine();
        assert!(line.contains("logical cores"), "{line}");
        assert!(line.contains(std::env::consts::ARCH), "{line}");
    }
}
