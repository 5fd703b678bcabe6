//! Connecting with the settings of store/pg_config.rs to real servers: the tests' shared
//! one (no TLS), and one of this file's own with TLS and certificates made here by the
//! openssl command (Debian's PostgreSQL depends on it).

#[path = "common/pg.rs"]
mod pg;

use carrierdesk::store::pg_config::{PgConnectError, PgSettings, SslMode};
use std::path::Path;
use std::process::Command;

/// The URL with `?query` appended (the test URLs carry no query).
fn with_query(url: &str, query: &str) -> String {
    assert!(!url.contains('?'), "{url}");
    format!("{url}?{query}")
}

#[test]
fn sslmode_disable_connects_without_tls() {
    let Some(url) = pg::fresh_database() else {
        return;
    };
    let settings = PgSettings::parse(&with_query(&url, "sslmode=disable")).unwrap();
    let mut client = settings.connect().unwrap();
    let row = client
        .query_one(
            "SELECT current_database(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap();
    assert_eq!(
        format!("/{}", row.get::<_, String>(0)),
        url[url.rfind('/').unwrap()..]
    );
    assert!(!row.get::<_, bool>(1), "no TLS with sslmode=disable");
}

#[test]
fn sslmode_require_against_a_server_without_tls_says_so() {
    let Some(url) = pg::fresh_database() else {
        return;
    };
    let settings = PgSettings::parse(&with_query(&url, "sslmode=require")).unwrap();
    let password = settings.password().unwrap().to_string();
    let error = settings.connect().err().expect("no TLS on the test server");
    assert!(
        matches!(
            error,
            PgConnectError::NoTlsOnServer {
                mode: SslMode::Require,
                ..
            }
        ),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains("does not accept TLS"), "{text}");
    assert!(text.contains("sslmode=require"), "{text}");
    assert!(text.contains(&settings.server()), "{text}");
    assert!(!text.contains(&password), "{text}");
    // prefer, the default, falls back to a plain connection, as libpq does.
    let settings = PgSettings::parse(&url).unwrap();
    assert_eq!(settings.sslmode, SslMode::Prefer);
    settings.connect().unwrap();
}

#[test]
fn a_wrong_password_is_an_error_from_the_server_without_the_password() {
    let Some(url) = pg::fresh_database() else {
        return;
    };
    let settings = PgSettings::parse(&url).unwrap();
    let wrong = url.replacen(
        &format!(":{}@", settings.password().unwrap()),
        ":not-the-password@",
        1,
    );
    let error = PgSettings::parse(&with_query(&wrong, "sslmode=disable"))
        .unwrap()
        .connect()
        .err()
        .expect("a wrong password");
    let text = error.to_string();
    assert!(text.contains("password authentication failed"), "{text}");
    assert!(!text.contains("not-the-password"), "{text}");
}

/// Runs openssl in `dir`; panics with its output when it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, and a server certificate it signs for the name `localhost` only.
fn make_certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    for ca in ["ca", "other-ca"] {
        let mut args = vec!["req", "-x509"];
        args.extend(ec);
        let subject = format!("/CN=carrierdesk test {ca}");
        let (key, crt) = (format!("{ca}.key"), format!("{ca}.crt"));
        args.extend([
            "-keyout",
            &key,
            "-out",
            &crt,
            "-days",
            "2",
            "-subj",
            &subject,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(dir, &args);
    }
    let mut args = vec!["req"];
    args.extend(ec);
    args.extend([
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(dir, &args);
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName = DNS:localhost\nbasicConstraints = CA:FALSE\n\
         keyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    );
}

#[test]
fn tls_modes_check_what_libpq_checks() {
    if Command::new("openssl").arg("version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "openssl is needed in CI");
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: the TLS test skipped: no openssl command\n",
        );
        return;
    }
    let certs = tempfile::tempdir().unwrap();
    make_certificates(certs.path());
    let read = |name: &str| std::fs::read(certs.path().join(name)).unwrap();
    let (crt, key) = (read("server.crt"), read("server.key"));
    let Some(server) = pg::own_server(
        "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
        &[("server.crt", &crt), ("server.key", &key)],
    ) else {
        return;
    };
    let url = |host: &str, query: String| {
        let url = server.admin_url.replace("127.0.0.1", host);
        with_query(&url, &query)
    };
    let ca = certs.path().join("ca.crt");
    let other_ca = certs.path().join("other-ca.crt");
    let connect =
        |host: &str, query: String| PgSettings::parse(&url(host, query)).unwrap().connect();
    let on_tls = |client: &mut postgres::Client| -> bool {
        client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0)
    };

    // prefer and require: encrypted, certificate not checked.
    for mode in ["prefer", "require"] {
        let mut c = connect("127.0.0.1", format!("sslmode={mode}")).unwrap();
        assert!(on_tls(&mut c), "{mode}");
    }
    // verify-ca: the chain to our CA, whatever the name (127.0.0.1 is not in it).
    let mut c = connect(
        "127.0.0.1",
        format!("sslmode=verify-ca&sslrootcert={}", ca.display()),
    )
    .unwrap();
    assert!(on_tls(&mut c));
    // require with a root certificate is verify-ca, as in libpq: another CA is refused.
    let e = connect(
        "127.0.0.1",
        format!("sslmode=require&sslrootcert={}", other_ca.display()),
    )
    .err()
    .expect("a certificate of another CA");
    assert!(matches!(e, PgConnectError::Tls { .. }), "{e:?}");
    let e = connect(
        "127.0.0.1",
        format!("sslmode=verify-ca&sslrootcert={}", other_ca.display()),
    )
    .err()
    .expect("a certificate of another CA");
    assert!(e.to_string().contains("UnknownIssuer"), "{e}");
    // verify-full: the name too. localhost is in the certificate, 127.0.0.1 is not.
    let mut c = connect(
        "localhost",
        format!("sslmode=verify-full&sslrootcert={}", ca.display()),
    )
    .unwrap();
    assert!(on_tls(&mut c));
    let e = connect(
        "127.0.0.1",
        format!("sslmode=verify-full&sslrootcert={}", ca.display()),
    )
    .err()
    .expect("a certificate that does not name 127.0.0.1");
    let text = e.to_string();
    assert!(
        text.contains("TLS with the PostgreSQL server at 127.0.0.1"),
        "{text}"
    );
    assert!(text.contains("not valid for name"), "{text}");
}
