//! `ranks`: the one binary of Ranks (server, demo loader, reports).

mod config;
mod output;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use output::Format;
use ranks_app::{Actor, App, SystemClock};
use ranks_store::{DatabaseUrl, Db};
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
    #[command(subcommand)]
    command: Command,
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
}

#[derive(Subcommand, Debug)]
enum Report {
    /// Admissions against the term target, per unit, rolled up the tree.
    Achievement {
        /// Term, like 2020-2025.
        #[arg(long)]
        term: String,
        /// The unit to start from (default: the top unit).
        #[arg(long)]
        org: Option<String>,
        /// How many levels below the unit to show (0: the unit alone).
        #[arg(long)]
        depth: Option<usize>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn main() {
    let cli = Cli::parse();
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

async fn open_app(database: &str) -> Result<App> {
    let url = DatabaseUrl::parse(database)?;
    let clock = Arc::new(SystemClock);
    let now = ranks_app::Clock::stamp(clock.as_ref());
    let db = Db::open(&url, &now).await?;
    Ok(App::new(db, clock))
}

async fn run(cli: Cli) -> Result<()> {
    let (file, path) = config::load(cli.config.as_deref())?;
    let listen_flag = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => std::env::var("RANKS_LISTEN").ok(),
    };
    let cfg = config::resolve(file, path, cli.database.clone(), listen_flag);
    let actor = Actor::system();
    match cli.command {
        Command::Config => {
            println!(
                "{}",
                toml::to_string(&cfg).context("printing configuration")?
            );
        }
        Command::Demo => {
            let app = open_app(&cfg.database).await?;
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
                    format,
                },
        } => {
            let app = open_app(&cfg.database).await?;
            let r = app
                .achievement(&actor, org.as_deref(), &term, depth)
                .await?;
            let text = match format {
                Format::Table => output::achievement_table(&r.rows),
                Format::Json => output::achievement_json(&r.rows) + "\n",
                Format::Csv => output::achievement_csv(&r.rows),
            };
            print!("{text}");
        }
        Command::Serve { demo, .. } => {
            let app = open_app(&cfg.database).await?;
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
            }
            let addr: std::net::SocketAddr = cfg.listen.parse().with_context(|| {
                format!(
                    "listen: '{}' is not an address like 127.0.0.1:8080",
                    cfg.listen
                )
            })?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            println!(
                "Ranks is serving http://{addr}/ (database {})",
                app.db().url()
            );
            axum::serve(listener, ranks_web::router(app))
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .context("server stopped")?;
        }
    }
    Ok(())
}
