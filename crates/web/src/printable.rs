//! Printable PDFs: the achievement report of a unit's subtree and a
//! candidate's dossier checklist, in the reader's language, scoped like
//! the pages they print.
//!
//! - `GET /units/{code}/achievement.pdf?term=2020-2025`
//! - `GET /candidates/{id}/checklist.pdf`

use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{PageLang, PageResult};
use crate::i18n::Tr;
use crate::pdf::{Align, Doc};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PdfQuery {
    pub term: Option<String>,
}

pub(crate) fn pdf_response(bytes: Vec<u8>, file: &str) -> Result<Response, WebError> {
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn achievement_pdf(
    State(st): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<PdfQuery>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let term = crate::export::current_term(&st.app, q.term.as_deref())
        .await
        .page(&lang)?;
    let r = st
        .app
        .achievement(&auth.actor, Some(&code), &term, None)
        .await
        .page(&lang)?;
    let mut doc = Doc::new(&format!("Ranks · {}", r.root.name));
    doc.title(&format!("{} — {}", tr.get("pdf.achievement"), r.root.name));
    doc.para(&format!(
        "{} {} ({} – {}). {} {}. {}",
        tr.get("term"),
        r.term.name,
        tr.date(&r.term.starts_on),
        tr.date(&r.term.ends_on),
        tr.get("pdf.made_on"),
        tr.date(&st.app.clock().today()),
        tr.get("dashboard.explain"),
    ));
    let rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|row| {
            vec![
                format!("{}{}", "    ".repeat(row.depth), row.name),
                row.code.to_string(),
                row.target
                    .map(|t| tr.num(t as f64, 0))
                    .unwrap_or_else(|| tr.get("no_target").to_string()),
                tr.num(row.admitted as f64, 0),
                row.percent
                    .map(|p| format!("{} %", tr.num(p.rounded() as f64, 0)))
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let bold: Vec<usize> = r
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.depth <= 1)
        .map(|(i, _)| i)
        .collect();
    doc.heading(tr.get("units_below"));
    doc.table(
        &[
            tr.get("unit"),
            tr.get("code"),
            tr.get("target"),
            tr.get("admitted"),
            tr.get("percent"),
        ],
        &[0.46, 0.18, 0.12, 0.12, 0.12],
        &[
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
        &rows,
        &bold,
    );
    pdf_response(
        doc.finish(),
        &format!("achievement-{}-{}", r.root.code, r.term.name),
    )
}

pub async fn checklist_pdf(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let f = st.app.candidate_file(&auth.actor, id).await.page(&lang)?;
    let profile = st.app.profile();
    let mut doc = Doc::new(&format!("Ranks · {} · {}", f.full_name, f.unit_name));
    doc.title(&format!("{}: {}", tr.get("pdf.checklist"), f.full_name));
    let born = match &f.birth_date {
        Some(d) => format!("{} {}. ", tr.get("cand.birth_date"), tr.date(d)),
        None => String::new(),
    };
    doc.para(&format!(
        "{born}{} ({}). {}: {}, {} {}. {} {}.",
        f.unit_name,
        f.unit,
        tr.get("stage"),
        tr.stage(profile, &f.stage),
        tr.get("since"),
        tr.date(&f.stage_since),
        tr.get("pdf.made_on"),
        tr.date(&st.app.clock().today()),
    ));
    doc.heading(tr.get("cand.timeline"));
    let mut rows = Vec::new();
    for s in &profile.stages {
        if !profile.is_open(&s.key) && s.key != "recognised" {
            continue;
        }
        let reached = f.history.iter().rev().find(|h| h.stage == s.key);
        let docs: Vec<String> = s
            .documents
            .iter()
            .map(|d| {
                let mark = if f.documents.iter().any(|(c, _)| c == d) {
                    "✓"
                } else {
                    "☐"
                };
                format!("{mark} {d}")
            })
            .collect();
        rows.push(vec![
            s.name(lang.lang.code()).to_string(),
            reached
                .map(|h| format!("✓ {}", tr.date(&h.on)))
                .unwrap_or_else(|| "☐".into()),
            docs.join("  "),
        ]);
    }
    doc.table(
        &[
            tr.get("stage"),
            tr.get("cand.date"),
            tr.get("cand.document"),
        ],
        &[0.40, 0.16, 0.44],
        &[Align::Left, Align::Left, Align::Left],
        &rows,
        &[],
    );
    if !f.votes.is_empty() {
        doc.heading(tr.get("cand.vote"));
        for v in &f.votes {
            doc.para(&format!(
                "{} — {}: {}",
                tr.stage(profile, &v.stage),
                tr.date(&v.on),
                crate::pages::vote_text(&tr, v)
            ));
        }
    }
    doc.heading(tr.get("due"));
    if f.deadlines.is_empty() {
        doc.para(tr.get("due.none"));
    }
    for d in &f.deadlines {
        let left = if d.overdue {
            format!("⚠ {}", tr.days_left(d.working_days_left))
        } else {
            tr.days_left(d.working_days_left)
        };
        doc.para(&format!(
            "{}: {} ({left})",
            tr.date(&d.due),
            tr.stage(profile, &d.until),
        ));
    }
    doc.heading(tr.get("mentors"));
    doc.para(&if f.mentors.is_empty() {
        "—".to_string()
    } else {
        f.mentors.join(", ")
    });
    doc.heading(tr.get("cand.introducers"));
    let intro: Vec<String> = f
        .introducers
        .iter()
        .map(|i| {
            i.name.clone().unwrap_or_else(|| {
                match i.kind.as_str() {
                    "trade_union" => tr.get("cand.trade_union"),
                    _ => tr.get("cand.youth_union"),
                }
                .to_string()
            })
        })
        .collect();
    doc.para(&if intro.is_empty() {
        "—".to_string()
    } else {
        intro.join(", ")
    });
    doc.heading(tr.get("cand.certificate"));
    doc.para(
        &f.certificate
            .as_ref()
            .map(|(on, n)| format!("{n} — {}", tr.date(on)))
            .unwrap_or_else(|| "—".into()),
    );
    pdf_response(doc.finish(), &format!("dossier-{id}"))
}
