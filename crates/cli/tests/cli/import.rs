//! `ranks import`, run as a user runs it, against SQLite and PostgreSQL.

use ranks_testkit::{both_backends, TestDb};
use std::process::{Command, Output};

fn ranks(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args(args)
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG")
        .output()
        .expect("run ranks")
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

async fn import_dry_run_then_for_real(db: TestDb) {
    let url = db.url_string();
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("don-vi.csv");
    std::fs::write(
        &units,
        "code;name;kind;parent\nSYT;Đảng bộ Sở Y tế;superior;\nSYT.CB1;Chi bộ Văn phòng;cell;SYT\n",
    )
    .unwrap();
    let members = dir.path().join("dang-vien.csv");
    std::fs::write(
        &members,
        "unit,full_name,gender,birth_date,id_number,admitted_on\n\
         SYT.CB1,Hoàng Thị Lan,Nữ,04/03/1990,001203004567,19/05/2015\n\
         SYT.CB1,Hoàng Văn Minh,Nam,31/02/1990,,19/05/2015\n\
         NOPE,Hoàng Văn Nam,Nam,01/01/1990,,19/05/2015\n",
    )
    .unwrap();
    let units = units.to_str().unwrap();
    let members = members.to_str().unwrap();

    // A dry run of the units: good, nothing written (members then find no unit).
    let o = ranks(&["import", units, "--dry-run", "--database", &url]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out(&o).contains("units, 2 rows, 0 with problems"),
        "{}",
        out(&o)
    );

    let o = ranks(&["import", members, "--dry-run", "--database", &url]);
    assert!(!o.status.success());
    let text = out(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1..],
        [
            "row 2, unit: unknown unit \"SYT.CB1\"",
            "row 3, unit: unknown unit \"SYT.CB1\"",
            "row 3, birth_date: \"31/02/1990\" is not a date (dd/mm/yyyy)",
            "row 4, unit: unknown unit \"NOPE\"",
        ],
        "{text}"
    );
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.trim(), "error: 4 problems; nothing would be written");

    let o = ranks(&["import", units, "--database", &url, "--kind", "units"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out(&o).ends_with("2 units written\n"), "{}", out(&o));

    // With bad rows the import writes nothing and fails.
    let o = ranks(&["import", members, "--database", &url]);
    assert!(!o.status.success());
    assert_eq!(out(&o).lines().count(), 2, "{}", out(&o));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.trim(), "error: 2 problems; nothing written");

    // Fixed, it writes every row.
    let good: String = std::fs::read_to_string(members)
        .unwrap()
        .lines()
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(members, good).unwrap();
    let o = ranks(&["import", members, "--database", &url]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out(&o).ends_with("1 members written\n"), "{}", out(&o));

    // A wrong --kind is refused by the argument parser.
    let o = ranks(&["import", members, "--kind", "people", "--database", &url]);
    assert!(!o.status.success());
}

both_backends!(import_dry_run_then_for_real);
