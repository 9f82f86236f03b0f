//! A small tree for the meeting tests (web and browser): Đảng bộ R > Đảng
//! bộ A > Chi bộ A1 with three official members and one probationary
//! member admitted after the meeting's day, and three candidates of A1 at
//! the stage before the cell's vote, each with the cell's resolution form.

use ranks_app::{Actor, App};
pub use ranks_testkit::pipeline::d;
use ranks_testkit::pipeline::{create_units, members_of_a1, to_comments_in, Newcomer, TREE};

/// The names of the three candidates, in the order of their ids.
pub const CANDIDATES: [&str; 3] = ["Lăng Thị Giang", "Hoàng Văn Khánh", "Đinh Thị Ngọc Ánh"];

/// The members of A1 (three official, one probationary admitted in 2026)
/// and the three candidates.
pub async fn meeting_setup(app: &App) -> (Vec<i64>, Vec<i64>) {
    let sys = Actor::system();
    create_units(app, &TREE).await;
    let members = members_of_a1(app).await;
    let mut candidates = Vec::new();
    for (name, birth) in CANDIDATES
        .iter()
        .zip(["1988-04-10", "1990-02-14", "1991-09-02"])
    {
        // Past youth age: two official members introduce.
        let who = Newcomer {
            name,
            birth,
            grade: 12,
            area: "",
        };
        let c = to_comments_in(app, &members, "A1", who).await;
        app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
            .await
            .unwrap();
        candidates.push(c);
    }
    (members, candidates)
}
