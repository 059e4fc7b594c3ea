//! The workspace's layering rules, checked on the source tree:
//! - no file-level import cycle inside any crate's `src/` (a file that names `crate::a::b`,
//!   `super::…` or `self::…`, in a `use` — groups `{…}` included — or in a path, depends on the
//!   module file that path resolves to; facade files `lib.rs`, `main.rs` and `mod.rs` only
//!   re-export and are not counted);
//! - msnp-proto depends on no crypto crate and not on msnp-auth (crypto lives in msnp-auth,
//!   machines in msnp-session).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn is_facade(p: &Path) -> bool {
    matches!(
        p.file_name().and_then(|n| n.to_str()),
        Some("lib.rs" | "main.rs" | "mod.rs")
    )
}

/// The module path of a file below `root` (`message/mod.rs` → `message`).
fn module_of(root: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut m: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if is_facade(file) {
        m.pop();
    }
    m
}

fn ident_at(s: &[u8], i: usize) -> Option<(String, usize)> {
    let start = i;
    let mut j = i;
    while j < s.len() && (s[j].is_ascii_alphanumeric() || s[j] == b'_') {
        j += 1;
    }
    (j > start && !s[start].is_ascii_digit())
        .then(|| (String::from_utf8_lossy(&s[start..j]).into_owned(), j))
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Expands the path continuing at `i` (just after a `::`): `a::b`, `{a, b::{c, d}}`, `self`.
fn expand(s: &[u8], i: usize, prefix: &Module, out: &mut Vec<Module>, depth: u32) -> usize {
    let i = skip_ws(s, i);
    if depth > 8 || i >= s.len() {
        return i;
    }
    if s[i] == b'{' {
        let mut j = i + 1;
        loop {
            j = skip_ws(s, j);
            if j >= s.len() || s[j] == b'}' {
                return j + 1;
            }
            if s[j] == b',' {
                j += 1;
                continue;
            }
            let before = j;
            j = expand(s, j, prefix, out, depth + 1);
            if j == before {
                j += 1;
            }
        }
    }
    let Some((name, mut j)) = ident_at(s, i) else {
        return i;
    };
    let mut path = prefix.clone();
    if name != "self" {
        path.push(name);
    }
    if s[j..].starts_with(b"::") {
        j = expand(s, j + 2, &path, out, depth + 1);
    } else {
        out.push(path);
    }
    j
}

/// Every `crate::…`, `super::…` and `self::…` path in `src`, resolved against `here` (the
/// file's own module), as module paths from the crate root.
fn referenced_paths(src: &str, here: &Module) -> Vec<Module> {
    // Unit tests at the end of a file may import anything.
    let src = src
        .find("#[cfg(test)]\nmod tests")
        .map_or(src, |i| &src[..i]);
    let s = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let boundary = i == 0 || !(s[i - 1].is_ascii_alphanumeric() || s[i - 1] == b'_');
        let Some((word, j)) = boundary.then(|| ident_at(s, i)).flatten() else {
            i += 1;
            continue;
        };
        if matches!(word.as_str(), "crate" | "super" | "self") && s[j..].starts_with(b"::") {
            let mut start: Module = match word.as_str() {
                "crate" => Vec::new(),
                "super" => here[..here.len().saturating_sub(1)].to_vec(),
                _ => here.clone(),
            };
            let mut k = j + 2;
            while s[k..].starts_with(b"super::") {
                start.pop();
                k += 7;
            }
            let mut found = Vec::new();
            i = expand(s, k, &start, &mut found, 0).max(j);
            out.extend(found);
        } else {
            i = j;
        }
    }
    out
}

/// Strongly connected groups of more than one file (Tarjan).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct T<'e> {
        edges: &'e BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on: BTreeSet<Module>,
        out: Vec<Vec<Module>>,
    }
    fn go(t: &mut T<'_>, v: &Module) {
        let n = t.index.len();
        t.index.insert(v.clone(), n);
        t.low.insert(v.clone(), n);
        t.stack.push(v.clone());
        t.on.insert(v.clone());
        for w in t.edges.get(v).into_iter().flatten() {
            if !t.index.contains_key(w) {
                go(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(&w);
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            go(&mut t, v);
        }
    }
    t.out
}

fn crate_cycles(root: &Path) -> Vec<Vec<Module>> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let modules: BTreeMap<Module, &PathBuf> =
        files.iter().map(|f| (module_of(root, f), f)).collect();
    let facades: BTreeSet<Module> = files
        .iter()
        .filter(|f| is_facade(f))
        .map(|f| module_of(root, f))
        .collect();
    let mut edges = BTreeMap::new();
    for file in files.iter().filter(|f| !is_facade(f)) {
        let m = module_of(root, file);
        let src = fs::read_to_string(file).unwrap();
        let mut targets = BTreeSet::new();
        for path in referenced_paths(&src, &m) {
            // The deepest module file that the path names.
            if let Some(t) = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|t| modules.contains_key(t) && *t != m)
                && !facades.contains(&t)
            {
                targets.insert(t);
            }
        }
        edges.insert(m, targets);
    }
    cycles(&edges)
}

#[test]
fn no_file_level_import_cycles() {
    let crates = workspace().join("crates");
    let mut found = Vec::new();
    let mut dirs: Vec<_> = fs::read_dir(&crates)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let src = dir.join("src");
        if !src.is_dir() {
            continue;
        }
        for comp in crate_cycles(&src) {
            let names: Vec<String> = comp.iter().map(|m| m.join("::")).collect();
            found.push(format!(
                "{}: {}",
                dir.file_name().unwrap().to_string_lossy(),
                names.join(" <-> ")
            ));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn the_checker_finds_cycles() {
    // A cycle through a grouped `use` and one through `super::`, and a facade that does not count.
    let dir = std::env::temp_dir().join(format!("msnp-layering-{}", std::process::id()));
    let src = dir.join("src");
    fs::create_dir_all(src.join("m")).unwrap();
    fs::write(
        src.join("lib.rs"),
        "pub mod a; pub mod b; pub mod m; use crate::a::X;",
    )
    .unwrap();
    fs::write(src.join("a.rs"), "use crate::{b::{Y, Z}, m};").unwrap();
    fs::write(src.join("b.rs"), "pub fn f() { crate::a::X::new(); }").unwrap();
    fs::write(src.join("m/mod.rs"), "pub mod c; pub mod d;").unwrap();
    fs::write(src.join("m/c.rs"), "use super::d::Q;").unwrap();
    fs::write(
        src.join("m/d.rs"),
        "use super::super::m::c; use self::inner::R;",
    )
    .unwrap();
    let mut got: Vec<String> = crate_cycles(&src)
        .iter()
        .map(|c| c.iter().map(|m| m.join("::")).collect::<Vec<_>>().join(" "))
        .collect();
    got.sort();
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(got, ["a b", "m::c m::d"]);
}

#[test]
fn msnp_proto_has_no_crypto_dependency() {
    let manifest = fs::read_to_string(workspace().join("crates/msnp-proto/Cargo.toml")).unwrap();
    let deps = manifest
        .split("\n[")
        .find(|s| s.starts_with("dependencies]"))
        .expect("msnp-proto has a [dependencies] table");
    for name in ["msnp-auth", "md-5", "sha1", "hmac", "des", "cbc"] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(name)),
            "msnp-proto depends on {name}"
        );
    }
}
