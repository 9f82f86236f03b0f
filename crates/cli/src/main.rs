//! `ranks`: the one binary of Ranks (server, demo loader, reports).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bench_http;
mod bench_pages;
mod bench_writes;
mod commands;
mod config;
mod gen;
mod import_cmd;
mod notify_cmd;
mod output;
mod report_args;
mod token_cmd;
mod warm;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use output::Format;
use ranks_app::storage::{DatabaseUrl, Db};
use ranks_app::{Actor, App, SystemClock};
use ranks_domain::procedure::Profile;
use report_args::Report;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "ranks",
    version,
    about = "Ranks: member development for hierarchical organisations"
)]
struct Cli {
    /// Database: a SQLite file path or sqlite://PATH (default ranks.db), or postgres://…
    #[arg(long, global = true, env = "RANKS_DATABASE_URL")]
    database: Option<String>,
    /// Configuration file (TOML); default ranks.toml in the current directory, if present.
    #[arg(long, global = true, env = "RANKS_CONFIG")]
    config: Option<PathBuf>,
    /// Procedure profile (TOML); default the shipped CPV profile (profiles/cpv.toml).
    #[arg(long, global = true, env = "RANKS_PROFILE")]
    profile: Option<PathBuf>,
    /// The audit key file (docs/audit.md); default FILE.audit-key next to a SQLite database.
    #[arg(long, global = true, env = "RANKS_AUDIT_KEY")]
    audit_key: Option<PathBuf>,
    /// The audit checkpoint file; default FILE.checkpoint next to a SQLite database.
    #[arg(long, global = true, env = "RANKS_AUDIT_CHECKPOINT")]
    audit_checkpoint: Option<PathBuf>,
    /// Limits of spreadsheet imports (docs/import.md).
    #[command(flatten, next_help_heading = "Import limits")]
    import: config::ImportConfig,
    /// Reminders by e-mail (docs/reminders.md).
    #[command(flatten, next_help_heading = "Reminders by e-mail")]
    mail: notify_cmd::MailConfig,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum AuditCmd {
    /// Check the whole log with the audit key and the checkpoint file, and
    /// the current rows against the log; names every entry and row that
    /// does not verify, and exits non-zero (docs/audit.md).
    Verify,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the web server (dashboard, unit pages, JSON API).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "RANKS_LISTEN")]
        listen: Option<String>,
        /// Load the demo scenario first (does nothing if it is already loaded).
        #[arg(long)]
        demo: bool,
        /// Mark the session cookie Secure: auto (over HTTPS or when a trusted
        /// proxy says so), always or never (default auto).
        #[arg(long, env = "RANKS_COOKIE_SECURE")]
        cookie_secure: Option<String>,
        /// Believe the proxy's X-Forwarded-Proto / Forwarded headers (default false).
        #[arg(long, env = "RANKS_TRUST_PROXY", num_args = 0..=1, default_missing_value = "true")]
        trust_proxy: Option<bool>,
    },
    /// Load the seed scenario: the Department of Health party committee.
    Demo,
    /// Reports.
    Report {
        #[command(subcommand)]
        report: Report,
    },
    /// Print the effective configuration.
    Config,
    /// Reminders by e-mail: send the digests due, or list their records.
    Notify {
        #[command(subcommand)]
        cmd: notify_cmd::NotifyCmd,
    },
    /// Users who sign in to the web application.
    User {
        #[command(subcommand)]
        cmd: commands::UserCmd,
    },
    /// Import units, members or candidates from a CSV or XLSX file (all rows or none).
    Import(import_cmd::ImportArgs),
    /// Write a synthetic national organisation as import files (units, members, candidates, targets).
    Gen(gen::GenArgs),
    /// National-scale figures on the configured database (after gen and import).
    Bench {
        /// Seconds of load on the grassroots page.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Concurrent connections for the page load.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Fewer repetitions (a smoke test).
        #[arg(long)]
        quick: bool,
        /// Every page and API read as five users, timed and checked against plain SQL.
        #[arg(long)]
        pages: bool,
        /// With --pages: requests per page and user (default 20, 5 with --quick).
        #[arg(long)]
        requests: Option<usize>,
        /// With --pages: seconds before a request counts as timed out.
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
        /// With --pages: only the rows whose page names contain one of these
        /// (comma-separated or repeated, e.g. `plan,forecast,analytics` or
        /// `/units/{code}`); a word no page name contains is refused. The
        /// checks against SQL are skipped; the writes and the grassroots
        /// load are kept.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// A consistent copy of the (SQLite) database, taken while the server runs.
    Backup { file: std::path::PathBuf },
    /// Restores a backup into the configured SQLite database (which must not
    /// exist yet, or --force with the server stopped); the backup is checked
    /// read-only first, the replaced database is kept aside.
    Restore {
        file: std::path::PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// The audit log: `ranks audit verify` checks it (docs/audit.md).
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Tokens for scripts calling the JSON API.
    Token {
        #[command(subcommand)]
        cmd: token_cmd::TokenCmd,
    },
    /// Expected admissions by the end of the term (and year) per unit, with an 80 % interval.
    Forecast {
        #[arg(long)]
        term: String,
        /// Forecast as it would have been made on this day (default today).
        #[arg(long, value_parser = commands::date_arg)]
        as_of: Option<ranks_domain::Date>,
        #[arg(long)]
        org: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// List the candidates each forecast counts, with their chances.
        #[arg(long)]
        explain: bool,
    },
    /// A committee member's view of the units they supervise: achievement, overdue and due soon.
    Supervisor {
        member: i64,
        #[arg(long)]
        term: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Where candidates stall: conversion and working days per stage, bottlenecks, mentors, movements.
    Analytics {
        #[arg(long)]
        org: Option<String>,
        /// The analytics as they stood on this day.
        #[arg(long, value_parser = commands::date_arg)]
        as_of: Option<ranks_domain::Date>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Year-end evaluation of the units under an organisation: score and grade.
    Evaluate {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        org: Option<String>,
        /// The leaders' scorecards instead of the units'.
        #[arg(long)]
        leaders: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Enter a leader's personal score (the rest of their score is their unit's).
    LeaderScore {
        #[arg(long)]
        org: String,
        #[arg(long)]
        member: i64,
        #[arg(long)]
        year: i32,
        #[arg(long, allow_hyphen_values = true)]
        score: String,
    },
    /// Enter a unit's score on one evaluation criterion.
    Score {
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        criterion: String,
        #[arg(long, allow_hyphen_values = true)]
        score: String,
    },
    /// Targets per unit and term or year: set them, check the allocation.
    Target {
        #[command(subcommand)]
        cmd: commands::TargetCmd,
    },
    /// The candidate pipeline: add, record steps, documents, mentors, show.
    Candidate {
        #[command(subcommand)]
        cmd: commands::CandidateCmd,
    },
    /// A unit's mass organisations (Youth Union, trade union).
    Unit {
        #[command(subcommand)]
        cmd: commands::UnitCmd,
    },
    /// Member movements: transfer, exemption, removal, expulsion, death, party card.
    Member {
        #[command(subcommand)]
        cmd: commands::MemberCmd,
    },
    /// Next deadlines of open candidates and probationary members, soonest first.
    Due {
        #[arg(long)]
        org: Option<String>,
        /// The deadlines as they stood on this day.
        #[arg(long, value_parser = commands::date_arg)]
        as_of: Option<ranks_domain::Date>,
        /// Only items due within so many working days (overdue ones always).
        #[arg(long)]
        within: Option<i64>,
        /// Rows per page (1 to 200).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// The next page: the cursor printed after the previous one.
        #[arg(long)]
        cursor: Option<String>,
        /// Every row at once, unpaged (computed file by file; slow for a big subtree).
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The working-day calendar: holidays per year and the government's overrides.
    Calendar {
        #[command(subcommand)]
        cmd: commands::CalendarCmd,
    },
    /// The procedure profile: check a file, list the rules with their sources.
    Profile {
        #[command(subcommand)]
        cmd: commands::ProfileCmd,
    },
    /// The data subject's rights: export, consent, erasure, retention (docs/privacy.md).
    Privacy {
        #[command(subcommand)]
        cmd: commands::PrivacyCmd,
    },
}

impl Command {
    /// True for the commands that write (and may create the database);
    /// the others need an existing database.
    fn writes(&self) -> bool {
        match self {
            Command::Serve { .. }
            | Command::Demo
            | Command::Import(_)
            | Command::LeaderScore { .. }
            | Command::Score { .. }
            | Command::Member { .. } => true,
            Command::User { cmd } => !matches!(cmd, commands::UserCmd::List),
            Command::Notify { cmd } => {
                matches!(cmd, notify_cmd::NotifyCmd::Run { dry_run: false, .. })
            }
            Command::Token { cmd } => !matches!(cmd, token_cmd::TokenCmd::List),
            Command::Target { cmd } => matches!(cmd, commands::TargetCmd::Set { .. }),
            Command::Candidate { cmd } => !matches!(cmd, commands::CandidateCmd::Show { .. }),
            Command::Unit { cmd } => matches!(cmd, commands::UnitCmd::Set { .. }),
            Command::Calendar { cmd } => matches!(cmd, commands::CalendarCmd::Set { .. }),
            Command::Privacy { cmd } => cmd.writes(),
            _ => false,
        }
    }

    /// False for the commands that do not open the configured database.
    fn opens_database(&self) -> bool {
        !matches!(
            self,
            Command::Config | Command::Profile { .. } | Command::Gen(_) | Command::Restore { .. }
        )
    }
}

fn main() {
    let cli = Cli::parse();
    if let Command::Gen(args) = &cli.command {
        // Needs no database, configuration or runtime.
        if let Err(e) = gen::run(args) {
            eprintln!("error: {e:#}");
            std::process::exit(1);
        }
        return;
    }
    let serving = matches!(cli.command, Command::Serve { .. });
    let filter =
        std::env::var("RANKS_LOG").unwrap_or_else(|_| if serving { "info" } else { "warn" }.into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(cli)) {
        // One line, naming what was wrong.
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Loads and validates the procedure profile; a broken one stops the program.
pub fn load_profile(path: Option<&std::path::Path>) -> Result<Profile> {
    match path {
        None => Ok(Profile::default_cpv()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read profile {}", p.display()))?;
            Profile::parse(&text)
                .map_err(|e| anyhow::anyhow!("profile {} is invalid: {e}", p.display()))
        }
    }
}

/// The application this process opened, for the checkpoint after a
/// command that wrote; and what attaching the audit key did.
static OPENED: std::sync::OnceLock<(App, Option<String>)> = std::sync::OnceLock::new();

/// Opens the configured database with its audit key (created at the first
/// start; see docs/audit.md).
async fn open_app(cfg: &config::Config, profile: Profile) -> Result<App> {
    open_with(cfg, profile, true).await
}

async fn open_with(cfg: &config::Config, profile: Profile, create_key: bool) -> Result<App> {
    let url = DatabaseUrl::parse(&cfg.database)?;
    let files = cfg.audit_files()?;
    let clock = Arc::new(SystemClock);
    let now = ranks_app::Clock::stamp(clock.as_ref());
    let db = Db::open(&url, &now).await?;
    let (db, notice) = db.attach_audit(&files, create_key).await?;
    let app = App::new(db, clock, Arc::new(profile));
    let _ = OPENED.set((app.clone(), notice));
    Ok(app)
}

/// The files a command creates when the SQLite database does not exist
/// yet: removed again when the command fails.
fn new_files(cfg: &config::Config) -> Vec<PathBuf> {
    let Ok(DatabaseUrl::Sqlite { path }) = DatabaseUrl::parse(&cfg.database) else {
        return Vec::new();
    };
    if std::path::Path::new(&path).exists() {
        return Vec::new();
    }
    let mut v: Vec<PathBuf> = ["", "-wal", "-shm", "-journal", ".lock"]
        .iter()
        .map(|s| PathBuf::from(format!("{path}{s}")))
        .collect();
    if let Ok(f) = cfg.audit_files() {
        v.push(f.key);
        v.push(f.checkpoint);
    }
    v.retain(|p| !p.exists());
    v
}

/// Resolves when the server is asked to stop (Ctrl-C, or SIGTERM on Unix).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn run(cli: Cli) -> Result<()> {
    let (file, path) = config::load(cli.config.as_deref())?;
    let listen_flag = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => std::env::var("RANKS_LISTEN").ok(),
    };
    let server_flags = match &cli.command {
        Command::Serve {
            cookie_secure,
            trust_proxy,
            ..
        } => config::ServerFlags {
            cookie_secure: cookie_secure.clone(),
            trust_proxy: *trust_proxy,
        },
        _ => config::ServerFlags {
            cookie_secure: std::env::var("RANKS_COOKIE_SECURE").ok(),
            trust_proxy: match std::env::var("RANKS_TRUST_PROXY") {
                Ok(v) => Some(v.trim().parse::<bool>().map_err(|_| {
                    anyhow::anyhow!("RANKS_TRUST_PROXY: '{v}' is not valid; expected true or false")
                })?),
                Err(_) => None,
            },
        },
    };
    let cfg = config::resolve(
        file,
        path,
        config::Given {
            database: cli.database.clone(),
            listen: listen_flag,
            profile: cli.profile.clone(),
            audit_key: cli.audit_key.clone(),
            audit_checkpoint: cli.audit_checkpoint.clone(),
            checkpoint_interval: std::env::var("RANKS_CHECKPOINT_INTERVAL").ok(),
            server: server_flags,
            import: cli.import,
            mail: cli.mail,
        },
    )?;
    // As the profile: a bad server setting stops here, naming it; import
    // limits out of range too.
    cfg.server()?;
    cfg.import.limits()?;
    // The profile is checked before anything else runs: a broken one stops here.
    let profile = load_profile(cfg.profile.as_deref())?;
    let writes = cli.command.writes();
    let created = if cli.command.opens_database() {
        new_files(&cfg)
    } else {
        Vec::new()
    };
    if cli.command.opens_database() && !writes {
        if let Ok(DatabaseUrl::Sqlite { path }) = DatabaseUrl::parse(&cfg.database) {
            if !std::path::Path::new(&path).exists() {
                anyhow::bail!(
                    "the database {path} does not exist (`ranks demo`, `ranks import` or `ranks serve` create one)"
                );
            }
        }
    }
    if let Command::Import(args) = &cli.command {
        if !args.file.exists() {
            anyhow::bail!("import: {}: no such file or folder", args.file.display());
        }
    }
    if let Err(e) = dispatch(cli.command, &cfg, profile).await {
        // A failing command leaves no database (key, checkpoint) it created.
        if let Some((app, _)) = OPENED.get() {
            app.db().close().await;
        }
        for p in &created {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    let Some((app, notice)) = OPENED.get() else {
        return Ok(());
    };
    if let Some(n) = notice {
        eprintln!("note: {n}");
    }
    if writes {
        app.checkpoint().await.map_err(|e| {
            anyhow::anyhow!(
                "the command's changes are saved, but the audit checkpoint was not written: {e}"
            )
        })?;
    }
    Ok(())
}

/// The pipeline, calendar, profile, supervision, scores and the national tools.
async fn dispatch(command: Command, cfg: &config::Config, profile: Profile) -> Result<()> {
    let actor = Actor::system();
    match command {
        Command::Candidate { cmd } => {
            commands::candidate(&open_app(cfg, profile).await?, &actor, cmd).await?
        }
        Command::Unit { cmd } => {
            commands::unit(&open_app(cfg, profile).await?, &actor, cmd).await?
        }
        Command::Member { cmd } => {
            commands::member(&open_app(cfg, profile).await?, &actor, cmd).await?
        }
        Command::Due {
            org,
            as_of,
            within,
            limit,
            cursor,
            all,
            format,
        } => {
            let app = open_app(cfg, profile).await?;
            let page = commands::DuePaging { limit, cursor, all };
            commands::due(&app, &actor, org.as_deref(), within, as_of, page, format).await?
        }
        Command::Calendar { cmd } => {
            commands::calendar(&open_app(cfg, profile).await?, &actor, cmd).await?
        }
        Command::Profile { cmd } => commands::profile(&profile, cmd)?,
        Command::Notify { cmd } => {
            let app = open_app(cfg, profile).await?;
            notify_cmd::notify(&app, &cfg.mail, &cfg.listen, cmd).await?
        }
        Command::Privacy { cmd } => {
            commands::privacy(&open_app(cfg, profile).await?, &actor, cmd).await?
        }
        Command::Supervisor {
            member,
            term,
            format,
        } => {
            let app = open_app(cfg, profile).await?;
            let v = app.supervisor_view(&actor, member, &term).await?;
            if format == Format::Table {
                let (n, all) = (v.units.len(), v.units_total);
                println!(
                    "{} (member {}), term {}, {n} of {all} units",
                    v.name, v.member_id, v.term
                );
                for u in &v.units {
                    println!(
                        "{} {} [{}]: admitted {} of {} ({}), {} overdue, {} due soon",
                        u.code,
                        u.name,
                        u.role,
                        u.achievement.admitted,
                        u.achievement
                            .target
                            .map(|t| t.to_string())
                            .unwrap_or_else(|| "—".into()),
                        u.achievement
                            .percent
                            .map(|p| p.to_string())
                            .unwrap_or_else(|| "no target".into()),
                        u.overdue_total,
                        u.due_soon_total
                    );
                    for d in u.overdue.iter().chain(&u.due_soon) {
                        println!(
                            "    {} {} {} → {} ({} working days)",
                            d.due, d.name, d.unit, d.next_stage, d.working_days_left
                        );
                    }
                }
            } else {
                println!("{}", serde_json::to_string_pretty(&v)?);
            }
        }
        Command::Analytics { org, as_of, format } => {
            let app = open_app(cfg, profile).await?;
            let a = app.analytics_as_of(&actor, org.as_deref(), as_of).await?;
            print!("{}", commands::analytics_text(&a, format)?);
        }
        Command::Evaluate {
            year,
            org,
            leaders,
            format,
        } => {
            let app = open_app(cfg, profile).await?;
            let r = app.evaluate(&actor, org.as_deref(), year).await?;
            if leaders {
                print!("{}", commands::leaders_text(&r, format)?);
            } else {
                print!("{}", commands::evaluation_text(&r, format)?);
            }
        }
        Command::LeaderScore {
            org,
            member,
            year,
            score,
        } => {
            let value: f64 = score
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("score: '{score}' is not a number"))?;
            let app = open_app(cfg, profile).await?;
            app.set_leader_score(&actor, &org, member, year, value)
                .await?;
            println!("{}: leader {member} {year} = {value}", org.to_uppercase());
        }
        Command::Score {
            org,
            year,
            criterion,
            score,
        } => {
            let value: f64 = score
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("score: '{score}' is not a number"))?;
            let app = open_app(cfg, profile).await?;
            app.set_score(&actor, &org, year, &criterion, value).await?;
            println!("{}: {criterion} {year} = {value}", org.to_uppercase());
        }
        Command::Gen(args) => gen::run(&args)?,
        Command::Import(args) => {
            let app = open_app(cfg, profile)
                .await?
                .with_import_limits(cfg.import.limits()?);
            import_cmd::run(&app, &actor, args).await?
        }
        other => dispatch_admin(other, cfg, profile).await?,
    }
    Ok(())
}

/// Backup, restore, the audit chain, tokens, users, targets and forecasts.
/// `ranks bench`, with `--pages` the five users' pages.
async fn bench_cmd(cmd: Command, cfg: &config::Config, profile: Profile) -> Result<()> {
    let Command::Bench {
        seconds,
        connections,
        quick,
        pages,
        requests,
        timeout,
        only,
    } = cmd
    else {
        unreachable!("bench_cmd is called with Command::Bench")
    };
    let app = open_app(cfg, profile).await?;
    let args = bench::BenchArgs {
        seconds,
        connections,
        quick,
    };
    if pages {
        let args = bench_pages::PagesArgs::of(args, requests, timeout).only(only)?;
        bench_pages::run(&app, args).await
    } else {
        bench::run(&app, args).await
    }
}

async fn dispatch_admin(command: Command, cfg: &config::Config, profile: Profile) -> Result<()> {
    let actor = Actor::system();
    match command {
        bench @ Command::Bench { .. } => bench_cmd(bench, cfg, profile).await?,
        Command::Backup { file } => {
            let app = open_app(cfg, profile).await?;
            let bytes = app.backup(&file).await?;
            println!("backup written to {} ({} bytes)", file.display(), bytes);
        }
        Command::Restore { file, force } => {
            let url = DatabaseUrl::parse(&cfg.database)?;
            let DatabaseUrl::Sqlite { path } = url else {
                anyhow::bail!("restore: the database is PostgreSQL; use pg_restore (README, Backup and restore)");
            };
            let files = cfg.audit_files()?;
            let r = ranks_app::integrity::restore_sqlite(
                &file,
                std::path::Path::new(&path),
                force,
                &files,
            )
            .await?;
            println!(
                "restored {} into {path}: {} audit entries verified",
                file.display(),
                r.entries
            );
            if let Some(k) = &r.kept {
                println!("the database it replaced is kept as {}", k.display());
            }
            if let Some(c) = &r.checkpoint_kept {
                println!(
                    "its checkpoint file is kept as {}; a new one starts at the restored head",
                    c.display()
                );
            }
        }
        Command::Audit {
            cmd: AuditCmd::Verify,
        } => {
            let app = open_with(cfg, profile, false).await?;
            let r = app.verify_audit().await?;
            for p in &r.problems {
                println!("{p}");
            }
            for d in &r.differences {
                println!("{d}");
            }
            let key = app.db().audit().map(|a| &a.key);
            if !r.is_clean() {
                let hint = match key {
                    Some(k) if r.entries > 0 && r.verified == 0 => format!(
                        " (no entry verifies with the key {}, fingerprint {}: is it the right key?)",
                        k.path().display(),
                        k.fingerprint()
                    ),
                    _ => String::new(),
                };
                anyhow::bail!(
                    "the audit log does not verify: {} problem(s) in {} entries, {} row(s) differ from the log{hint}",
                    r.problems.len(),
                    r.entries,
                    r.differences.len()
                );
            }
            let head = r
                .head
                .as_ref()
                .map(|(id, mac)| format!("; head {id} {mac}"))
                .unwrap_or_default();
            let redacted = match r.redacted {
                0 => String::new(),
                n => format!(" ({n} redacted by an erasure, docs/privacy.md)"),
            };
            println!(
                "audit log verified: {} entries sealed with the key (fingerprint {}){redacted}, {} checkpoint lines, {} records replayed against their rows{head}",
                r.entries,
                key.map(|k| k.fingerprint()).unwrap_or_default(),
                r.checkpoints,
                r.records
            );
        }
        Command::Token { cmd } => token_cmd::run(&open_app(cfg, profile).await?, cmd).await?,
        Command::User { cmd } => {
            commands::user(&open_app(cfg, profile).await?, &actor, cmd).await?
        }
        Command::Target { cmd } => {
            commands::target(&open_app(cfg, profile).await?, &actor, cmd).await?
        }
        Command::Forecast {
            term,
            as_of,
            org,
            format,
            explain,
        } => {
            let app = open_app(cfg, profile).await?;
            let r = app.forecast(&actor, &term, as_of, org.as_deref()).await?;
            print!("{}", commands::forecast_text(&r, format, explain)?);
        }
        other => dispatch_reports(other, cfg, profile).await?,
    }
    Ok(())
}

/// The configuration, the demo and the reports.
async fn dispatch_reports(command: Command, cfg: &config::Config, profile: Profile) -> Result<()> {
    let actor = Actor::system();
    match command {
        Command::Config => {
            println!(
                "{}",
                toml::to_string(&cfg.printable()).context("printing configuration")?
            );
        }
        Command::Demo => {
            let app = open_app(cfg, profile).await?;
            let s = app.load_demo(&actor).await?;
            if s.loaded {
                println!(
                    "demo loaded into {}: {} units, {} members, {} candidates",
                    app.db().url(),
                    s.units,
                    s.members,
                    s.candidates
                );
            } else {
                println!("demo already loaded in {}; nothing written", app.db().url());
            }
        }
        Command::Report {
            report:
                Report::Achievement {
                    term,
                    org,
                    depth,
                    as_of,
                    format,
                    output,
                },
        } => {
            let app = open_app(cfg, profile).await?;
            let r = match as_of {
                Some(day) => {
                    app.achievement_as_of(&actor, org.as_deref(), &term, depth, day)
                        .await?
                }
                // A one-shot process: the grouped SQL answers sooner than
                // building the roll-up index (which a server keeps).
                None => {
                    app.achievement_sql(&actor, org.as_deref(), &term, depth)
                        .await?
                }
            };
            let bytes = match format {
                Format::Table => output::achievement_table(&r.rows).into_bytes(),
                Format::Json => (output::achievement_json(&r.rows) + "\n").into_bytes(),
                Format::Csv => output::achievement_csv(&r.rows).into_bytes(),
                Format::Xlsx => output::achievement_xlsx(&r.rows),
            };
            output::emit(&bytes, output.as_deref(), format)?;
        }
        Command::Report {
            report:
                Report::Statistics {
                    year,
                    org,
                    format,
                    output,
                },
        } => {
            let app = open_app(cfg, profile).await?;
            let rows = app.statistics(&actor, org.as_deref(), year).await?;
            output::emit(
                &output::statistics(&rows, format)?,
                output.as_deref(),
                format,
            )?;
        }
        Command::Report {
            report:
                Report::Members {
                    org,
                    q,
                    format,
                    output,
                },
        } => {
            let app = open_app(cfg, profile).await?;
            let n =
                commands::export_members(&app, &actor, org.as_deref(), &q, format, &output).await?;
            println!("{n} members written to {}", output.display());
        }
        Command::Report {
            report: Report::Burnup { term, org, output },
        } => {
            let app = open_app(cfg, profile).await?;
            let unit = app.unit(&actor, &org).await?;
            let b = app.burn_up(&actor, &org, &term).await?;
            let svg = ranks_web::charts::burn_up(
                &format!("{} · {}", unit.name, b.term.name),
                b.term.starts_on,
                b.term.ends_on,
                &b.admissions,
                b.target,
                b.today,
            );
            std::fs::write(&output, svg)
                .with_context(|| format!("cannot write {}", output.display()))?;
            println!("{}: burn-up written to {}", unit.code, output.display());
        }
        other => dispatch_serve(other, cfg, profile).await?,
    }
    Ok(())
}

/// The server.
async fn dispatch_serve(command: Command, cfg: &config::Config, profile: Profile) -> Result<()> {
    let actor = Actor::system();
    match command {
        Command::Serve { demo, .. } => {
            let server = cfg.server()?;
            let app = open_app(cfg, profile)
                .await?
                .with_import_limits(cfg.import.limits()?);
            if demo {
                let s = app.load_demo(&actor).await?;
                if s.loaded {
                    tracing::info!(
                        units = s.units,
                        members = s.members,
                        candidates = s.candidates,
                        "demo loaded"
                    );
                }
                commands::demo_users(&app, &actor).await?;
            }
            let addr: std::net::SocketAddr = cfg.listen.parse().with_context(|| {
                format!(
                    "listen: '{}' is not an address like 127.0.0.1:8080",
                    cfg.listen
                )
            })?;
            // No request waits for a whole build: both are made first.
            warm::warm_up(&app).await?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            println!(
                "Ranks is serving http://{addr}/ (database {})",
                app.db().url()
            );
            if let Some(seal) = app.db().audit() {
                tracing::info!(
                    key = %seal.key.path().display(),
                    fingerprint = %seal.key.fingerprint(),
                    checkpoint = %seal.checkpoint.display(),
                    every_seconds = cfg.checkpoint_interval,
                    "audit log sealed with the key; its head written to the checkpoint file"
                );
            }
            if let Some((_, Some(n))) = OPENED.get() {
                tracing::info!("{n}");
            }
            // The audit log's head, written down outside the database at
            // least every interval (when it moved) and at shutdown.
            if let Err(e) = app.checkpoint().await {
                tracing::warn!(error = %e, "audit checkpoint not written at start");
            }
            let every = std::time::Duration::from_secs(cfg.checkpoint_interval);
            let marker = app.clone();
            let checkpoints = tokio::spawn(async move {
                let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    if let Err(e) = marker.checkpoint().await {
                        tracing::warn!(error = %e, "audit checkpoint not written");
                    }
                }
            });
            let tomorrow = warm::keep_tomorrow_ready(&app);
            let retention = commands::spawn_retention(&app);
            let reminders = notify_cmd::schedule(&app, &cfg.mail, &cfg.listen)?;
            let served = axum::serve(listener, ranks_web::router_with(app.clone(), server))
                .with_graceful_shutdown(stop_signal())
                .await
                .context("server stopped");
            checkpoints.abort();
            tomorrow.abort();
            retention.inspect(|r| r.abort());
            reminders.inspect(|r| r.abort());
            match app.checkpoint().await {
                Ok(head) => {
                    tracing::info!(head = ?head.map(|h| h.0), "audit checkpoint written at shutdown")
                }
                Err(e) => tracing::warn!(error = %e, "audit checkpoint not written at shutdown"),
            }
            served?;
        }
        _ => unreachable!("every command is dispatched above"),
    }
    Ok(())
}
