//! Downloads: every list the pages show, as CSV (UTF-8 with BOM) or XLSX,
//! scoped exactly like the page (the same use cases answer).
//!
//! `GET /export/{list}?format=csv|xlsx&org=CODE&term=…&year=…&q=…` where
//! list is one of achievement, members, candidates, due, forecast,
//! evaluation, statistics.

use crate::auth::Auth;
use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use ranks_app::export::{d, n, opt_d, t, Locale, Table};
use ranks_app::xlsx::Cell;
use ranks_app::{Actor, App, AppError};
use ranks_domain::procedure::Profile;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    pub format: Option<String>,
    pub org: Option<String>,
    pub term: Option<String>,
    pub year: Option<i32>,
    pub q: Option<String>,
    /// For members: probationary or official.
    pub status: Option<String>,
}

/// The lists that can be exported, for links and the route matrix.
pub const LISTS: &[&str] = &[
    "achievement",
    "members",
    "candidates",
    "due",
    "forecast",
    "evaluation",
    "statistics",
];

/// A share as committees report it: one decimal (109.1 %).
fn one_decimal(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn opt_n(v: Option<impl Into<f64>>) -> Cell {
    v.map(|v| Cell::Number(v.into())).unwrap_or(Cell::Empty)
}

pub async fn current_term(app: &App, term: Option<&str>) -> Result<String, AppError> {
    if let Some(t) = term {
        return Ok(t.to_string());
    }
    let terms = app.terms().await?;
    let today = app.clock().today();
    terms
        .iter()
        .find(|t| t.starts_on <= today && today <= t.ends_on)
        .or(terms.last())
        .map(|t| t.name.to_string())
        .ok_or(AppError::Empty)
}

pub async fn table(
    app: &App,
    actor: &Actor,
    list: &str,
    q: &ExportQuery,
) -> Result<Table, AppError> {
    let org = q.org.as_deref().map(str::trim).filter(|o| !o.is_empty());
    let year = q.year.unwrap_or(app.clock().today().year());
    let tb = match list {
        "achievement" => achievement(app, actor, org, q).await?,
        "candidates" => candidates(app, actor, org, q).await?,
        "due" => due(app, actor, org).await?,
        "forecast" => forecast(app, actor, org, q).await?,
        "evaluation" => evaluation(app, actor, org, year).await?,
        "statistics" => statistics(app, actor, org, year).await?,
        other => {
            return Err(AppError::NotFound {
                what: "list",
                key: other.to_string(),
            })
        }
    };
    if list == "candidates" {
        // A bulk read of personal details, logged as a single read is
        // (the members' export, streamed, logs in `App::export_members`).
        app.log_bulk_read(actor, list, org, tb.rows.len()).await?;
    }
    Ok(tb)
}

/// The achievement list.
async fn achievement(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    q: &ExportQuery,
) -> Result<Table, AppError> {
    let term = current_term(app, q.term.as_deref()).await?;
    let r = app.achievement(actor, org, &term, None).await?;
    let mut tb = Table::new(
        "achievement",
        &["code", "name", "depth", "target", "admitted", "percent"],
    );
    for row in &r.rows {
        tb.push(vec![
            t(row.code.to_string()),
            t(row.name.clone()),
            n(row.depth as f64),
            opt_n(row.target.map(|v| v as f64)),
            n(row.admitted as f64),
            opt_n(row.percent.map(|p| one_decimal(p.exact()))),
        ]);
    }
    Ok(tb)
}

/// The candidates list.
async fn candidates(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    q: &ExportQuery,
) -> Result<Table, AppError> {
    let found = app
        .search_candidates(actor, org, q.q.as_deref().unwrap_or(""))
        .await?;
    let mut tb = Table::new(
        "candidates",
        &[
            "id",
            "name",
            "birth_date",
            "unit",
            "unit_name",
            "stage",
            "since",
            "movement",
            "mentors",
        ],
    );
    for c in found {
        tb.push(vec![
            n(c.id as f64),
            t(c.full_name),
            opt_d(c.birth_date),
            t(c.unit_code.to_string()),
            t(c.unit_name),
            t(c.stage),
            d(c.stage_since),
            c.movement.map(t).unwrap_or(Cell::Empty),
            t(c.mentors.join("; ")),
        ]);
    }
    Ok(tb)
}

/// The due list.
async fn due(app: &App, actor: &Actor, org: Option<&str>) -> Result<Table, AppError> {
    let rows = app.due(actor, org, None).await?;
    let mut tb = Table::new(
        "due",
        &[
            "candidate",
            "name",
            "unit",
            "stage",
            "next_stage",
            "due",
            "working_days_left",
            "overdue",
            "rule",
            "source",
            "escalated_to",
        ],
    );
    for d in rows {
        tb.push(vec![
            n(d.candidate_id as f64),
            t(d.name),
            t(d.unit),
            t(d.stage),
            t(d.next_stage),
            Cell::Date(d.due),
            n(d.working_days_left as f64),
            t(if d.overdue { "yes" } else { "no" }),
            t(d.rule),
            t(d.source),
            t(d.escalated_to.join("; ")),
        ]);
    }
    Ok(tb)
}

/// The forecast list.
async fn forecast(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    q: &ExportQuery,
) -> Result<Table, AppError> {
    let term = current_term(app, q.term.as_deref()).await?;
    let r = app.forecast(actor, &term, None, org).await?;
    let mut tb = Table::new(
        "forecast",
        &[
            "code",
            "name",
            "target",
            "admitted",
            "expected",
            "low",
            "high",
            "chance_of_target",
            "at_risk",
        ],
    );
    for f in r.rows {
        tb.push(vec![
            t(f.code),
            t(f.name),
            opt_n(f.target.map(|v| v as f64)),
            n(f.admitted as f64),
            n(one_decimal(f.expected)),
            n(f.low as f64),
            n(f.high as f64),
            opt_n(f.chance_of_target.map(|c| one_decimal(c * 100.0))),
            t(if f.at_risk { "yes" } else { "no" }),
        ]);
    }
    Ok(tb)
}

/// The evaluation list.
async fn evaluation(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    year: i32,
) -> Result<Table, AppError> {
    let r = app.evaluate(actor, org, year).await?;
    let mut tb = Table::new("evaluation", &["code", "name", "score", "grade", "missing"]);
    for e in r.rows {
        tb.push(vec![
            t(e.code),
            t(e.name),
            opt_n(e.score),
            e.grade.map(t).unwrap_or(Cell::Empty),
            t(e.missing.join("; ")),
        ]);
    }
    Ok(tb)
}

/// The statistics list.
async fn statistics(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    year: i32,
) -> Result<Table, AppError> {
    let rows = app.statistics(actor, org, year).await?;
    let mut tb = Table::new(
        "statistics",
        &[
            "code",
            "name",
            "members",
            "admitted",
            "target",
            "percent",
            "recognised",
            "left",
        ],
    );
    for s in rows {
        tb.push(vec![
            t(s.code),
            t(s.name),
            n(s.members as f64),
            n(s.admitted as f64),
            opt_n(s.target.map(|v| v as f64)),
            opt_n(s.percent.map(one_decimal)),
            n(s.recognised as f64),
            n(s.left as f64),
        ]);
    }
    Ok(tb)
}

/// The table as a download in the asked format.
pub fn download(tb: &Table, format: &str) -> Result<Response, WebError> {
    let stamp = tb.name.clone();
    match format {
        "csv" => Ok((
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{stamp}.csv\""),
                ),
            ],
            tb.csv(),
        )
            .into_response()),
        "xlsx" => Ok((
            [
                (
                    CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{stamp}.xlsx\""),
                ),
            ],
            tb.xlsx(),
        )
            .into_response()),
        other => Err(WebError::bad_request(
            format!("format: {other:?} is not csv or xlsx"),
            None,
        )),
    }
}

pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    Path(list): Path<String>,
    lang: crate::extract::PageLang,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let format = q.format.clone().unwrap_or_else(|| "csv".into());
    if !matches!(format.as_str(), "csv" | "xlsx") {
        return Err(WebError::bad_request(
            format!("format: {format:?} is not csv or xlsx"),
            None,
        ));
    }
    if list == "members" {
        return streamed_members(&st, &auth.actor, Tr { lang: lang.lang }, &q, &format).await;
    }
    let mut tb = table(&st.app, &auth.actor, &list, &q)
        .await
        .map_err(|e| WebError::from_app(e, None))?;
    localize(&mut tb, Tr { lang: lang.lang }, st.app.profile());
    download(&tb, &format)
}

/// The table in the reader's language: headers, the values that are
/// codes of the program (stages, statuses, rules, grades, criteria, yes
/// and no), and dates and decimals as the language writes them.
pub fn localize(tb: &mut Table, tr: Tr, profile: &Profile) {
    let columns = tb.headers.clone();
    for (c, name) in columns.iter().enumerate() {
        for row in &mut tb.rows {
            let Some(Cell::Text(v)) = row.get_mut(c) else {
                continue;
            };
            let named = match name.as_str() {
                "stage" | "next_stage" => tr.stage(profile, v),
                "status" => tr.named(&["status"], v).unwrap_or_else(|| v.clone()),
                "overdue" | "at_risk" => tr.yes_no(v == "yes").to_string(),
                "rule" => tr.rule(v),
                "grade" => tr.grade(profile, v),
                "missing" if !v.is_empty() => v
                    .split("; ")
                    .map(|k| tr.criterion(profile, k))
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => continue,
            };
            *v = named;
        }
    }
    for h in &mut tb.headers {
        if let Some(label) = tr.named(&["export.col"], h) {
            *h = label;
        }
    }
    if let Some(sheet) = tr.named(&["export.sheet"], &tb.name) {
        tb.name = sheet;
    }
    tb.locale = match tr.lang {
        Lang::Vi => Some(Locale {
            csv_date: "%d/%m/%Y",
            xlsx_date: "dd/mm/yyyy",
            decimal_comma: true,
        }),
        Lang::De => Some(Locale {
            csv_date: "%d.%m.%Y",
            xlsx_date: "dd.mm.yyyy",
            decimal_comma: true,
        }),
        Lang::En => None,
    };
}

/// Rows per batch of a streamed export.
const BATCH: usize = 1000;

/// The members' export, streamed: rows leave the database and the body
/// goes out a batch at a time (CSV), or through a constant-memory
/// worksheet and a temporary file (XLSX); memory does not grow with the
/// row count. An error after the first byte ends the body early (the
/// download fails rather than looking complete).
async fn streamed_members(
    st: &AppState,
    actor: &Actor,
    tr: Tr,
    q: &ExportQuery,
    format: &str,
) -> Result<Response, WebError> {
    use ranks_app::stream::{member_cells, CsvStream, XlsxStream, MEMBER_COLUMNS};
    let org = q.org.as_deref().map(str::trim).filter(|o| !o.is_empty());
    let status = crate::pages::members::status_filter(q.status.as_deref())
        .map_err(|e| WebError::from_app(e, None))?;
    let mut rows = st
        .app
        .export_members(actor, org, q.q.as_deref().unwrap_or(""), status)
        .await
        .map_err(|e| WebError::from_app(e, None))?;
    let profile = st.app.profile().clone();
    // Headers, sheet name and locale as the reader's language has them.
    let mut shape = Table::new("members", &MEMBER_COLUMNS);
    localize(&mut shape, tr, &profile);
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let xlsx = format == "xlsx";
    let filename = format!(
        "attachment; filename=\"{}.{}\"",
        shape.name,
        if xlsx { "xlsx" } else { "csv" }
    );
    tokio::spawn(async move {
        let fail = |e: String| std::io::Error::other(e);
        let localized = |batch: Vec<ranks_app::privacy::MemberEntry>| {
            let mut tb = Table::new("members", &MEMBER_COLUMNS);
            tb.rows = batch.into_iter().map(member_cells).collect();
            localize(&mut tb, tr, &profile);
            tb.rows
        };
        if xlsx {
            let mut book = match XlsxStream::new(&shape.name, &shape.headers, shape.locale.as_ref())
            {
                Ok(b) => b,
                Err(e) => return drop(tx.send(Err(fail(e.to_string()))).await),
            };
            while let Some(batch) = rows.next_batch(BATCH).await {
                let written = batch
                    .map_err(|e| e.to_string())
                    .and_then(|b| book.rows(&localized(b)).map_err(|e| e.to_string()));
                if let Err(e) = written {
                    return drop(tx.send(Err(fail(e))).await);
                }
            }
            let file = tokio::task::spawn_blocking(move || book.finish()).await;
            let mut file = match file {
                Ok(Ok(f)) => f,
                Ok(Err(e)) => return drop(tx.send(Err(fail(e.to_string()))).await),
                Err(e) => return drop(tx.send(Err(fail(e.to_string()))).await),
            };
            loop {
                // A local file, 64 KiB at a time: short enough not to hold the runtime.
                let chunk = {
                    use std::io::Read;
                    let mut buf = vec![0u8; 64 * 1024];
                    file.read(&mut buf).map(|n| {
                        buf.truncate(n);
                        buf
                    })
                };
                match chunk {
                    Ok(b) if b.is_empty() => return,
                    other => {
                        let stop = other.is_err();
                        if tx.send(other).await.is_err() || stop {
                            return;
                        }
                    }
                }
            }
        } else {
            let (csv, head) = match CsvStream::new(&shape.headers, shape.locale.clone()) {
                Ok(c) => c,
                Err(e) => return drop(tx.send(Err(e)).await),
            };
            if tx.send(Ok(head)).await.is_err() {
                return;
            }
            while let Some(batch) = rows.next_batch(BATCH).await {
                let bytes = batch
                    .map_err(|e| fail(e.to_string()))
                    .and_then(|b| csv.rows(&localized(b)));
                let stop = bytes.is_err();
                if tx.send(bytes).await.is_err() || stop {
                    return;
                }
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let kind = if xlsx {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv; charset=utf-8"
    };
    Ok((
        [
            (CONTENT_TYPE, kind.to_string()),
            (CONTENT_DISPOSITION, filename),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}
