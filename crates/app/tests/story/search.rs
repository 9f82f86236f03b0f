//! The registry's indexed, paged search (issue 16), on both engines.

use super::{d, small_tree};
use ranks_app::auth::Role;
use ranks_app::search::{Paging, Total};
use ranks_app::{Actor, AppError, Scope};
use ranks_domain::{DomainError, MemberStatus};
use ranks_store::records::members::NewPerson;
use ranks_store::records::search::{self as store, NameQuery, Plan};
use ranks_testkit::{both_backends, TestDb};
use std::collections::BTreeSet;

fn born(name: &str, day: u32) -> NewPerson {
    NewPerson {
        full_name: name.into(),
        gender: "Nam".into(),
        birth_date: d(&format!("1990-01-{:02}", 1 + day % 28)),
        ethnicity: "Kinh".into(),
        education: "12/12".into(),
        occupation: "Kỹ sư".into(),
    }
}

const GIVEN: [&str; 12] = [
    "An", "Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hùng", "Khánh", "Lan",
];

/// R > A > A1 and R > B > B1 (the small tree), plus named members: 24
/// "Nguyễn Văn <given>" in A1, one in B1, and names that hold "nguyen"
/// only inside a word or not first.
async fn registry(app: &ranks_app::App) -> (i64, i64) {
    let sys = Actor::system();
    small_tree(app).await;
    let mut an = 0;
    for i in 0..24 {
        let name = format!("Nguyễn Văn {}", GIVEN[i % GIVEN.len()]);
        let id = app
            .add_member(
                &sys,
                born(&name, i as u32),
                "A1",
                MemberStatus::Official,
                d("2021-01-01"),
                None,
            )
            .await
            .unwrap();
        if i == 0 {
            an = id;
        }
    }
    let b = app
        .add_member(
            &sys,
            born("Nguyễn Văn Anh", 3),
            "B1",
            MemberStatus::Probationary,
            d("2024-01-01"),
            None,
        )
        .await
        .unwrap();
    for (i, name) in ["Trần Thị Nguyên", "Lê Nguyệt", "Phạm Thị Uyên"]
        .iter()
        .enumerate()
    {
        app.add_member(
            &sys,
            born(name, 20 + i as u32),
            "A1",
            MemberStatus::Official,
            d("2021-01-01"),
            None,
        )
        .await
        .unwrap();
    }
    (an, b)
}

fn names(found: &[ranks_app::privacy::MemberEntry]) -> Vec<String> {
    found.iter().map(|m| m.full_name.clone()).collect()
}

async fn search_is_diacritics_insensitive_prefix_scoped_and_paged(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let (an, in_b) = registry(&app).await;

    // Tone marks, đ and case are ignored; every typed word starts a word.
    let found = app
        .search_members(&sys, None, "nguyen van a")
        .await
        .unwrap();
    let mut got = names(&found);
    got.sort();
    got.dedup();
    assert_eq!(got, vec!["Nguyễn Văn An", "Nguyễn Văn Anh"], "{found:?}");
    assert_eq!(
        found.len(),
        2 + 2 + 1,
        "two An and two Anh in A1, an Anh in B1"
    );
    let upper = app.search_members(&sys, None, "NGUYEN an").await.unwrap();
    assert_eq!(upper, found, "case and word order do not matter");
    let marked = app
        .search_members(&sys, None, "Nguyễn  Văn An")
        .await
        .unwrap();
    assert!(marked.iter().any(|m| m.id == an));
    assert!(marked
        .iter()
        .all(|m| m.full_name.starts_with("Nguyễn Văn An")));
    // A word is matched from its start only.
    assert!(app
        .search_members(&sys, None, "guyen")
        .await
        .unwrap()
        .is_empty());
    assert!(app
        .search_members(&sys, None, "van an x")
        .await
        .unwrap()
        .is_empty());
    // "nguyen" starts "Nguyên" (a given name) too, but not "Nguyệt".
    let n = app.search_members(&sys, None, "nguyen").await.unwrap();
    assert_eq!(n.len(), 3 + 24 + 1 + 1, "{:?}", names(&n));
    assert!(n.iter().any(|m| m.full_name == "Trần Thị Nguyên"));
    assert!(!n.iter().any(|m| m.full_name == "Lê Nguyệt"));
    // LIKE's wildcards are plain characters in a query.
    assert!(app
        .search_members(&sys, None, "%")
        .await
        .unwrap()
        .is_empty());
    assert!(app
        .search_members(&sys, None, "n_uyen")
        .await
        .unwrap()
        .is_empty());

    // Scope: a secretary of A1 never sees B1's member, and naming B1
    // reads like an unknown unit.
    let a1 = app.unit(&sys, "A1").await.unwrap();
    let secretary = Actor {
        name: "bí thư A1".into(),
        scope: Scope::Subtree(a1.path.clone()),
        role: Role::Secretary,
    };
    let mine = app
        .search_members(&secretary, None, "nguyen van anh")
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
    assert!(mine
        .iter()
        .all(|m| m.id != in_b && m.unit_code.as_str() == "A1"));
    let everyone = app.search_members(&secretary, None, "").await.unwrap();
    assert!(everyone.iter().all(|m| m.id != in_b));
    assert!(matches!(
        app.member_page(&secretary, Some("B1"), "", None, &Paging::default())
            .await,
        Err(AppError::NotFound { .. })
    ));

    // Paging: every match exactly once, in a stable order, whatever the limit.
    for limit in [1, 7, 200] {
        let mut paging = Paging {
            limit,
            cursor: None,
        };
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = app
                .member_page(&sys, None, "nguyen", None, &paging)
                .await
                .unwrap();
            assert!(page.rows.len() <= limit as usize);
            if pages == 0 {
                assert_eq!(page.total, Total::Exact(29), "a small tree counts exactly");
            }
            pages += 1;
            seen.extend(page.rows.iter().map(|m| m.id));
            match page.next {
                Some(next) => paging.cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), 29, "limit {limit}");
        assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 29, "no repeats");
        assert_eq!(
            seen,
            n.iter().map(|m| m.id).collect::<Vec<_>>(),
            "one order"
        );
        assert_eq!(pages, 29_usize.div_ceil(limit as usize));
    }
    // The order: given name first (An before Anh before Bình), then the full name.
    let order = names(&n);
    let pos = |g: &str| order.iter().position(|x| x.ends_with(g)).unwrap();
    assert!(
        pos(" An") < pos(" Anh") && pos(" Anh") < pos(" Bình"),
        "{order:?}"
    );
    // The status filter is applied before paging.
    let probationary = app
        .member_page(
            &sys,
            None,
            "nguyen",
            Some(MemberStatus::Probationary),
            &Paging::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        probationary.rows.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![in_b]
    );

    // Limits and cursors are checked, naming the field.
    for bad in ["0", "201", "-3", "fifty", "1e3"] {
        let DomainError::Invalid { field, .. } = Paging::parse(Some(bad), None).unwrap_err();
        assert_eq!(field, "limit", "{bad}");
    }
    assert_eq!(Paging::parse(Some(" 200 "), None).unwrap().limit, 200);
    assert_eq!(Paging::parse(Some(""), None).unwrap().limit, 50);
    for bad in [
        "x",
        "12",
        "12-zz",
        "0-61",
        &format!("1-{}", "61".repeat(1500)),
    ] {
        let DomainError::Invalid { field, .. } = Paging::parse(None, Some(bad)).unwrap_err();
        assert_eq!(field, "cursor", "{bad}");
    }
    let long_query = "a ".repeat(200);
    assert!(matches!(
        app.member_page(&sys, None, &long_query, None, &Paging::default())
            .await,
        Err(AppError::Invalid(DomainError::Invalid { field: "q", .. }))
    ));
}

async fn the_three_plans_give_the_same_pages(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    registry(&app).await;
    // Three words of one name start with "ng", two with "nguy": a word
    // plan reads a posting per word, the page lists the name once.
    app.add_member(
        &sys,
        born("Nguyễn Nguyệt Nga", 40),
        "A1",
        MemberStatus::Official,
        d("2021-01-01"),
        None,
    )
    .await
    .unwrap();
    let root = app.unit(&sys, "R").await.unwrap().path;
    let a = app.unit(&sys, "A").await.unwrap().path;
    for (query, scope) in [
        ("ng", &root),
        ("nguy", &a),
        ("nguyen van", &root),
        ("van anh", &root),
        ("nguyen", &a),
        ("", &a),
    ] {
        let words: Vec<String> = ranks_domain::text::fold(query)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let mut plans = vec![Plan::Scope, Plan::Ordered];
        plans.extend(words.iter().map(|w| Plan::Word(w.clone())));
        plans.extend(words.iter().map(|w| Plan::WordOrder(w.clone())));
        let mut results = Vec::new();
        for plan in &plans {
            let mut conn = app.db().read().await.unwrap();
            let mut after = None;
            let mut ids = Vec::new();
            loop {
                let q = NameQuery {
                    root: scope,
                    words: &words,
                    status: None,
                    after: after.clone(),
                };
                let page = store::members_page(&mut conn, &q, plan, 4).await.unwrap();
                let Some(last) = page.last() else { break };
                after = Some((last.name_sort.clone(), last.view.person_id));
                ids.extend(page.iter().map(|m| m.view.id));
            }
            let q = NameQuery {
                root: scope,
                words: &words,
                status: None,
                after: None,
            };
            let counted = store::count_capped(&mut conn, &q, plan, true, 1000)
                .await
                .unwrap();
            assert_eq!(counted, ids.len() as u64, "{plan:?} {query:?}");
            // Counted to a small cap: each person once, even one with
            // three words of the prefix ("ng": Nguyễn Nguyệt Nga).
            for cap in 1..=3u64 {
                let n = store::count_capped(&mut conn, &q, plan, true, cap)
                    .await
                    .unwrap();
                assert_eq!(n, cap.min(ids.len() as u64), "{plan:?} {query:?} cap {cap}");
            }
            let mut streamed = Vec::new();
            store::each_member(&mut conn, &q, plan, |m| {
                streamed.push(m.view.id);
                async { true }
            })
            .await
            .unwrap();
            assert_eq!(streamed, ids, "{plan:?} {query:?}");
            results.push((plan.clone(), ids));
        }
        let first = &results[0].1;
        assert!(!first.is_empty(), "{query:?}");
        let mut once = first.clone();
        once.sort_unstable();
        once.dedup();
        assert_eq!(once.len(), first.len(), "{query:?}: a name listed twice");
        for (plan, ids) in &results {
            assert_eq!(ids, first, "{plan:?} {query:?}");
        }
    }
}

async fn a_corrected_name_is_found_by_the_new_name_only(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let (an, in_b) = registry(&app).await;
    app.correct_member_name(&sys, an, "Trịnh Thị Mới")
        .await
        .unwrap();
    let old = app
        .search_members(&sys, None, "nguyen van an")
        .await
        .unwrap();
    assert!(old.iter().all(|m| m.id != an), "not by the old name");
    let new = app.search_members(&sys, None, "trinh moi").await.unwrap();
    assert_eq!(new.iter().map(|m| m.id).collect::<Vec<_>>(), vec![an]);
    assert_eq!(new[0].full_name, "Trịnh Thị Mới");
    // The sort key moved with the name: "Mới" sorts among the M's.
    let all = app.search_members(&sys, Some("A1"), "").await.unwrap();
    let i = all.iter().position(|m| m.id == an).unwrap();
    assert!(all[..i].iter().all(|m| !m.full_name.ends_with(" Nguyên")));
    // Audited with both names.
    let log = ranks_testkit::audit_of(&app, "person", &new_person(&app, an).await).await;
    let last = log.last().unwrap();
    assert_eq!(last.action, "correct_name");
    assert_eq!(last.before.as_ref().unwrap()["full_name"], "Nguyễn Văn An");
    assert_eq!(last.after.as_ref().unwrap()["full_name"], "Trịnh Thị Mới");

    // Out of scope reads like unknown; a viewer does not write; a blank
    // or over-long name is refused naming the field; nothing changed.
    let a1 = app.unit(&sys, "A1").await.unwrap();
    let secretary = Actor {
        name: "bí thư A1".into(),
        scope: Scope::Subtree(a1.path.clone()),
        role: Role::Secretary,
    };
    assert!(matches!(
        app.correct_member_name(&secretary, in_b, "Ai Đó").await,
        Err(AppError::NotFound { .. })
    ));
    let viewer = Actor {
        role: Role::Viewer,
        ..Actor::system()
    };
    assert!(matches!(
        app.correct_member_name(&viewer, an, "Ai Đó").await,
        Err(AppError::Forbidden(_))
    ));
    for bad in ["   ", &"x".repeat(121)] {
        assert!(matches!(
            app.correct_member_name(&sys, an, bad).await,
            Err(AppError::Invalid(DomainError::Invalid {
                field: "full_name",
                ..
            }))
        ));
    }
    let b = app
        .search_members(&sys, Some("B1"), "nguyen van anh")
        .await
        .unwrap();
    assert_eq!(b.iter().map(|m| m.id).collect::<Vec<_>>(), vec![in_b]);
    // The audit replay agrees with the live rows.
    let mut conn = app.db().read().await.unwrap();
    let (records, differences) = ranks_store::records::replay::replay(&mut conn)
        .await
        .unwrap();
    assert!(records > 0);
    assert!(differences.is_empty(), "{differences:?}");
}

async fn new_person(app: &ranks_app::App, member: i64) -> String {
    let mut conn = app.db().read().await.unwrap();
    ranks_store::records::members::by_id(&mut conn, member)
        .await
        .unwrap()
        .unwrap()
        .person_id
        .to_string()
}

async fn an_export_streams_every_match_in_order(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    registry(&app).await;
    let want = app.search_members(&sys, Some("R"), "nguyen").await.unwrap();
    let mut export = app
        .export_members(&sys, Some("R"), "nguyen", None)
        .await
        .unwrap();
    assert_eq!(export.total, want.len() as u64);
    let mut got = Vec::new();
    while let Some(batch) = export.next_batch(5).await {
        let batch = batch.unwrap();
        assert!(batch.len() <= 5);
        got.extend(batch);
    }
    assert_eq!(got, want);
}

/// Keys, words and indexes as the writers leave them.
async fn search_rows(app: &ranks_app::App) -> (Vec<(i64, String, String)>, Vec<(String, i64)>) {
    use sqlx::Row;
    let mut conn = app.db().read().await.unwrap();
    let people = sqlx::query("SELECT id, name_key, name_sort FROM people ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let words = sqlx::query("SELECT word, person_id FROM name_words ORDER BY word, person_id")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    (people, words)
}

/// Migration 0014's batched backfill gives every person already there the
/// keys and words the writers give a new one, and builds the two indexes.
async fn the_backfill_writes_what_the_writers_write(db: TestDb) {
    let app = db.app().await;
    registry(&app).await;
    let written = search_rows(&app).await;
    assert!(
        written.0.len() > 20 && written.1.len() > written.0.len(),
        "{written:?}"
    );
    let mut tx = app.db().begin_write().await.unwrap();
    sqlx::raw_sql(
        "DELETE FROM name_words; UPDATE people SET name_key = '', name_sort = '';
         DROP INDEX people_name_sort; DROP INDEX name_words_word;",
    )
    .execute(&mut *tx.conn())
    .await
    .unwrap();
    store::backfill(tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(search_rows(&app).await, written);
    // The indexes are back: the search plans read them.
    let found = app
        .search_members(&Actor::system(), None, "nguyen van a")
        .await
        .unwrap();
    assert!(
        found.iter().any(|m| m.full_name == "Nguyễn Văn An"),
        "{found:?}"
    );
}

/// The postings of migration 0015 as the writers left them, and as
/// `postings::REBUILD` computes them from scratch (in a write that then
/// commits the same rows): they must be equal.
pub(crate) async fn check_postings(app: &ranks_app::App, when: &str) {
    use sqlx::Row;
    async fn rows(app: &ranks_app::App) -> (Vec<String>, Vec<String>) {
        let mut conn = app.db().read().await.unwrap();
        let order = sqlx::query(
            "SELECT kind, row_id, name_sort, path, status FROM name_order ORDER BY kind, row_id",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let (k, id): (i64, i64) = (r.get(0), r.get(1));
            let (s, p, st): (String, String, String) = (r.get(2), r.get(3), r.get(4));
            format!("{k} {id} {s} {p} {st}")
        })
        .collect();
        let postings = sqlx::query(
            "SELECT kind, word, path, row_id, name_sort, status FROM name_postings \
             ORDER BY kind, word, path, row_id",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let (k, w, p): (i64, String, String) = (r.get(0), r.get(1), r.get(2));
            let (id, s, st): (i64, String, String) = (r.get(3), r.get(4), r.get(5));
            format!("{k} {w} {p} {id} {s} {st}")
        })
        .collect();
        (order, postings)
    }
    let written = rows(app).await;
    let mut tx = app.db().begin_write().await.unwrap();
    sqlx::raw_sql(store::postings_rebuild_sql())
        .execute(&mut *tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let scratch = rows(app).await;
    assert_eq!(written, scratch, "{when}");
}

/// Every writer that changes who is listed where under which name keeps
/// the postings equal to a computation from scratch: a new member, a new
/// candidate, a transfer, a death, a name correction, a unit moved.
async fn postings_follow_every_writer(db: TestDb) {
    use ranks_app::pipeline::{Movement, PersonRef};
    let app = db.app().await;
    let sys = Actor::system();
    let (an, in_b) = registry(&app).await;
    check_postings(&app, "after the registry").await;
    let (order, postings) = {
        use sqlx::Row;
        let mut conn = app.db().read().await.unwrap();
        let n = |sql: &'static str| sqlx::query(sql);
        let o: i64 = n("SELECT COUNT(*) FROM name_order")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .get(0);
        let p: i64 = n("SELECT COUNT(*) FROM name_postings")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .get(0);
        (o, p)
    };
    assert!(order >= 28 && postings > order, "{order} {postings}");
    let person = super::pipeline::person("Tô Thị Mười", "1999-05-05");
    let c = app
        .add_candidate(
            &sys,
            PersonRef::New {
                person,
                general_grade: 12,
                area: String::new(),
            },
            "B1",
            None,
            Some(d("2025-01-06")),
        )
        .await
        .unwrap();
    check_postings(&app, "after a candidate").await;
    let found = app
        .candidate_page(&sys, Some("B"), "muoi", &Paging::default())
        .await
        .unwrap();
    assert_eq!(found.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![c]);
    let cell = "B1".to_string();
    app.member_movement(&sys, an, Movement::TransferTo { cell }, None)
        .await
        .unwrap();
    check_postings(&app, "after a transfer").await;
    let in_b_now = app
        .member_page(&sys, Some("B"), "nguyen van an", None, &Paging::default())
        .await
        .unwrap();
    let ids: BTreeSet<i64> = in_b_now.rows.iter().map(|m| m.id).collect();
    assert!(ids.contains(&an) && ids.contains(&in_b), "{ids:?}");
    app.member_movement(&sys, in_b, Movement::Death, None)
        .await
        .unwrap();
    check_postings(&app, "after a death").await;
    app.correct_member_name(&sys, an, "Trịnh Thị Mới")
        .await
        .unwrap();
    check_postings(&app, "after a name correction").await;
    app.move_unit(&sys, "B1", "A", d("2025-02-01"))
        .await
        .unwrap();
    check_postings(&app, "after a unit moved").await;
    let under_a = app
        .member_page(&sys, Some("A"), "trinh moi", None, &Paging::default())
        .await
        .unwrap();
    assert_eq!(
        under_a.rows.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![an]
    );
    assert_eq!(under_a.total, Total::Exact(1));
    let cands = app
        .candidate_page(&sys, Some("A"), "", &Paging::default())
        .await
        .unwrap();
    assert!(cands.rows.iter().any(|r| r.id == c));
}

/// The unit suggestions of a form read no further than the list takes and
/// are the first units (or cells) of the scope in path order, as filtering
/// the whole subtree gives them.
async fn unit_choices_are_the_first_of_the_scope(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    registry(&app).await;
    let a = app.unit(&sys, "A").await.unwrap().path;
    let staff = Actor {
        name: "staff A".into(),
        scope: Scope::Subtree(a.clone()),
        role: Role::Staff,
    };
    for (actor, root) in [(&sys, "R"), (&staff, "A")] {
        let path = app.unit(&sys, root).await.unwrap().path;
        let mut conn = app.db().read().await.unwrap();
        let whole = ranks_store::records::units::subtree(&mut conn, &path)
            .await
            .unwrap();
        drop(conn);
        for cells in [true, false] {
            for limit in [1, 2, 1000, usize::MAX] {
                let want: Vec<String> = whole
                    .iter()
                    .filter(|u| !cells || u.kind.holds_members())
                    .take(limit)
                    .map(|u| u.code.to_string())
                    .collect();
                let got: Vec<String> = app
                    .unit_choices(actor, cells, limit)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| c.code)
                    .collect();
                assert_eq!(got, want, "{root} {cells} {limit}");
            }
        }
    }
}

both_backends!(
    unit_choices_are_the_first_of_the_scope,
    postings_follow_every_writer,
    the_backfill_writes_what_the_writers_write,
    search_is_diacritics_insensitive_prefix_scoped_and_paged,
    the_three_plans_give_the_same_pages,
    a_corrected_name_is_found_by_the_new_name_only,
    an_export_streams_every_match_in_order,
);
