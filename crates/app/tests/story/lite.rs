//! A page's bounded reads run through `ranks_store::lite::Reader`: on
//! SQLite a read-only rusqlite connection stepped inline, on PostgreSQL a
//! sqlx connection. Every statement read that way gives the same rows
//! inline as through sqlx, over the whole demo and after writes, and the
//! page connection is the inline one exactly on SQLite.

use ranks_app::Actor;
use ranks_domain::MemberStatus;
use ranks_store::lite::{PageConn, Reader};
use ranks_store::records::{files, lists, movements, supervisors, units};
use ranks_store::Backend;
use ranks_testkit::{both_backends, TestDb};

/// Every converted read, once through `a` and once through `b`, for every
/// unit, candidate and movement of the database; `what` names the moment.
async fn same_rows(
    a: &mut Reader<'_>,
    b: &mut Reader<'_>,
    conn: &mut ranks_store::Conn,
    what: &str,
) {
    let root = units::roots(conn).await.unwrap()[0].path.clone();
    let all_units = units::subtree(conn, &root).await.unwrap();
    let unit_ids: Vec<i64> = all_units.iter().map(|u| u.id).collect();
    assert!(unit_ids.len() > 10, "{what}: the demo's units");
    let statuses = [MemberStatus::Probationary, MemberStatus::Official];
    let mut members_seen = 0;
    for id in &unit_ids {
        for (after, limit) in [(0, 50), (0, 2), (3, 50)] {
            let x = lists::members_of_unit(a, *id, &statuses, after, limit)
                .await
                .unwrap();
            let y = lists::members_of_unit(b, *id, &statuses, after, limit)
                .await
                .unwrap();
            assert_eq!(x, y, "{what}: members of unit {id} after {after}");
            members_seen += x.len();
        }
        for one in [vec![*id], unit_ids.clone()] {
            assert_eq!(
                supervisors::for_units_first(a, &one, 51).await.unwrap(),
                supervisors::for_units_first(b, &one, 51).await.unwrap(),
                "{what}: supervisors"
            );
            assert_eq!(
                units::moves_of_units_first(a, &one, 51).await.unwrap(),
                units::moves_of_units_first(b, &one, 51).await.unwrap(),
                "{what}: moves"
            );
            assert_eq!(
                files::supervisors_of(a, &one).await.unwrap(),
                files::supervisors_of(b, &one).await.unwrap(),
                "{what}: supervisors of units"
            );
        }
    }
    assert!(members_seen > 0, "{what}: members were read");
    let cands: Vec<i64> = files::files(conn)
        .await
        .unwrap()
        .iter()
        .map(|f| f.id)
        .collect();
    assert!(cands.len() > 10, "{what}: the demo's files");
    for chunk in [&cands[..], &cands[..1], &cands[cands.len() / 2..]] {
        let x = lists::candidates_by_ids(a, chunk).await.unwrap();
        assert_eq!(
            x,
            lists::candidates_by_ids(b, chunk).await.unwrap(),
            "{what}: candidates"
        );
        assert_eq!(x.len(), chunk.len(), "{what}: every candidate found");
        let fa = files::files_of(a, chunk).await.unwrap();
        assert_eq!(
            fa,
            files::files_of(b, chunk).await.unwrap(),
            "{what}: files"
        );
        let names = files::names_of(a, chunk).await.unwrap();
        assert_eq!(
            names,
            files::names_of(b, chunk).await.unwrap(),
            "{what}: names"
        );
        assert_eq!(names.len(), chunk.len(), "{what}: every name found");
        // The files and names read in one statement: the same.
        let (fb, nb) = files::files_named_of(b, chunk).await.unwrap();
        assert_eq!((&fa, &names), (&fb, &nb), "{what}: files with names");
    }
    // The files by id equal the whole table's read (stages and receipts).
    let whole = files::files(conn).await.unwrap();
    assert_eq!(
        files::files_of(a, &cands).await.unwrap(),
        whole,
        "{what}: files by id"
    );
    assert!(
        whole.iter().any(|f| f.history.len() > 2),
        "{what}: stages read"
    );
    let counts: Vec<(i64, u64, u64)> = movements::all(conn)
        .await
        .unwrap()
        .iter()
        .map(|m| (m.id, 2, 1))
        .collect();
    assert!(!counts.is_empty(), "{what}: the demo's movements");
    assert_eq!(
        movements::sources_named(a, &counts).await.unwrap(),
        movements::sources_named(b, &counts).await.unwrap(),
        "{what}: movement names"
    );
    assert_eq!(
        ranks_store::index::audit_generation(a, 512).await.unwrap(),
        ranks_store::index::audit_generation(b, 512).await.unwrap(),
        "{what}: audit generation"
    );
}

async fn inline_reads_equal_sqlx_reads(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let sqlite = app.db().backend() == Backend::Sqlite;
    assert_eq!(
        app.db().lite().is_some(),
        sqlite,
        "inline reads exactly on SQLite"
    );
    for what in ["after the demo", "after a member moved"] {
        if what == "after a member moved" {
            // A write after the inline connections were opened: they see it.
            let (id, to) = {
                let mut conn = app.db().read().await.unwrap();
                let root = units::roots(&mut conn).await.unwrap()[0].path.clone();
                let cells: Vec<_> = units::subtree(&mut conn, &root)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|u| u.kind == ranks_domain::UnitKind::Cell)
                    .collect();
                let mut found = None;
                for c in &cells {
                    let st = [MemberStatus::Probationary, MemberStatus::Official];
                    let m = lists::members_of_unit(&mut (&mut *conn).into(), c.id, &st, 0, 1)
                        .await
                        .unwrap();
                    if let Some(m) = m.first() {
                        found = Some((m.id, c.id));
                        break;
                    }
                }
                let (id, home) = found.expect("a member in a cell");
                let to = cells.iter().find(|c| c.id != home).expect("another cell");
                (id, to.code.to_string())
            };
            app.member_movement(
                &sys,
                id,
                ranks_app::pipeline::Movement::TransferTo { cell: to },
                None,
            )
            .await
            .unwrap();
        }
        let mut page = app.db().page_conn().await.unwrap();
        assert_eq!(
            matches!(page, PageConn::Lite(_)),
            sqlite,
            "{what}: the page connection"
        );
        let mut pooled = app.db().read().await.unwrap();
        let mut other = app.db().read().await.unwrap();
        same_rows(
            &mut page.reader(),
            &mut (&mut *pooled).into(),
            &mut other,
            what,
        )
        .await;
    }
}

both_backends!(inline_reads_equal_sqlx_reads);
