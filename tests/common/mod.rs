//! Helpers shared by the command-line tests: run the real binary, read its JSON report and
//! its problem lines.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// An article that every run can read, to show that the rest of the run goes on.
pub const GOOD_ARTICLE: &str = "Storm cuts power to thousands on the coast\n\n\
    The storm hit the coast on Monday night and cut power to thousands of homes, the utility said.\n\n\
    Crews worked through Tuesday to restore the lines, and most homes had power again by the evening.\n";

/// Another article, unrelated to [`GOOD_ARTICLE`].
pub const OTHER_ARTICLE: &str = "Bridge opens downtown after two years of works\n\n\
    The new bridge over the river opened to traffic on Tuesday after two years of construction.\n\n\
    The mayor said the crossing would cut commuting times for thousands of residents.\n";

/// The binary under test, with a time limit so that a hang fails the test.
pub fn copydesk() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_copydesk"));
    command.timeout(Duration::from_secs(20));
    command
}

/// What one run produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON report on standard output.
    pub fn report(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }

    /// The ids of the items in the JSON report.
    pub fn ids(&self) -> Vec<String> {
        self.report()["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| item["id"].as_str().expect("id").to_string())
            .collect()
    }

    /// The item with an id in the JSON report.
    pub fn item(&self, id: &str) -> Value {
        let report = self.report();
        report["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|item| item["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no item {id:?} in {:?}\nstderr:\n{}", self.ids(), self.stderr))
    }

    /// A count from the report's summary.
    pub fn summary(&self, key: &str) -> u64 {
        self.report()["summary"][key].as_u64().unwrap_or_else(|| panic!("summary.{key}"))
    }

    /// The lines on standard error that mention `needle`.
    pub fn stderr_lines(&self, needle: &str) -> Vec<&str> {
        self.stderr.lines().filter(|line| line.contains(needle)).collect()
    }

    /// The one line on standard error about `path`, which must also hold `message`.
    pub fn one_line_about(&self, path: &str, message: &str) -> String {
        let lines = self.stderr_lines(path);
        assert_eq!(lines.len(), 1, "expected one line about {path:?} on stderr, got:\n{}", self.stderr);
        assert!(lines[0].contains(message), "expected {message:?} in the line about {path:?}: {}", lines[0]);
        lines[0].to_string()
    }

    /// No panic, and an exit status.
    pub fn assert_code(&self, code: i32) {
        assert!(!self.stderr.contains("panicked"), "the binary panicked:\n{}", self.stderr);
        assert_eq!(self.code, code, "exit status\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
    }
}

/// Runs a prepared command and collects what it produced.
pub fn run(command: &mut Command) -> Run {
    let output = command.output().expect("run copydesk");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `copydesk check ARGS --format json --no-config`, in `dir`.
pub fn check_json(dir: &Path, args: &[&str]) -> Run {
    run(copydesk().current_dir(dir).arg("check").args(args).args(["--format", "json", "--no-config"]))
}

/// Writes a file, creating its folders.
pub fn write(path: impl AsRef<Path>, content: impl AsRef<[u8]>) {
    let path = path.as_ref();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folders");
    }
    std::fs::write(path, content).expect("write file");
}

/// A temporary folder holding `good.txt`, an article that can always be read.
pub fn folder_with_good_article() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/good.txt"), GOOD_ARTICLE);
    dir
}
