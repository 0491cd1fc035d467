//! `cargo xtask test`: the workspace tests, then the Python binding's (`crates/prism-python`).
//!
//! 1. `cargo test --workspace --all-features` (the workspace never builds the extension).
//! 2. `cargo fmt --check` and `cargo clippy -D warnings` on `crates/prism-python` (its own
//!    workspace, so the workspace's own fmt/clippy steps do not see it).
//! 3. A virtualenv in `target/python/venv` from `python3 -m venv`, with the pinned packages of
//!    `crates/prism-python/requirements-dev.txt` from PyPI (reinstalled only when that file
//!    changes).
//! 4. maturin builds the extension (dev profile, cargo target `target/python/cargo`) into a
//!    wheel, which is installed into the venv.
//! 5. `mypy --strict` on `crates/prism-python/examples` and `tests`, then pytest on
//!    `crates/prism-python/tests`; a pytest run that collects no test fails.
//!
//! pytest runs last, so its summary line closes the output. `PYTHON` selects the interpreter
//! (default `python3`, 3.10 or newer).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::bench::{cargo, run};

fn step(what: &str) {
    eprintln!("\n== xtask test: {what}");
}

/// The binding's paths.
pub(crate) struct Paths {
    pub crate_dir: PathBuf,
    pub venv: PathBuf,
    pub cargo_target: PathBuf,
    pub wheels: PathBuf,
}

impl Paths {
    pub(crate) fn new(root: &Path, venv_name: &str) -> Self {
        let py = root.join("target").join("python");
        Self {
            crate_dir: root.join("crates").join("prism-python"),
            venv: py.join(venv_name),
            cargo_target: py.join("cargo"),
            wheels: py.join(format!("wheels-{venv_name}")),
        }
    }

    pub(crate) fn bin(&self, name: &str) -> PathBuf {
        self.venv.join("bin").join(name)
    }
}

/// Creates (or reuses) a virtualenv with the pinned packages of `requirements`.
pub(crate) fn venv(paths: &Paths, requirements: &[&Path]) -> Result<(), String> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    if !paths.bin("python").exists() {
        let ok = Command::new(&python)
            .args([
                "-c",
                "import sys; raise SystemExit(sys.version_info < (3, 10))",
            ])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            return Err(format!(
                "`{python}` is missing or older than 3.10: install Python 3.10+ (or set PYTHON)"
            ));
        }
        let created = Command::new(&python)
            .arg("-m")
            .arg("venv")
            .arg(&paths.venv)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !created {
            let _ = std::fs::remove_dir_all(&paths.venv);
            return Err(format!(
                "`{python} -m venv` failed: on Debian/Ubuntu install python3-venv (`apt-get install -y python3-venv`)"
            ));
        }
    }
    // Reinstall only when the pins change.
    let mut wanted = String::new();
    for r in requirements {
        wanted.push_str(&std::fs::read_to_string(r).map_err(|e| format!("{}: {e}", r.display()))?);
    }
    let stamp = paths.venv.join(".prism-requirements");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        let mut cmd = Command::new(paths.bin("python"));
        cmd.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]);
        for r in requirements {
            cmd.arg("-r").arg(r);
        }
        run(&mut cmd, "pip install (PyPI)")?;
        std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    }
    Ok(())
}

/// Builds the extension with maturin and installs the wheel into the venv; returns the wheel.
pub(crate) fn build_and_install(paths: &Paths, profile: &str) -> Result<PathBuf, String> {
    let _ = std::fs::remove_dir_all(&paths.wheels);
    run(
        Command::new(paths.bin("maturin"))
            .args(["build", "--quiet", "--profile", profile, "--out"])
            .arg(&paths.wheels)
            .arg("--interpreter")
            .arg(paths.bin("python"))
            .arg("--manifest-path")
            .arg(paths.crate_dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &paths.cargo_target),
        "maturin build",
    )?;
    let wheel = std::fs::read_dir(&paths.wheels)
        .map_err(|e| format!("{}: {e}", paths.wheels.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or("maturin built no wheel")?;
    run(
        Command::new(paths.bin("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--force-reinstall",
                "--no-deps",
            ])
            .arg(&wheel),
        "pip install the wheel",
    )?;
    Ok(wheel)
}

/// Entry point of `cargo xtask test`.
pub fn test(root: &Path, args: &[String]) -> Result<String, String> {
    let python_only = args.iter().any(|a| a == "--python-only");
    if let Some(a) = args.iter().find(|a| *a != "--python-only") {
        return Err(format!(
            "unknown flag {a}; usage: cargo xtask test [--python-only]"
        ));
    }
    if !python_only {
        step("cargo test --workspace --all-features");
        run(
            Command::new(cargo())
                .current_dir(root)
                .args(["test", "--workspace", "--all-features"]),
            "cargo test --workspace --all-features",
        )?;
    }
    let paths = Paths::new(root, "venv");
    let manifest = paths.crate_dir.join("Cargo.toml");

    step("crates/prism-python: cargo fmt --check, cargo clippy -D warnings");
    run(
        Command::new(cargo())
            .arg("fmt")
            .arg("--manifest-path")
            .arg(&manifest)
            .args(["--", "--check"]),
        "cargo fmt --check (prism-python)",
    )?;
    run(
        Command::new(cargo())
            .args(["clippy", "--quiet", "--all-targets", "--manifest-path"])
            .arg(&manifest)
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", &paths.cargo_target),
        "cargo clippy (prism-python)",
    )?;

    step("virtualenv target/python/venv (pinned packages from PyPI)");
    venv(&paths, &[&paths.crate_dir.join("requirements-dev.txt")])?;

    step("maturin build (dev profile) and install");
    build_and_install(&paths, "dev")?;

    step("mypy --strict examples/ tests/");
    run(
        Command::new(paths.bin("mypy"))
            .current_dir(&paths.crate_dir)
            .args(["--strict", "--no-incremental", "examples", "tests"]),
        "mypy --strict",
    )?;

    step("pytest crates/prism-python/tests");
    let status = Command::new(paths.bin("python"))
        .current_dir(&paths.crate_dir)
        .args(["-m", "pytest", "-p", "no:cacheprovider", "tests"])
        .status()
        .map_err(|e| format!("pytest: {e}"))?;
    match status.code() {
        Some(0) => Ok(String::new()),
        Some(5) => Err("pytest collected no tests".to_owned()),
        _ => Err(format!("pytest failed ({status})")),
    }
}
