//! The embedded-PostgreSQL fallback: when no server answers on a local `DATABASE_URL` and the
//! PostgreSQL binaries are installed, start a private cluster under `<data_dir>/postgres` on the
//! URL's port, with trust auth on 127.0.0.1 only. It keeps running after the gateway exits (stop
//! it with `pg_ctl -D .data/postgres stop`) so that data survives restarts like a normal server.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

pub fn is_connection_refused(e: &diesel::ConnectionError) -> bool {
    let text = e.to_string().to_lowercase();
    text.contains("connection refused")
        || text.contains("no such file")
        || text.contains("error connecting")
}

/// Directory holding `initdb` and `pg_ctl`: on PATH, or the newest Debian-style install.
fn bin_dir() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("pg_ctl").is_file() && dir.join("initdb").is_file() {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a PostgreSQL binary; as root it must run as the `postgres` user (initdb refuses root).
fn run(bin: &Path, args: &[&str], as_postgres: bool) -> anyhow::Result<()> {
    let mut cmd = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .args(args)
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    anyhow::ensure!(
        out.status.success(),
        "{} failed: {}",
        bin.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

pub async fn start(url: &str, data_dir: &Path) -> anyhow::Result<()> {
    let u = url::Url::parse(url)?;
    let host = u.host_str().unwrap_or("localhost");
    anyhow::ensure!(
        matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]"),
        "no PostgreSQL server answers at {host} and it is not local, so no embedded cluster can stand in"
    );
    let port = u.port().unwrap_or(5432).to_string();
    let bin = bin_dir().context(
        "no PostgreSQL server is reachable and no PostgreSQL binaries (initdb, pg_ctl) are installed; \
         install PostgreSQL or set DATABASE_URL",
    )?;
    std::fs::create_dir_all(data_dir)?;
    let pgdata = std::fs::canonicalize(data_dir)?.join("postgres");
    let as_postgres = running_as_root();
    let pgdata_s = pgdata.to_string_lossy().to_string();
    if !pgdata.join("PG_VERSION").exists() {
        std::fs::create_dir_all(&pgdata)?;
        if as_postgres {
            run(
                Path::new("chown"),
                &["-R", "postgres:postgres", &pgdata_s],
                false,
            )?;
        }
        tracing::warn!(dir = %pgdata.display(), "initialising an embedded PostgreSQL cluster");
        run(
            &bin.join("initdb"),
            &[
                "-D",
                &pgdata_s,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
            as_postgres,
        )?;
    }
    let opts = format!("-p {port} -c listen_addresses=127.0.0.1 -k {pgdata_s}");
    let log = pgdata.join("server.log").to_string_lossy().to_string();
    run(
        &bin.join("pg_ctl"),
        &["-D", &pgdata_s, "-o", &opts, "-l", &log, "-w", "start"],
        as_postgres,
    )?;
    tracing::warn!(
        dir = %pgdata.display(), port = %port,
        "no PostgreSQL server was reachable: started the embedded cluster (stop it with `pg_ctl -D {} stop`)",
        pgdata.display()
    );
    Ok(())
}
