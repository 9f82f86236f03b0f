//! `ranks notify`: reminders by e-mail (docs/reminders.md). The SMTP
//! settings (`[mail]` in the configuration file, `RANKS_SMTP_*`, flags),
//! one run (`notify run [--dry-run] [--on DATE]`), the records, and the
//! schedule `ranks serve` keeps.

use anyhow::{Context, Result};
use clap::Subcommand;
use ranks_app::App;
use ranks_web::notify::{self, MailSettings, RunOptions, TlsMode};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Subcommand, Debug)]
pub enum NotifyCmd {
    /// Send the digests due now (each once: recorded before and after sending).
    Run {
        /// Print who would get what; send and record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Count the deadlines on this day (YYYY-MM-DD, not after today)
        /// instead of today, without waiting for the sending hour.
        #[arg(long)]
        on: Option<ranks_domain::Date>,
    },
    /// The latest digest records: sent, failed (with the next try), empty.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

/// The `[mail]` table, `RANKS_SMTP_*`/`RANKS_MAIL_*`/`RANKS_NOTIFY_*` and
/// the flags of the same names; unset ones keep their defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// SMTP server (no server: digests are not sent; `notify run --dry-run` still shows them).
    #[arg(
        id = "smtp_host",
        long = "smtp-host",
        global = true,
        env = "RANKS_SMTP_HOST"
    )]
    pub host: Option<String>,
    /// SMTP port (default 587; 465 with tls = "tls"; 25 with tls = "off").
    #[arg(
        id = "smtp_port",
        long = "smtp-port",
        global = true,
        env = "RANKS_SMTP_PORT"
    )]
    pub port: Option<u16>,
    /// off, starttls (required) or tls (from the first byte); default starttls.
    #[arg(
        id = "smtp_tls",
        long = "smtp-tls",
        global = true,
        env = "RANKS_SMTP_TLS"
    )]
    pub tls: Option<String>,
    /// SMTP user (authentication when set).
    #[arg(
        id = "smtp_user",
        long = "smtp-user",
        global = true,
        env = "RANKS_SMTP_USER"
    )]
    pub user: Option<String>,
    /// SMTP password: from the environment (RANKS_SMTP_PASSWORD) or the file, never printed.
    #[arg(
        id = "smtp_password",
        long = "smtp-password",
        global = true,
        env = "RANKS_SMTP_PASSWORD",
        hide_env_values = true,
        hide = true
    )]
    #[serde(skip_serializing)]
    pub password: Option<String>,
    /// The sender (default "Ranks <ranks@localhost>").
    #[arg(
        id = "mail_from",
        long = "mail-from",
        global = true,
        env = "RANKS_MAIL_FROM"
    )]
    pub from: Option<String>,
    /// The name given in EHLO (default localhost).
    #[arg(
        id = "smtp_helo",
        long = "smtp-helo",
        global = true,
        env = "RANKS_SMTP_HELO"
    )]
    pub helo: Option<String>,
    /// Seconds any SMTP command may take (default 30).
    #[arg(
        id = "smtp_timeout",
        long = "smtp-timeout",
        global = true,
        env = "RANKS_SMTP_TIMEOUT"
    )]
    pub timeout: Option<u64>,
    /// The address links in a digest start with (default http://LISTEN).
    #[arg(
        id = "base_url",
        long = "base-url",
        global = true,
        env = "RANKS_BASE_URL"
    )]
    pub base_url: Option<String>,
    /// Minutes between the server's checks for digests due (default 15; 0: off).
    #[arg(
        id = "notify_every",
        long = "notify-every",
        global = true,
        env = "RANKS_NOTIFY_EVERY"
    )]
    pub every_minutes: Option<u64>,
    /// Digests go out from this hour, Vietnam's time (default 7).
    #[arg(
        id = "notify_hour",
        long = "notify-hour",
        global = true,
        env = "RANKS_NOTIFY_HOUR"
    )]
    pub hour: Option<u32>,
}

// Every flag here is global: its id (by default the field's name) must not
// be the id of any command's own flag (`bench --timeout` is a number of
// another type; clap panics on the mismatch), hence the explicit ids.
impl MailConfig {
    /// Each value given here, else the one in `other`.
    pub fn or(self, o: MailConfig) -> MailConfig {
        MailConfig {
            host: self.host.or(o.host),
            port: self.port.or(o.port),
            tls: self.tls.or(o.tls),
            user: self.user.or(o.user),
            password: self.password.or(o.password),
            from: self.from.or(o.from),
            helo: self.helo.or(o.helo),
            timeout: self.timeout.or(o.timeout),
            base_url: self.base_url.or(o.base_url),
            every_minutes: self.every_minutes.or(o.every_minutes),
            hour: self.hour.or(o.hour),
        }
    }

    fn tls_mode(&self) -> Result<TlsMode> {
        let t = self.tls.as_deref().unwrap_or("starttls");
        TlsMode::parse(t).ok_or_else(|| {
            anyhow::anyhow!("mail.tls: '{t}' is not valid; expected off, starttls or tls")
        })
    }

    /// The send hour, checked.
    pub fn send_hour(&self) -> Result<u32> {
        match self.hour.unwrap_or(7) {
            h @ 0..=23 => Ok(h),
            h => anyhow::bail!("mail.hour: {h} is not an hour from 0 to 23"),
        }
    }

    /// The settings of the SMTP client; `None` without a host.
    pub fn settings(&self, listen: &str) -> Result<Option<MailSettings>> {
        let tls = self.tls_mode()?;
        let Some(host) = self.host.clone().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let timeout = match self.timeout.unwrap_or(30) {
            t @ 1..=600 => t,
            t => anyhow::bail!("mail.timeout: {t} is not a number of seconds from 1 to 600"),
        };
        let port = self.port.unwrap_or(match tls {
            TlsMode::Off => 25,
            TlsMode::StartTls => 587,
            TlsMode::Tls => 465,
        });
        Ok(Some(MailSettings {
            host,
            port,
            tls,
            user: self.user.clone().filter(|u| !u.is_empty()),
            password: self.password.clone(),
            from: self
                .from
                .clone()
                .unwrap_or_else(|| "Ranks <ranks@localhost>".into()),
            helo: self.helo.clone().unwrap_or_else(|| "localhost".into()),
            timeout: Duration::from_secs(timeout),
            base_url: self.base_url(listen),
        }))
    }

    fn base_url(&self, listen: &str) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{listen}"))
    }
}

pub async fn notify(app: &App, mail: &MailConfig, listen: &str, cmd: NotifyCmd) -> Result<()> {
    match cmd {
        NotifyCmd::Run { dry_run, on } => {
            let settings = match mail.settings(listen)? {
                Some(s) => s,
                // A dry run sends nothing: the server need not be known.
                None if dry_run => MailSettings {
                    host: "localhost".into(),
                    port: 25,
                    tls: TlsMode::Off,
                    user: None,
                    password: None,
                    from: mail.from.clone().unwrap_or_else(|| "ranks@localhost".into()),
                    helo: "localhost".into(),
                    timeout: Duration::from_secs(30),
                    base_url: mail.base_url(listen),
                },
                None => anyhow::bail!(
                    "mail: no SMTP server configured (RANKS_SMTP_HOST, --smtp-host or host in [mail]); --dry-run shows what would be sent"
                ),
            };
            let o = RunOptions {
                dry_run,
                on,
                send_hour: mail.send_hour()?,
            };
            let lines = notify::run(app, &settings, o)
                .await
                .map_err(anyhow::Error::msg)
                .context("notify run")?;
            print_run(&lines, dry_run);
        }
        NotifyCmd::List { limit } => {
            for r in app.digest_records(limit).await? {
                println!(
                    "{} {} {} <{}> {} {} deadlines, attempt {}{}{}",
                    r.period,
                    r.status,
                    r.username,
                    r.recipient,
                    r.lang,
                    r.items,
                    r.attempts,
                    r.next_try_at
                        .map(|t| format!(", next try {t}"))
                        .unwrap_or_default(),
                    r.last_error
                        .map(|e| format!(", error: {e}"))
                        .unwrap_or_default(),
                );
            }
        }
    }
    Ok(())
}

fn print_run(lines: &[notify::RunLine], dry_run: bool) {
    for l in lines {
        let what = if dry_run && l.outcome == "would_send" {
            "would send"
        } else {
            l.outcome.as_str()
        };
        println!(
            "{what}: {} <{}> ({}, {}): {} deadlines{}",
            l.username,
            l.email,
            l.lang,
            l.period,
            l.items,
            l.error
                .as_ref()
                .map(|e| format!(", attempt {}: {e}", l.attempt))
                .unwrap_or_default()
        );
        if dry_run && !l.listed.is_empty() {
            println!("  subject: {}", l.subject);
            for i in &l.listed {
                println!("  - {i}");
            }
        }
    }
    let count = |o: &str| lines.iter().filter(|l| l.outcome == o).count();
    if dry_run {
        println!(
            "dry run: {} digests would be sent, {} empty; nothing sent or recorded",
            count("would_send"),
            count("empty")
        );
    } else {
        println!(
            "{} digests: {} sent, {} failed (retried later), {} given up, {} empty, {} taken by another run",
            lines.len(),
            count("sent"),
            count("failed"),
            count("gave_up"),
            count("empty"),
            count("taken")
        );
    }
}

/// The schedule inside `ranks serve`, unless no SMTP server is configured
/// or `every_minutes` is 0.
pub fn schedule(
    app: &App,
    mail: &MailConfig,
    listen: &str,
) -> Result<Option<tokio::task::JoinHandle<()>>> {
    let every = mail.every_minutes.unwrap_or(15);
    let hour = mail.send_hour()?;
    let Some(settings) = mail.settings(listen)? else {
        tracing::info!("reminders by e-mail off: no SMTP server configured");
        return Ok(None);
    };
    if every == 0 {
        tracing::info!("reminders by e-mail off: notify every 0 minutes");
        return Ok(None);
    }
    tracing::info!(
        host = %settings.host,
        port = settings.port,
        tls = settings.tls.as_str(),
        every_minutes = every,
        from_hour = hour,
        "reminders by e-mail scheduled"
    );
    Ok(Some(notify::spawn_schedule(
        app.clone(),
        settings,
        Duration::from_secs(every * 60),
        hour,
    )))
}
