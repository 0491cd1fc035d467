//! `cargo xtask new-connector NAME [--display "Brand"]`: scaffolds every place that moves
//! together when a processor is added, so that no shared file needs a hand edit afterwards.
//!
//! It writes the connector crate from `xtask/templates/connector/` (a compiling starting point in
//! the common shape: JSON body, bearer key), registers it at the `@prism:` markers (workspace
//! members and dependencies, the facade's feature, dependency, `all-connectors`, registry line
//! and re-export, the `Connector` variant when the name is new), writes the emulator and the
//! fixtures folder from their templates, and regenerates the capability matrix. Every place
//! that needs the processor's own facts carries `TODO(scaffold)`; `cargo xtask tidy` fails while
//! one is left in a compiled connector, so nothing scaffolded passes for done.

use std::fs;
use std::path::{Path, PathBuf};

/// A connector's names in each spelling the code uses.
#[derive(Debug, Clone)]
pub struct Names {
    /// `acme`: crate suffix, feature, fixture folder, env prefix (upper-cased).
    pub name: String,
    /// `Acme`: the `Connector` variant and the type names.
    pub variant: String,
    /// `Acme Pay`: the brand, for people.
    pub display: String,
    /// Whether `Connector` already has the variant.
    pub known: bool,
}

impl Names {
    fn render(&self, template: &str) -> String {
        template
            .replace("{{name}}", &self.name)
            .replace("{{NAME}}", &self.name.to_ascii_uppercase())
            .replace("{{Variant}}", &self.variant)
            .replace("{{Display}}", &self.display)
    }
}

/// Looks `name` up among the known processors (`crates/prism-types/src/connector.rs`), or
/// makes new names for it.
pub fn names(root: &Path, name: &str, display: Option<&str>) -> Result<Names, String> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        || !name.as_bytes()[0].is_ascii_lowercase()
    {
        return Err(format!(
            "connector name `{name}`: lower-case letters and digits, starting with a letter"
        ));
    }
    let connectors = read(&root.join("crates/prism-types/src/connector.rs"))?;
    let quoted = format!("= \"{name}\", \"");
    if let Some(line) = connectors.lines().find(|l| l.contains(&quoted)) {
        let variant = line.split_whitespace().next().unwrap_or_default();
        let brand = line.rsplit(", \"").next().unwrap_or_default();
        return Ok(Names {
            name: name.to_owned(),
            variant: variant.to_owned(),
            display: display
                .map(str::to_owned)
                .unwrap_or_else(|| brand.trim_end_matches("\";").to_owned()),
            known: true,
        });
    }
    let mut variant = name.to_owned();
    variant[..1].make_ascii_uppercase();
    Ok(Names {
        name: name.to_owned(),
        display: display
            .map(str::to_owned)
            .unwrap_or_else(|| variant.clone()),
        variant,
        known: false,
    })
}

/// Runs the scaffolder.
pub fn new_connector(root: &Path, args: &[String]) -> Result<String, String> {
    let mut name = None;
    let mut display = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--display" => display = it.next().cloned(),
            other if name.is_none() && !other.starts_with('-') => name = Some(other.to_owned()),
            other => return Err(format!("new-connector: unexpected argument `{other}`")),
        }
    }
    let name = name.ok_or("usage: cargo xtask new-connector NAME [--display \"Brand\"]")?;
    let n = names(root, &name, display.as_deref())?;
    let crate_dir = root.join("crates/connectors").join(&n.name);
    if crate_dir.join("Cargo.toml").exists() {
        return Err(format!("{} exists already", crate_dir.display()));
    }
    // Research may already be there (docs.md, fixtures): it is kept, never overwritten.
    let mut written = Vec::new();
    let mut kept = Vec::new();
    for (template, target) in plan(root, &n) {
        if target.exists() {
            kept.push(target);
            continue;
        }
        let text = n.render(&read(&template)?);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
        written.push(target);
    }
    for (file, marker, text) in registrations(&n) {
        insert_above(&root.join(file), marker, &text)?;
    }
    add_to_list(
        &root.join("crates/prism/Cargo.toml"),
        "all-connectors",
        &n.name,
    )?;
    add_to_list(
        &root.join("crates/prism-sandbox/Cargo.toml"),
        "all-emulators",
        &n.name,
    )?;
    // The capability matrix gets its row (xtask is rebuilt with the new connector).
    let status = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "-p", "xtask", "--", "codegen"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cargo xtask codegen: {e}"))?;
    if !status.success() {
        return Err("the scaffold does not build: see the errors above".into());
    }
    let rel = |ps: &[PathBuf]| {
        ps.iter()
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let shown = rel(&written);
    let kept = if kept.is_empty() {
        String::new()
    } else {
        format!("\nkept what was there: {}", rel(&kept))
    };
    Ok(format!(
        "new connector `{}` ({}): wrote {shown}{kept}\nregistered in Cargo.toml, crates/prism, crates/prism-sandbox, tests/tests/conformance.rs{}; README matrix regenerated.\nNext: the processor-specific parts at every TODO(scaffold) (`grep -rn 'TODO(scaffold)'`), then `cargo xtask tidy`.",
        n.name,
        n.display,
        if n.known { "" } else { ", prism-types (new Connector variant)" }
    ))
}

/// (template, target) pairs: every file the scaffold writes.
fn plan(root: &Path, n: &Names) -> Vec<(PathBuf, PathBuf)> {
    let templates = root.join("xtask/templates");
    let mut out = Vec::new();
    let connector = templates.join("connector");
    for t in walk(&connector) {
        let rel = t.strip_prefix(&connector).unwrap_or(&t);
        let rel = rel.to_string_lossy().trim_end_matches(".tmpl").to_owned();
        out.push((
            t.clone(),
            root.join("crates/connectors").join(&n.name).join(rel),
        ));
    }
    out.push((
        templates.join("emulator.rs.tmpl"),
        root.join("crates/prism-sandbox/src/emulators")
            .join(format!("{}.rs", n.name)),
    ));
    for f in walk(&templates.join("fixtures")) {
        let file = f
            .file_name()
            .map(|s| s.to_string_lossy().trim_end_matches(".tmpl").to_owned());
        out.push((
            f.clone(),
            root.join("tests/fixtures")
                .join(&n.name)
                .join(file.unwrap_or_default()),
        ));
    }
    out
}

/// (file, marker, text) insertions: each text goes on the line above its marker.
fn registrations(n: &Names) -> Vec<(&'static str, &'static str, String)> {
    let (name, v) = (&n.name, &n.variant);
    let mut out = vec![
        (
            "Cargo.toml",
            "# @prism:members",
            format!("    \"crates/connectors/{name}\","),
        ),
        (
            "Cargo.toml",
            "# @prism:connector-deps",
            format!("prism-connector-{name} = {{ path = \"crates/connectors/{name}\" }}"),
        ),
        (
            "crates/prism/Cargo.toml",
            "# @prism:features",
            format!(
                "## {} (`POST /customers`).\n{name} = [\"dep:prism-connector-{name}\"]",
                n.display
            ),
        ),
        (
            "crates/prism/Cargo.toml",
            "# @prism:deps",
            format!("prism-connector-{name} = {{ workspace = true, optional = true }}"),
        ),
        (
            "crates/prism/src/registry.rs",
            "// @prism:connector-list",
            format!("    {v} => \"{name}\", prism_connector_{name}::{v}Config;"),
        ),
        (
            "crates/prism/src/lib.rs",
            "// @prism:reexports",
            format!("#[cfg(feature = \"{name}\")]\npub use prism_connector_{name}::{v}Config;"),
        ),
        (
            "crates/prism-sandbox/src/emulators/mod.rs",
            "// @prism:emulator-mods",
            format!("mod {name};"),
        ),
        (
            "crates/prism-sandbox/src/emulators/mod.rs",
            "// @prism:emulators",
            format!("    register!(all, \"{name}\", {name}::{v}Emulator);"),
        ),
        (
            "crates/prism-sandbox/Cargo.toml",
            "# @prism:features",
            format!("## {} (`POST /customers`).\n{name} = []", n.display),
        ),
        (
            "tests/tests/conformance.rs",
            "// @prism:conformance-list",
            format!("    {name},"),
        ),
    ];
    if !n.known {
        out.push((
            "crates/prism-types/src/connector.rs",
            "// @prism:connector-variants",
            format!(
                "    /// {}.\n    {v} = \"{name}\", \"{}\";",
                n.display, n.display
            ),
        ));
    }
    out
}

/// Inserts `text` as whole lines above the line that starts with `marker` (a mention of the
/// marker inside other text, e.g. a doc comment explaining it, is not the marker).
fn insert_above(file: &Path, marker: &str, text: &str) -> Result<(), String> {
    let s = read(file)?;
    let mut line_start = None;
    let mut offset = 0;
    for line in s.split_inclusive('\n') {
        if line.trim_start().starts_with(marker) {
            line_start = Some(offset);
            break;
        }
        offset += line.len();
    }
    let line_start = line_start
        .ok_or_else(|| format!("{}: no line starting with `{marker}`", file.display()))?;
    let mut out = String::with_capacity(s.len() + text.len() + 1);
    out.push_str(&s[..line_start]);
    out.push_str(text);
    out.push('\n');
    out.push_str(&s[line_start..]);
    fs::write(file, out).map_err(|e| format!("{}: {e}", file.display()))
}

/// Adds `name` to the feature list `feature = [...]` (`all-connectors`, `all-emulators`).
fn add_to_list(file: &Path, feature: &str, name: &str) -> Result<(), String> {
    let s = read(file)?;
    let key = format!("{feature} = [");
    let key = key.as_str();
    let at = s
        .find(key)
        .ok_or_else(|| format!("{}: no `{key}`", file.display()))?;
    let end = s[at..]
        .find(']')
        .map(|i| at + i)
        .ok_or_else(|| format!("{}: `{key}` is not closed", file.display()))?;
    let sep = if s[at + key.len()..end].trim().is_empty() {
        ""
    } else {
        ", "
    };
    let out = format!("{}{sep}\"{name}\"{}", &s[..end], &s[end..]);
    fs::write(file, out).map_err(|e| format!("{}: {e}", file.display()))
}

fn read(p: &Path) -> Result<String, String> {
    fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

/// Every file below `dir`, sorted (empty when it does not exist).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_known_and_new_processors() {
        let root = crate::root();
        let n = names(&root, "checkout", None).expect("known");
        assert_eq!(
            (n.variant.as_str(), n.display.as_str(), n.known),
            ("Checkout", "Checkout.com", true)
        );
        let n = names(&root, "gocardless", None).expect("known");
        assert_eq!(n.variant, "GoCardless");
        // A name no processor has (the scaffold's demonstration uses `acme`).
        let n = names(&root, "zzexample", Some("Example Pay")).expect("new");
        assert_eq!(
            (n.variant.as_str(), n.display.as_str(), n.known),
            ("Zzexample", "Example Pay", false)
        );
        assert!(names(&root, "Acme", None).is_err());
        assert!(names(&root, "9x", None).is_err());
        assert_eq!(
            n.render("{{NAME}} {{Variant}}Config {{name}}"),
            "ZZEXAMPLE ZzexampleConfig zzexample"
        );
    }

    #[test]
    fn every_marker_the_scaffold_needs_exists() {
        let root = crate::root();
        let n = names(&root, "acme", None).expect("names");
        for (file, marker, _) in registrations(&n) {
            let text = read(&root.join(file)).expect("file");
            assert!(
                text.lines().any(|l| l.trim_start().starts_with(marker)),
                "{file} lacks a line starting with `{marker}`"
            );
        }
        for (template, _) in plan(&root, &n) {
            assert!(template.exists(), "{}", template.display());
        }
    }

    #[test]
    fn insertion_goes_above_the_marker() {
        let dir = std::env::temp_dir().join(format!("prism-scaffold-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("dir");
        let f = dir.join("Cargo.toml");
        fs::write(
            &f,
            "[features]\n# see `# @prism:m` below\nall-connectors = [\"a\"]\nx = 1\n  # @prism:m (note)\n",
        )
        .expect("write");
        insert_above(&f, "# @prism:m", "y = 2").expect("insert");
        add_to_list(&f, "all-connectors", "b").expect("add");
        assert_eq!(
            read(&f).expect("read"),
            "[features]\n# see `# @prism:m` below\nall-connectors = [\"a\", \"b\"]\nx = 1\ny = 2\n  # @prism:m (note)\n"
        );
        assert!(insert_above(&f, "# @prism:none", "z").is_err());
        let _ = fs::remove_dir_all(&dir);
    }
}
