//! Spreadsheet import in the browser and over the API: upload, preview
//! with every row-level error, then confirm — all rows or none.
//!
//! - `GET /import` the upload form;
//! - `POST /import/preview` (multipart: `csrf`, `kind`, `file`) shows the
//!   rows as they will be written and each problem by row and column; when
//!   there is none, a confirmation form carries an upload id (the file is
//!   kept in memory for 30 minutes, for the user who sent it only);
//! - `POST /import/commit` (`csrf`, `upload`) writes every row in one
//!   transaction, or nothing;
//! - `POST /api/v1/import?kind=&filename=&dry_run=` takes the file as the
//!   request body and answers the preview or the summary as JSON.

use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use ranks_app::import::{ImportKind, Limit, Preview, TooLarge};
use ranks_app::AppError;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Files waiting for their confirmation, by upload id.
#[derive(Clone, Default)]
pub struct Uploads(Arc<Mutex<HashMap<String, Upload>>>);

struct Upload {
    user: String,
    kind: Option<ImportKind>,
    filename: String,
    bytes: Vec<u8>,
    at: Instant,
}

const KEEP: Duration = Duration::from_secs(30 * 60);

impl Uploads {
    fn put(&self, u: Upload) -> String {
        let id = ranks_app::auth::random_token();
        let mut m = self.0.lock().expect("uploads lock");
        m.retain(|_, v| v.at.elapsed() < KEEP);
        // At most 8 waiting files per user: the oldest goes.
        let mine: Vec<(String, Instant)> = m
            .iter()
            .filter(|(_, v)| v.user == u.user)
            .map(|(k, v)| (k.clone(), v.at))
            .collect();
        if mine.len() >= 8 {
            if let Some((old, _)) = mine.iter().min_by_key(|(_, at)| *at) {
                m.remove(old);
            }
        }
        m.insert(id.clone(), u);
        id
    }

    fn take(&self, id: &str, user: &str) -> Option<Upload> {
        let mut m = self.0.lock().expect("uploads lock");
        match m.get(id) {
            Some(u) if u.user == user && u.at.elapsed() < KEEP => m.remove(id),
            _ => None,
        }
    }
}

/// A documented column: name, its label, required, example.
struct ColumnDoc {
    name: String,
    label: String,
    required: bool,
    example: String,
}

/// A kind of file and its columns.
struct KindDoc {
    kind: String,
    label: String,
    columns: Vec<ColumnDoc>,
}

/// A row of the preview: its number, values, and whether it has a problem.
struct RecordView {
    row: usize,
    values: Vec<String>,
    bad: bool,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    tr: Tr,
    path: String,
    term: String,
    csrf: String,
    kinds: Vec<KindDoc>,
    filename: String,
    preview: Option<PreviewView>,
    done: String,
    error: String,
}

/// A column of the file: its name in the page's language (when it has
/// one) and as the file names it.
struct ColumnHead {
    label: String,
    code: String,
}

struct PreviewView {
    kind: String,
    rows: usize,
    columns: Vec<ColumnHead>,
    records: Vec<RecordView>,
    errors: Vec<crate::import_wording::ErrorLine>,
    /// Probable duplicates of people already registered (issue 15).
    warnings: Vec<crate::import_wording::ErrorLine>,
    upload: String,
}

fn page(tr: Tr, csrf: &str) -> ImportPage {
    ImportPage {
        tr,
        path: "/import".into(),
        term: String::new(),
        csrf: csrf.to_string(),
        kinds: ImportKind::ALL
            .iter()
            .map(|k| KindDoc {
                kind: k.as_str().to_string(),
                label: tr
                    .named(&["import.kind_name"], k.as_str())
                    .unwrap_or_else(|| k.as_str().to_string()),
                columns: k
                    .columns()
                    .iter()
                    .map(|c| ColumnDoc {
                        name: c.name.to_string(),
                        label: tr
                            .named(&["field", "export.col"], c.name)
                            .unwrap_or_default(),
                        required: c.required,
                        example: c.example.to_string(),
                    })
                    .collect(),
            })
            .collect(),
        filename: String::new(),
        preview: None,
        done: String::new(),
        error: String::new(),
    }
}

fn render(p: ImportPage, status: StatusCode) -> Result<Response, WebError> {
    match p.render() {
        Ok(b) => Ok((status, Html(b)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "template");
            Err(WebError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message: "internal error; the details are in the server log".into(),
                html: Some(p.tr.lang),
                rule: None,
            })
        }
    }
}

/// A refusal by an import limit, in the user's language, naming the
/// limit; the English detail says where the file went over it.
fn limit_text(tr: Tr, t: &TooLarge) -> String {
    let max = match t.limit {
        Limit::UploadBytes | Limit::UnpackedBytes | Limit::TagBytes => {
            ranks_app::import::megabytes(t.max)
        }
        _ => tr.num(t.max as f64, 0),
    };
    format!(
        "{} {}: {}",
        tr.args(
            &format!("import.limit.{}", t.limit.as_str()),
            &[("max", max.into())]
        ),
        tr.get("import.limit.detail"),
        crate::import_wording::importer_sentence(tr.lang, &t.message)
            .unwrap_or_else(|| t.message.clone())
    )
}

/// The import page for an upload refused by a limit (413) or because too
/// many imports run (503); any other error is the error page.
fn refused_page(mut p: ImportPage, e: AppError) -> Result<Response, WebError> {
    let (status, error) = match &e {
        AppError::TooLarge(t) => (StatusCode::PAYLOAD_TOO_LARGE, limit_text(p.tr, t)),
        AppError::Busy(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            p.tr.get("import.busy").to_string(),
        ),
        _ => return Err(WebError::from_app(e, Some(p.tr.lang))),
    };
    p.error = error;
    let mut r = render(p, status)?;
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, RETRY_AFTER);
    }
    Ok(r)
}

pub(crate) const RETRY_AFTER: axum::http::HeaderValue = axum::http::HeaderValue::from_static("60");

/// The refusal of an upload over the body limit, before it is read.
pub(crate) fn upload_too_large(st: &AppState) -> TooLarge {
    let max = st.app.import_limits().upload_bytes;
    TooLarge {
        limit: Limit::UploadBytes,
        max,
        message: format!(
            "the file is larger than the limit of {} (import.max_upload_mb)",
            ranks_app::import::megabytes(max)
        ),
    }
}

fn refuse_non_writer(auth: &Auth, tr: Tr) -> Result<(), WebError> {
    if auth.actor.role.writes() {
        return Ok(());
    }
    Err(WebError::from_app(
        ranks_app::AppError::Forbidden("importing needs a role that writes".into()),
        Some(tr.lang),
    ))
}

pub async fn form(auth: Auth, lang: PageLang) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    refuse_non_writer(&auth, tr)?;
    render(page(tr, &auth.csrf), StatusCode::OK)
}

pub(crate) fn parse_kind(s: &str) -> Result<Option<ImportKind>, String> {
    match s.trim() {
        "" | "auto" => Ok(None),
        k => ImportKind::parse(k).map(Some).map_err(|e| e.to_string()),
    }
}

/// The fields of the upload form.
#[derive(Default)]
struct UploadForm {
    csrf: String,
    kind: String,
    filename: String,
    bytes: Vec<u8>,
}

async fn read_upload(multipart: &mut Multipart) -> Result<UploadForm, MultipartError> {
    let mut f = UploadForm::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            f.filename = field.file_name().unwrap_or_default().to_string();
        }
        let b = field.bytes().await?;
        match name.as_str() {
            "csrf" => f.csrf = String::from_utf8_lossy(&b).into_owned(),
            "kind" => f.kind = String::from_utf8_lossy(&b).into_owned(),
            "file" => f.bytes = b.to_vec(),
            _ => {}
        }
    }
    Ok(f)
}

/// The upload's rows as they will be written, and every problem; a file
/// without one is kept for its confirmation. The CSRF token travels in
/// the multipart body, checked once it is read.
pub async fn preview(
    State(st): State<AppState>,
    form_auth: crate::auth::FormAuth,
    lang: PageLang,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let UploadForm {
        csrf,
        kind,
        filename,
        bytes,
    } = match read_upload(&mut multipart).await {
        Ok(f) => f,
        Err(e) => return multipart_refused(&st, tr, &e),
    };
    let auth = form_auth.check(&csrf).ok_or_else(crate::auth::csrf_error)?;
    refuse_non_writer(&auth, tr)?;
    let mut p = page(tr, &auth.csrf);
    p.filename = filename.clone();
    let kind = match parse_kind(&kind) {
        Ok(k) => k,
        Err(e) => {
            p.error = e;
            return render(p, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if bytes.is_empty() {
        p.error = tr.get("import.no_file").to_string();
        return render(p, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let pv = match st
        .app
        .import_preview(&auth.actor, kind, &bytes, &filename)
        .await
    {
        Ok(pv) => pv,
        Err(e) => return refused_page(p, e),
    };
    let ok = pv.is_ok();
    let upload = if ok {
        st.uploads.put(Upload {
            user: auth.actor.name.clone(),
            kind: pv.kind,
            filename,
            bytes,
            at: Instant::now(),
        })
    } else {
        String::new()
    };
    p.preview = Some(view(tr, &pv, upload));
    render(
        p,
        if ok {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
    )
}

/// A multipart body that could not be read: over the upload limit (413,
/// on the import page, naming the limit) or malformed (400).
fn multipart_refused(st: &AppState, tr: Tr, e: &MultipartError) -> Result<Response, WebError> {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        let mut p = page(tr, "");
        p.error = limit_text(tr, &upload_too_large(st));
        return render(p, StatusCode::PAYLOAD_TOO_LARGE);
    }
    Err(WebError::bad_request(format!("file: {e}"), Some(tr.lang)))
}

fn view(tr: Tr, pv: &Preview, upload: String) -> PreviewView {
    let bad: std::collections::HashSet<usize> = pv.errors.iter().filter_map(|e| e.row).collect();
    PreviewView {
        kind: pv
            .kind
            .map(|k| {
                tr.named(&["import.kind_name"], k.as_str())
                    .unwrap_or_else(|| k.as_str().to_string())
            })
            .unwrap_or_default(),
        rows: pv.rows,
        columns: pv
            .columns
            .iter()
            .map(|c| ColumnHead {
                label: tr.named(&["field", "export.col"], c).unwrap_or_default(),
                code: c.clone(),
            })
            .collect(),
        records: pv
            .records
            .iter()
            .map(|r| RecordView {
                row: r.row,
                values: r.values.clone(),
                bad: bad.contains(&r.row),
            })
            .collect(),
        errors: pv
            .errors
            .iter()
            .map(|e| crate::import_wording::row_error(tr.lang, e))
            .collect(),
        warnings: pv
            .warnings
            .iter()
            .map(|e| crate::import_wording::row_error(tr.lang, e))
            .collect(),
        upload,
    }
}

#[derive(Deserialize)]
pub struct CommitForm {
    pub upload: String,
}

pub async fn commit(
    State(st): State<AppState>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<CommitForm>,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let mut p = page(tr, &auth.csrf);
    let Some(up) = st.uploads.take(&f.upload, &auth.actor.name) else {
        p.error = tr.get("import.expired").to_string();
        return render(p, StatusCode::GONE);
    };
    p.filename = up.filename.clone();
    match st
        .app
        .import_commit(&auth.actor, up.kind, &up.bytes, &up.filename)
        .await
    {
        Ok(s) if s.errors.is_empty() => {
            p.done = format!(
                "{}: {} {}",
                up.filename,
                s.written,
                tr.get("import.written")
            );
            render(p, StatusCode::OK)
        }
        Ok(s) => {
            // Something changed since the preview: nothing was written.
            p.error = tr.get("import.nothing_written").to_string();
            p.preview = Some(PreviewView {
                kind: s.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
                rows: s.rows,
                columns: vec![],
                records: vec![],
                errors: s
                    .errors
                    .iter()
                    .map(|e| crate::import_wording::row_error(tr.lang, e))
                    .collect(),
                warnings: Vec::new(),
                upload: String::new(),
            });
            render(p, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => refused_page(p, e),
    }
}
