//! The refused attempts as the application gives them out (the store's
//! rows stay inside the application): the supervisors' log, paged.

use ranks_domain::Date;

/// A refused attempt in the supervisors' log: with who tried and when.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LoggedAttempt {
    pub candidate_id: i64,
    pub full_name: String,
    pub unit_code: String,
    pub stage: String,
    /// The date the step was given.
    pub on: Date,
    pub rule: String,
    pub source: String,
    pub message: String,
    pub by: String,
    /// When the attempt was made (RFC 3339).
    pub at: String,
    /// The message's key and arguments, to word it in the reader's
    /// language (empty for attempts refused before they were kept).
    pub key: String,
    pub args: Vec<(String, String)>,
}

/// What the supervisors' log is asked for; `None` is "any".
#[derive(Debug, Clone, Default)]
pub struct RefusalQuery {
    pub org: Option<String>,
    pub stage: Option<String>,
    pub rule: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// From 1.
    pub page: u32,
}

/// A page of the log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RefusalLog {
    /// The unit whose subtree is listed.
    pub root: String,
    pub rows: Vec<LoggedAttempt>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// The rules that refused something there (for the filter).
    pub rules: Vec<String>,
}

/// Rows per page of the log.
pub const PER_PAGE: u32 = 50;

/// Units in a subtree above which its log is read from the refusals outwards.
const WIDE_SUBTREE: usize = 20_000;

impl crate::App {
    /// The refused attempts of a subtree for its supervisors and organising
    /// staff (not for the cells, whose trial and error it is), filtered,
    /// newest first, a page at a time.
    pub async fn refusal_log(
        &self,
        actor: &crate::Actor,
        q: RefusalQuery,
    ) -> Result<RefusalLog, crate::AppError> {
        use crate::auth::Role;
        if !matches!(actor.role, Role::Admin | Role::Staff | Role::Supervisor) {
            return Err(crate::AppError::Forbidden(
                "the refused attempts are listed for the committees' staff and supervisors".into(),
            ));
        }
        let mut conn = self.db().read().await?;
        let root = match q.org.as_deref().filter(|o| !o.trim().is_empty()) {
            Some(c) => crate::visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let filter = ranks_store::records::refusals::RefusalFilter {
            stage: q.stage.unwrap_or_default(),
            rule: q.rule.unwrap_or_default(),
            from: q.from,
            to: q.to,
        };
        let page = q.page.max(1);
        // A subtree of more units than this reads the log from the
        // refusals outwards (the roll-up index knows its size).
        let wide = {
            let ix = self.tree_index().await?;
            ix.position(root.code.as_str())
                .is_some_and(|p| ix.b.end[p] as usize - p > WIDE_SUBTREE)
        };
        let (list, total) = ranks_store::records::refusals::page(
            &mut conn,
            &root.path,
            &filter,
            i64::from(PER_PAGE),
            i64::from((page - 1) * PER_PAGE),
            wide,
        )
        .await?;
        let rules = ranks_store::records::refusals::rules(&mut conn, &root.path, wide).await?;
        Ok(RefusalLog {
            root: root.code.to_string(),
            rows: list
                .into_iter()
                .map(|r| LoggedAttempt {
                    candidate_id: r.candidate_id,
                    full_name: r.full_name,
                    unit_code: r.unit_code.to_string(),
                    stage: r.stage,
                    on: r.on,
                    rule: r.rule,
                    source: r.source,
                    message: r.message,
                    by: r.recorded_by,
                    at: r.recorded_at,
                    key: r.key,
                    args: r.args,
                })
                .collect(),
            total,
            page,
            pages: u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
                .unwrap_or(u32::MAX)
                .max(1),
            rules,
        })
    }
}
