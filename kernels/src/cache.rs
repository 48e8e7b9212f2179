//! The data-cache sizes the scatter kernels pick their passes from.
//!
//! Read once from Linux's `/sys/devices/system/cpu/cpu0/cache/index*/{level,type,size}` (the
//! sizes one core sees, the last level usually shared with other cores); where that is not available (another OS, Miri's isolation, a container
//! hiding `/sys`) the [`CacheSizes::FALLBACK`] values of a common x86-64 core are used. The
//! sizes only choose between algorithms that all compute the same result, so a wrong value costs
//! speed, never correctness.

use std::sync::OnceLock;

/// Sizes in bytes of the data caches of one core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheSizes {
    /// Level-1 data cache.
    pub l1d: usize,
    /// Level-2 cache (per core on current x86-64 and ARM server parts).
    pub l2: usize,
    /// Last-level cache: the largest data or unified cache cpu0 reports (the L3 on most
    /// x86-64 parts, shared with the other cores; the L2 where there is no L3).
    pub llc: usize,
    /// Cache line.
    pub line: usize,
}

impl CacheSizes {
    /// Used when the sizes cannot be read: 32 KiB L1d, 1 MiB L2, 8 MiB L3, 64-byte lines.
    pub const FALLBACK: CacheSizes = CacheSizes {
        l1d: 32 << 10,
        l2: 1 << 20,
        llc: 8 << 20,
        line: 64,
    };

    /// The sizes of this machine, read on first use.
    pub fn get() -> CacheSizes {
        static SIZES: OnceLock<CacheSizes> = OnceLock::new();
        *SIZES.get_or_init(|| {
            if cfg!(miri) {
                CacheSizes::FALLBACK
            } else {
                read_sysfs().unwrap_or(CacheSizes::FALLBACK)
            }
        })
    }
}

/// Reads the L1 data, L2 and last-level sizes of cpu0; `None` when the L1d or the L2 is
/// missing (the last level is then the L2).
fn read_sysfs() -> Option<CacheSizes> {
    let dir = std::path::Path::new("/sys/devices/system/cpu/cpu0/cache");
    let (mut l1d, mut l2, mut line, mut llc) = (None, None, None, 0);
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let read = |name: &str| std::fs::read_to_string(entry.path().join(name)).ok();
        let (Some(level), Some(kind), Some(size)) = (read("level"), read("type"), read("size"))
        else {
            continue;
        };
        let Some(size) = parse_size(&size) else {
            continue;
        };
        match (level.trim(), kind.trim()) {
            ("1", "Data") => l1d = Some(size),
            ("2", "Unified" | "Data") => l2 = Some(size),
            (_, "Unified" | "Data") => {}
            _ => continue,
        }
        llc = llc.max(size);
        line = read("coherency_line_size").and_then(|s| s.trim().parse().ok());
    }
    let (l1d, l2) = (l1d?, l2?);
    Some(CacheSizes {
        l1d,
        l2,
        llc: llc.max(l2),
        line: line.filter(|&l: &usize| l.is_power_of_two()).unwrap_or(64),
    })
}

/// Parses sysfs's `48K`, `2048K`, `1M` or a plain byte count.
fn parse_size(text: &str) -> Option<usize> {
    let text = text.trim();
    let (digits, unit) = match text.as_bytes().last()? {
        b'K' => (&text[..text.len() - 1], 1 << 10),
        b'M' => (&text[..text.len() - 1], 1 << 20),
        b'G' => (&text[..text.len() - 1], 1 << 30),
        _ => (text, 1),
    };
    digits.parse::<usize>().ok()?.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sysfs_sizes() {
        assert_eq!(parse_size("48K\n"), Some(48 << 10));
        assert_eq!(parse_size("2048K"), Some(2 << 20));
        assert_eq!(parse_size("1M"), Some(1 << 20));
        assert_eq!(parse_size("512"), Some(512));
        assert_eq!(parse_size("K"), None);
        assert_eq!(parse_size("x1K"), None);
    }

    #[test]
    fn sizes_are_ordered_powers_of_lines() {
        let s = CacheSizes::get();
        assert!(s.line.is_power_of_two());
        assert!(s.l1d >= s.line && s.l2 >= s.l1d && s.llc >= s.l2, "{s:?}");
    }
}
