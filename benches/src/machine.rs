//! What the data files record about the machine they were measured on.

/// The CPU model (`model name` of `/proc/cpuinfo`), `None` where that cannot be read.
pub fn cpu_model() -> Option<String> {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == "model name").then(|| value.trim().to_owned())
            })
        })
}
