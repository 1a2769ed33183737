//! What the benchmarks share.

/// The peak resident memory a `/proc/*/status` file reports (`VmHWM`), in MB.
pub fn high_water_mark_mb(status: &str) -> f64 {
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb * 1024.0 / 1e6)
}

/// Waits for a child process, polling its peak resident memory (Linux `VmHWM`) in MB.
pub fn wait_with_peak_memory(mut child: std::process::Child) -> (std::process::ExitStatus, f64) {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak: f64 = 0.0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            peak = peak.max(high_water_mark_mb(&status));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            return (status, peak);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
