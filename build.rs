//! The offline GraphiQL (feature `vendored-graphiql`, on by default): GraphiQL's browser bundle and
//! the React it runs on, taken from the npm registry packages at build time and embedded in the
//! binary (`src/http/graphiql.rs`), so the page works on a network without internet access.
//!
//! No third-party file is kept in the repository. Each package is pinned by version and by the
//! registry's own integrity hash (sha512), which `npm pack` reports for what it downloaded: a
//! tarball whose hash differs fails the build. npm keeps the tarballs in its cache (`~/.npm`),
//! so later builds, and `cargo clean` rebuilds, need no network. This script runs again only when
//! it changes.
//!
//! Without npm, build with `--no-default-features`: GraphiQL then loads the same versions from a CDN.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A package spec, its npm integrity, and the files taken from it: (path in the tarball, file
/// name written to OUT_DIR/graphiql).
type Package = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// graphiql 4.x is the newest line that publishes a UMD bundle (`graphiql.min.js`, which expects
/// `React` and `ReactDOM` globals); 5.x ships ES modules only, which need a bundler.
const PACKAGES: &[Package] = &[
    (
        "graphiql@4.1.2",
        "sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg==",
        &[
            ("package/graphiql.min.js", "graphiql.min.js"),
            ("package/graphiql.min.css", "graphiql.min.css"),
            ("package/LICENSE", "LICENSE.graphiql"),
        ],
    ),
    (
        "react@18.3.1",
        "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        &[
            ("package/umd/react.production.min.js", "react.production.min.js"),
            ("package/LICENSE", "LICENSE.react"),
        ],
    ),
    (
        "react-dom@18.3.1",
        "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        &[
            ("package/umd/react-dom.production.min.js", "react-dom.production.min.js"),
            ("package/LICENSE", "LICENSE.react-dom"),
        ],
    ),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=NPM");
    if std::env::var_os("CARGO_FEATURE_VENDORED_GRAPHIQL").is_none() {
        return;
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_else(|| fail("no OUT_DIR")))
        .join("graphiql");
    std::fs::create_dir_all(&out).unwrap_or_else(|e| fail(&format!("{}: {e}", out.display())));
    let npm = std::env::var("NPM").unwrap_or_else(|_| "npm".to_string());
    for (spec, integrity, files) in PACKAGES {
        if files.iter().all(|(_, name)| out.join(name).is_file()) {
            continue;
        }
        let tarball = pack(&npm, spec, integrity, &out);
        for (inner, name) in *files {
            extract(&tarball, inner, &out.join(name));
        }
        let _ = std::fs::remove_file(&tarball);
    }
}

/// Downloads `spec` with `npm pack` (from npm's cache when it holds it) and checks its integrity.
fn pack(npm: &str, spec: &str, integrity: &str, dir: &Path) -> PathBuf {
    let output = Command::new(npm)
        .args(["pack", spec, "--json", "--silent", "--pack-destination"])
        .arg(dir)
        .output()
        .unwrap_or_else(|e| {
            fail(&format!(
                "could not run `{npm}` ({e}): the offline GraphiQL is built from npm packages"
            ))
        });
    if !output.status.success() {
        fail(&format!(
            "`{npm} pack {spec}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let report = String::from_utf8_lossy(&output.stdout);
    let got = json_string(&report, "integrity");
    if got.as_deref() != Some(integrity) {
        fail(&format!(
            "{spec}: the registry's tarball has integrity {got:?}, pinned {integrity}"
        ));
    }
    let file = json_string(&report, "filename")
        .unwrap_or_else(|| fail(&format!("`npm pack {spec}` named no file")));
    dir.join(file)
}

/// Writes one member of a gzipped tarball to `to`.
fn extract(tarball: &Path, inner: &str, to: &Path) {
    let output = Command::new("tar")
        .arg("-xzOf")
        .arg(tarball)
        .arg(inner)
        .output()
        .unwrap_or_else(|e| fail(&format!("could not run tar: {e}")));
    if !output.status.success() || output.stdout.is_empty() {
        fail(&format!("{} holds no {inner}", tarball.display()));
    }
    std::fs::write(to, output.stdout)
        .unwrap_or_else(|e| fail(&format!("write {}: {e}", to.display())));
}

/// The first `"key": "value"` string in npm's JSON report (a flat value; no escapes to undo).
fn json_string(json: &str, key: &str) -> Option<String> {
    let at = json.find(&format!("\"{key}\""))?;
    let rest = json[at + key.len() + 2..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

fn fail(message: &str) -> ! {
    panic!(
        "{message}\n\
         The offline GraphiQL needs npm and the npm registry once (npm caches the packages).\n\
         Build with `--no-default-features` to serve GraphiQL from its CDN instead."
    )
}
