//! The temporary PostgreSQL server of the tests (tests/common/pg.rs) starts and answers.

#[path = "common/pg.rs"]
mod pg;

#[test]
fn the_test_server_is_postgresql_15_or_later() {
    let Some(url) = pg::fresh_database() else {
        return;
    };
    let server = pg::server().expect("started for fresh_database");
    eprintln!(
        "PostgreSQL test server from {}, started in {:?}",
        server.origin, server.started_in
    );
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let version: String = client.query_one("SELECT version()", &[]).unwrap().get(0);
    assert!(version.starts_with("PostgreSQL "), "{version}");
    let number: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .unwrap()
        .get(0);
    assert!(
        number >= 150_000,
        "PostgreSQL 15 or later is needed: {version}"
    );
    // The database it made is the one we are in, empty, and UTF-8 with a locale whose
    // lower() folds letters beyond ASCII (the schema's case-insensitive names need it).
    let row = client
        .query_one(
            "SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'),
                    pg_encoding_to_char(encoding), lower('ÉCOLE')
             FROM pg_database WHERE datname = current_database()",
            &[],
        )
        .unwrap();
    assert!(
        url.ends_with(&format!("/{}", row.get::<_, String>(0))),
        "{url}"
    );
    assert_eq!(row.get::<_, i64>(1), 0);
    assert_eq!(row.get::<_, String>(2), "UTF8");
    assert_eq!(row.get::<_, String>(3), "école");
}

#[test]
fn each_test_gets_a_database_of_its_own() {
    let (Some(a), Some(b)) = (pg::fresh_database(), pg::fresh_database()) else {
        return;
    };
    assert_ne!(a, b);
    let mut first = postgres::Client::connect(&a, postgres::NoTls).unwrap();
    first
        .batch_execute("CREATE TABLE only_here (x int)")
        .unwrap();
    let mut second = postgres::Client::connect(&b, postgres::NoTls).unwrap();
    let found: i64 = second
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(found, 0);
}

#[test]
fn a_url_gets_another_database_name() {
    assert_eq!(
        pg::with_dbname(
            "postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable",
            "x"
        ),
        "postgres://u:p@127.0.0.1:5432/x?sslmode=disable"
    );
    assert_eq!(pg::with_dbname("postgresql://h", "x"), "postgresql://h/x");
    assert_eq!(
        pg::with_dbname("postgres://h:1?a=b", "x"),
        "postgres://h:1/x?a=b"
    );
}
