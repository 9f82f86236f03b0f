//! Reminders by e-mail (issue 17, docs/reminders.md): the digests due now,
//! composed in each user's language and sent through the configured SMTP
//! server, each recorded before and after sending (`ranks_app::notify`) so
//! that it goes out once; `ranks notify run` runs this once, `ranks serve`
//! on a schedule in a background task of its own.

pub mod compose;
pub mod smtp;

pub use compose::compose;
pub use smtp::{Mail, MailSettings, Mailer, TlsMode};

use ranks_app::notify::Outcome;
use ranks_app::{App, AppError};
use ranks_domain::Date;
use serde::Serialize;
use std::time::Duration;

/// One run's choices.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Compose and report, send and record nothing.
    pub dry_run: bool,
    /// The day to count the deadlines on instead of the clock's (the hour
    /// is then not waited for).
    pub on: Option<Date>,
    /// Digests go out from this hour of the day (Vietnam's time).
    pub send_hour: u32,
}

/// What happened to one digest in a run.
#[derive(Debug, Clone, Serialize)]
pub struct RunLine {
    pub username: String,
    pub email: String,
    pub lang: String,
    pub period: String,
    pub items: usize,
    /// would_send (a dry run), sent, empty, failed, gave_up or taken.
    pub outcome: String,
    pub attempt: i64,
    pub error: Option<String>,
    pub subject: String,
    /// The deadlines listed (a dry run shows them): "name (unit), due".
    pub listed: Vec<String>,
}

/// One run: every digest due now, sent one after the other (each SMTP
/// command under the configured timeout), each recorded.
pub async fn run(app: &App, s: &MailSettings, o: RunOptions) -> Result<Vec<RunLine>, String> {
    let mailer = Mailer::new(s)?;
    let digests = app
        .digests_due(o.on, o.send_hour)
        .await
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for d in digests {
        let mail = compose(&d, &s.base_url, app.profile());
        let mut line = RunLine {
            username: d.username.clone(),
            email: d.email.clone(),
            lang: d.lang.clone(),
            period: d.period.clone(),
            items: d.items.len(),
            outcome: String::new(),
            attempt: d.attempts_before + 1,
            error: None,
            subject: mail.subject.clone(),
            listed: d
                .items
                .iter()
                .map(|i| format!("{} ({}), {}", i.due.name, i.due.unit, i.due.due))
                .collect(),
        };
        if o.dry_run {
            line.outcome = if d.items.is_empty() {
                "empty"
            } else {
                "would_send"
            }
            .into();
            out.push(line);
            continue;
        }
        let run_id = match app.digest_begin(&d).await {
            Ok(Some(id)) => id,
            Ok(None) => {
                line.outcome = if d.items.is_empty() { "empty" } else { "taken" }.into();
                out.push(line);
                continue;
            }
            // Another server recorded the same digest at the same moment.
            Err(AppError::Conflict(_)) => {
                line.outcome = "taken".into();
                out.push(line);
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        let sent = mailer.send(&mail).await;
        line.error = sent.as_ref().err().cloned();
        let outcome = app
            .digest_end(run_id, sent)
            .await
            .map_err(|e| e.to_string())?;
        line.outcome = match outcome {
            Outcome::Sent => "sent",
            Outcome::Empty => "empty",
            Outcome::Failed => "failed",
            Outcome::GaveUp => "gave_up",
            Outcome::Taken => "taken",
        }
        .into();
        out.push(line);
    }
    Ok(out)
}

/// The schedule inside `ranks serve`: a run every `every`, in a task of its
/// own (no request waits for it); each outcome logged.
pub fn spawn_schedule(
    app: App,
    settings: MailSettings,
    every: Duration,
    send_hour: u32,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let o = RunOptions {
                dry_run: false,
                on: None,
                send_hour,
            };
            match run(&app, &settings, o).await {
                Ok(lines) => {
                    for l in lines.iter().filter(|l| l.outcome != "empty") {
                        tracing::info!(
                            user = %l.username,
                            period = %l.period,
                            items = l.items,
                            outcome = %l.outcome,
                            attempt = l.attempt,
                            error = l.error.as_deref().unwrap_or(""),
                            "reminder digest"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "reminder run failed"),
            }
        }
    })
}
