//! PostgreSQL connection settings as people bring them from libpq (psql, pg_dump, every
//! driver built on it), turned into a `postgres::Config` and a rustls TLS connector.
//!
//! Accepted: `postgres://` or `postgresql://` URLs,
//! `postgres://user:password@host:port/dbname?sslmode=verify-full&sslrootcert=/etc/ca.pem`,
//! with every part optional and percent-encoded where needed (`%40` for an `@` in a
//! password); an IPv6 host in brackets (`[::1]`); a Unix socket folder as the host
//! (`postgres://%2Fvar%2Frun%2Fpostgresql/db` or `postgres:///db?host=/var/run/postgresql`).
//! Parameters: `host`, `port`, `user`, `password`, `dbname`, `sslmode`, `sslrootcert`,
//! `connect_timeout` and `application_name`; any other is an error that names it, rather
//! than a setting silently ignored.
//!
//! What the URL leaves out comes, as with libpq, from `PGHOST`, `PGPORT`, `PGUSER`,
//! `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`, `PGCONNECT_TIMEOUT` and `PGAPPNAME`, then
//! from defaults: Debian's socket folder /var/run/postgresql when it exists (else
//! localhost), port 5432, the OS user, a database named after the user, sslmode prefer.
//! The password: from the URL, else `PGPASSWORD`, else the first matching line of
//! `~/.pgpass` (or `PGPASSFILE`), which is ignored, as libpq ignores it, when it is not a
//! plain file or when its group or others have any access to it.
//!
//! sslmode, as libpq means it:
//! - `disable`: no TLS.
//! - `prefer` (the default): TLS when the server offers it, else plain; the certificate is
//!   not checked. A TLS handshake that fails is tried again without TLS.
//! - `require`: TLS or no connection; the certificate is not checked (encryption against
//!   eavesdroppers, not against a man in the middle), unless a root certificate is there
//!   (`sslrootcert`, or ~/.postgresql/root.crt), when libpq checks it as verify-ca does.
//! - `verify-ca`: TLS, and the server's certificate must chain to the CA of `sslrootcert`
//!   (default ~/.postgresql/root.crt); its host name is not checked.
//! - `verify-full`: as verify-ca, and the certificate must name the host connected to.
//!
//! Nothing here prints the password: `Display` and `redacted()` leave it out, `Debug`
//! shows `<redacted>`, and no error message carries it.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_cert_signed_by_trust_anchor};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The parameters a URL may carry.
const PARAMETERS: &[&str] = &[
    "host",
    "port",
    "user",
    "password",
    "dbname",
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "application_name",
];

/// The socket folder of Debian's PostgreSQL packages, libpq's default host there.
pub const DEBIAN_SOCKET_DIR: &str = "/var/run/postgresql";

/// How much TLS a connection insists on, libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A host name or an IP address, over TCP.
    Tcp(String),
    /// The folder of the server's Unix socket (TLS does not apply).
    Socket(PathBuf),
}

/// Where the password came from (for messages; never the password itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// No password: the server may not ask for one (peer, trust, certificates).
    None,
    Url,
    /// `PGPASSWORD`.
    Environment,
    /// A line of this password file.
    PassFile(PathBuf),
}

/// Why a connection string cannot be used. No variant holds the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PgConfigError {
    #[error("not a PostgreSQL URL: it must start with postgres:// or postgresql://")]
    NotPostgresUrl,
    #[error(
        "the database URL has a bad percent-encoding in its {0} (a % must be followed by two hex digits, and the text must be UTF-8)"
    )]
    BadPercentEncoding(&'static str),
    #[error("the database URL names several hosts ({0}); carrierdesk connects to one")]
    SeveralHosts(String),
    #[error("the database URL has a bad host: {0}")]
    BadHost(String),
    #[error("bad port '{0}': a number from 1 to 65535")]
    BadPort(String),
    #[error("unknown parameter{} in the database URL: {}; carrierdesk understands {}", if .0.len() == 1 { "" } else { "s" }, .0.join(", "), PARAMETERS.join(", "))]
    UnknownParameters(Vec<String>),
    #[error("{0} is given twice in the database URL")]
    GivenTwice(String),
    #[error("bad sslmode '{0}': one of disable, prefer, require, verify-ca, verify-full")]
    BadSslMode(String),
    #[error("bad connect_timeout '{0}': a whole number of seconds")]
    BadTimeout(String),
    #[error("no user name for the database: none in the URL or PGUSER, and the OS user is unknown")]
    NoUser,
    #[error("sslrootcert=system (the system's CAs) is not supported: name the CA's PEM file")]
    SystemRootCert,
    #[error(
        "sslmode={0} checks the server's certificate and needs the CA's: add sslrootcert=/path/to/ca.pem to the URL (or put it at ~/.postgresql/root.crt)"
    )]
    NoRootCert(SslMode),
    #[error("cannot use sslrootcert {}: {error}", .path.display())]
    RootCert { path: PathBuf, error: String },
    #[error("cannot set TLS up: {0}")]
    Tls(String),
}

/// Why connecting failed, worded for the person who gave the URL.
#[derive(Debug, thiserror::Error)]
pub enum PgConnectError {
    #[error(transparent)]
    Config(#[from] PgConfigError),
    #[error(
        "the PostgreSQL server at {server} does not accept TLS, and sslmode={mode} requires it: enable ssl on the server, or, on a network you trust, use sslmode=prefer or disable"
    )]
    NoTlsOnServer { server: String, mode: SslMode },
    #[error("TLS with the PostgreSQL server at {server} failed (sslmode={mode}): {detail}")]
    Tls {
        server: String,
        mode: SslMode,
        detail: String,
    },
    #[error("cannot connect to the PostgreSQL server at {server}: {detail}")]
    Server { server: String, detail: String },
}

/// What the process environment contributes: libpq's variables, the home folder, the OS
/// user and the default socket folder. Tests build their own.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub vars: BTreeMap<String, String>,
    pub home: Option<PathBuf>,
    pub os_user: Option<String>,
    /// The host when none is given: a socket folder that exists, else localhost.
    pub default_socket_dir: Option<PathBuf>,
}

impl Environment {
    pub fn from_process() -> Environment {
        let vars = [
            "PGHOST",
            "PGPORT",
            "PGUSER",
            "PGDATABASE",
            "PGPASSWORD",
            "PGPASSFILE",
            "PGSSLMODE",
            "PGSSLROOTCERT",
            "PGCONNECT_TIMEOUT",
            "PGAPPNAME",
        ]
        .into_iter()
        .filter_map(|k| Some((k.to_string(), std::env::var(k).ok()?)))
        .collect();
        Environment {
            vars,
            home: std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|h| !h.as_os_str().is_empty()),
            os_user: whoami::username().ok().filter(|u| !u.is_empty()),
            default_socket_dir: Some(PathBuf::from(DEBIAN_SOCKET_DIR)).filter(|d| d.is_dir()),
        }
    }

    fn var(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Everything needed to connect, parsed and completed from the environment.
#[derive(Clone, PartialEq, Eq)]
pub struct PgSettings {
    pub host: Host,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    password: Option<String>,
    pub password_source: PasswordSource,
    pub sslmode: SslMode,
    /// The CA's PEM file: as given, or ~/.postgresql/root.crt when that exists.
    pub sslrootcert: Option<PathBuf>,
    /// Whether `sslrootcert` was named (URL or PGSSLROOTCERT) rather than found.
    pub sslrootcert_given: bool,
    pub connect_timeout: Option<Duration>,
    pub application_name: Option<String>,
    /// What a person should know that does not stop the connection (a password file
    /// ignored for its permissions). Never holds a password.
    pub warnings: Vec<String>,
}

impl fmt::Debug for PgSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("dbname", &self.dbname)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("password_source", &self.password_source)
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("connect_timeout", &self.connect_timeout)
            .field("application_name", &self.application_name)
            .finish()
    }
}

/// The settings as a URL without the password, for logs and messages.
impl fmt::Display for PgSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let user = encode(&self.user);
        let db = encode(&self.dbname);
        let mut params = Vec::new();
        match &self.host {
            Host::Tcp(h) if h.contains(':') => {
                write!(f, "postgres://{user}@[{h}]:{}/{db}", self.port)?
            }
            Host::Tcp(h) => write!(f, "postgres://{user}@{}:{}/{db}", encode(h), self.port)?,
            Host::Socket(dir) => {
                write!(f, "postgres://{user}@/{db}")?;
                params.push(format!("host={}", encode(&dir.to_string_lossy())));
                params.push(format!("port={}", self.port));
            }
        }
        if matches!(self.host, Host::Tcp(_)) {
            params.push(format!("sslmode={}", self.sslmode));
            if let (Some(cert), true) = (&self.sslrootcert, self.sslrootcert_given) {
                params.push(format!("sslrootcert={}", encode(&cert.to_string_lossy())));
            }
        }
        if let Some(t) = self.connect_timeout {
            params.push(format!("connect_timeout={}", t.as_secs()));
        }
        if let Some(a) = &self.application_name {
            params.push(format!("application_name={}", encode(a)));
        }
        if !params.is_empty() {
            write!(f, "?{}", params.join("&"))?;
        }
        Ok(())
    }
}

/// True for the strings that are PostgreSQL URLs rather than SQLite file paths.
pub fn is_pg_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// The parts of a URL before the environment fills the gaps.
#[derive(Default)]
struct UrlParts {
    host: Option<String>,
    port: Option<String>,
    user: Option<String>,
    password: Option<String>,
    dbname: Option<String>,
    params: BTreeMap<String, String>,
}

impl PgSettings {
    /// Parses a URL, completing it from this process's environment.
    pub fn parse(url: &str) -> Result<PgSettings, PgConfigError> {
        PgSettings::parse_with(url, &Environment::from_process())
    }

    /// Parses a URL, completing it from `env`.
    pub fn parse_with(url: &str, env: &Environment) -> Result<PgSettings, PgConfigError> {
        let mut parts = parse_url(url)?;
        let mut take =
            |name: &str, from_url: Option<String>| -> Result<Option<String>, PgConfigError> {
                match (
                    from_url.filter(|v| !v.is_empty()),
                    parts.params.remove(name),
                ) {
                    (Some(_), Some(_)) => Err(PgConfigError::GivenTwice(name.to_string())),
                    (Some(v), None) => Ok(Some(v)),
                    (None, v) => Ok(v.filter(|v| !v.is_empty())),
                }
            };
        let host = take("host", parts.host.take())?;
        let port = take("port", parts.port.take())?;
        let user = take("user", parts.user.take())?;
        let password = take("password", parts.password.take())?;
        let dbname = take("dbname", parts.dbname.take())?;
        let sslmode = take("sslmode", None)?;
        let sslrootcert = take("sslrootcert", None)?;
        let connect_timeout = take("connect_timeout", None)?;
        let application_name = take("application_name", None)?;
        if !parts.params.is_empty() {
            return Err(PgConfigError::UnknownParameters(
                parts.params.into_keys().collect(),
            ));
        }

        let or_env = |v: Option<String>, key: &str| v.or_else(|| env.var(key).map(String::from));
        let host = match or_env(host, "PGHOST") {
            Some(h) if h.contains(',') => return Err(PgConfigError::SeveralHosts(h)),
            Some(h) if h.starts_with('/') => Host::Socket(PathBuf::from(h)),
            Some(h) => Host::Tcp(h),
            None => match &env.default_socket_dir {
                Some(dir) => Host::Socket(dir.clone()),
                None => Host::Tcp("localhost".into()),
            },
        };
        let port = match or_env(port, "PGPORT") {
            None => 5432,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(PgConfigError::BadPort(p)),
            },
        };
        let user = or_env(user, "PGUSER")
            .or_else(|| env.os_user.clone())
            .ok_or(PgConfigError::NoUser)?;
        let dbname = or_env(dbname, "PGDATABASE").unwrap_or_else(|| user.clone());
        let sslmode = match or_env(sslmode, "PGSSLMODE") {
            None => SslMode::Prefer,
            Some(m) => SslMode::parse(&m).ok_or(PgConfigError::BadSslMode(m))?,
        };
        let given_root = or_env(sslrootcert, "PGSSLROOTCERT");
        if given_root.as_deref() == Some("system") {
            return Err(PgConfigError::SystemRootCert);
        }
        let sslrootcert_given = given_root.is_some();
        let sslrootcert = given_root.map(PathBuf::from).or_else(|| {
            let default = env.home.as_ref()?.join(".postgresql/root.crt");
            default.is_file().then_some(default)
        });
        let connect_timeout = match or_env(connect_timeout, "PGCONNECT_TIMEOUT") {
            None => None,
            Some(t) => match t.parse::<u64>() {
                // libpq: zero, or no value, waits forever.
                Ok(0) => None,
                // libpq: a timeout under 2 seconds is taken as 2.
                Ok(n) => Some(Duration::from_secs(n.max(2))),
                Err(_) => return Err(PgConfigError::BadTimeout(t)),
            },
        };
        let application_name = or_env(application_name, "PGAPPNAME");

        let mut settings = PgSettings {
            host,
            port,
            user,
            dbname,
            password: None,
            password_source: PasswordSource::None,
            sslmode,
            sslrootcert,
            sslrootcert_given,
            connect_timeout,
            application_name,
            warnings: Vec::new(),
        };
        if let Some(p) = password {
            settings.password = Some(p);
            settings.password_source = PasswordSource::Url;
        } else if let Some(p) = env.var("PGPASSWORD") {
            settings.password = Some(p.to_string());
            settings.password_source = PasswordSource::Environment;
        } else {
            settings.password_from_file(env);
        }
        Ok(settings)
    }

    /// The password, for the connection only.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The settings as a URL without the password (the same as `Display`).
    pub fn redacted(&self) -> String {
        self.to_string()
    }

    /// `host:port` (or the socket folder), for messages.
    pub fn server(&self) -> String {
        match &self.host {
            Host::Tcp(h) if h.contains(':') => format!("[{h}]:{}", self.port),
            Host::Tcp(h) => format!("{h}:{}", self.port),
            Host::Socket(dir) => format!("{} (port {})", dir.display(), self.port),
        }
    }

    /// The sslmode that applies: none over a Unix socket; `require` with a root
    /// certificate at hand is checked as verify-ca, as libpq does.
    pub fn effective_sslmode(&self) -> SslMode {
        match (&self.host, self.sslmode) {
            (Host::Socket(_), _) => SslMode::Disable,
            (_, SslMode::Require) if self.sslrootcert.is_some() => SslMode::VerifyCa,
            (_, mode) => mode,
        }
    }

    /// Looks the password up in the password file, as libpq does.
    fn password_from_file(&mut self, env: &Environment) {
        let path = match env.var("PGPASSFILE") {
            Some(p) => PathBuf::from(p),
            None => match &env.home {
                Some(home) => home.join(".pgpass"),
                None => return,
            },
        };
        let Ok(meta) = std::fs::metadata(&path) else {
            return;
        };
        if !meta.is_file() {
            self.warnings.push(format!(
                "password file {} is not a plain file: ignored",
                path.display()
            ));
            return;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                self.warnings.push(format!(
                    "password file {} has group or world access: ignored (chmod 0600 it)",
                    path.display()
                ));
                return;
            }
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        // libpq matches the host "localhost" for a socket in the default folder.
        let host = match &self.host {
            Host::Tcp(h) => h.clone(),
            Host::Socket(dir) if env.default_socket_dir.as_deref() == Some(dir.as_path()) => {
                "localhost".to_string()
            }
            Host::Socket(dir) if dir == Path::new(DEBIAN_SOCKET_DIR) => "localhost".to_string(),
            Host::Socket(dir) => dir.to_string_lossy().into_owned(),
        };
        let port = self.port.to_string();
        if let Some(password) = pgpass_lookup(&text, &host, &port, &self.dbname, &self.user) {
            self.password = Some(password);
            self.password_source = PasswordSource::PassFile(path);
        }
    }

    /// The client configuration and the TLS connector for these settings.
    pub fn client_config(&self) -> Result<(postgres::Config, MakeRustlsConnect), PgConfigError> {
        let mode = self.effective_sslmode();
        let mut config = postgres::Config::new();
        match &self.host {
            Host::Tcp(h) => config.host(h),
            Host::Socket(dir) => config.host_path(dir),
        };
        config.port(self.port).user(&self.user).dbname(&self.dbname);
        if let Some(p) = &self.password {
            config.password(p);
        }
        config.ssl_mode(match mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                postgres::config::SslMode::Require
            }
        });
        if let Some(t) = self.connect_timeout {
            config.connect_timeout(t);
        }
        config.application_name(self.application_name.as_deref().unwrap_or("carrierdesk"));
        Ok((config, self.tls_connector(mode)?))
    }

    /// A rustls connector that checks the server's certificate as `mode` asks.
    fn tls_connector(&self, mode: SslMode) -> Result<MakeRustlsConnect, PgConfigError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| PgConfigError::Tls(e.to_string()))?;
        let config = match mode {
            SslMode::Disable | SslMode::Prefer | SslMode::Require => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Libpq {
                    roots: None,
                    provider,
                }))
                .with_no_client_auth(),
            SslMode::VerifyCa => {
                let roots = Arc::new(self.root_store(mode)?);
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(Libpq {
                        roots: Some(roots),
                        provider,
                    }))
                    .with_no_client_auth()
            }
            SslMode::VerifyFull => {
                let roots = Arc::new(self.root_store(mode)?);
                let verifier = WebPkiServerVerifier::builder_with_provider(roots, provider)
                    .build()
                    .map_err(|e| PgConfigError::Tls(e.to_string()))?;
                builder.with_webpki_verifier(verifier).with_no_client_auth()
            }
        };
        Ok(MakeRustlsConnect::new(config))
    }

    /// The CAs of `sslrootcert`.
    fn root_store(&self, mode: SslMode) -> Result<RootCertStore, PgConfigError> {
        let path = self
            .sslrootcert
            .as_ref()
            .ok_or(PgConfigError::NoRootCert(mode))?;
        let bad = |error: String| PgConfigError::RootCert {
            path: path.clone(),
            error,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| bad(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(e.to_string()))?;
        if certs.is_empty() {
            return Err(bad(
                "no certificate in it (a PEM file of the CA is needed)".into()
            ));
        }
        let mut roots = RootCertStore::empty();
        for cert in certs {
            roots.add(cert).map_err(|e| bad(e.to_string()))?;
        }
        Ok(roots)
    }

    /// Connects, as libpq would: with `prefer`, a failed TLS handshake is tried again
    /// without TLS. Errors say which server and, for TLS, what went wrong.
    pub fn connect(&self) -> Result<postgres::Client, PgConnectError> {
        let (config, tls) = self.client_config()?;
        let mode = self.effective_sslmode();
        match config.connect(tls) {
            Ok(client) => Ok(client),
            Err(e) if mode == SslMode::Prefer && is_tls_error(&e) => {
                let mut plain = config.clone();
                plain.ssl_mode(postgres::config::SslMode::Disable);
                plain
                    .connect(postgres::NoTls)
                    .map_err(|e| self.connect_error(mode, &e))
            }
            Err(e) => Err(self.connect_error(mode, &e)),
        }
    }

    fn connect_error(&self, mode: SslMode, e: &postgres::Error) -> PgConnectError {
        let server = self.server();
        if let Some(db) = e.as_db_error() {
            return PgConnectError::Server {
                server,
                detail: db.message().to_string(),
            };
        }
        let text = error_chain(e);
        if text.contains("server does not support TLS") {
            return PgConnectError::NoTlsOnServer { server, mode };
        }
        if is_tls_error(e) {
            return PgConnectError::Tls {
                server,
                mode,
                detail: text,
            };
        }
        PgConnectError::Server {
            server,
            detail: text,
        }
    }
}

/// tokio-postgres has no public error kind for TLS; its message says so.
fn is_tls_error(e: &postgres::Error) -> bool {
    e.to_string().starts_with("error performing TLS handshake")
}

/// The error and its sources, one sentence.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// Splits and percent-decodes a URL; the environment is not looked at.
fn parse_url(url: &str) -> Result<UrlParts, PgConfigError> {
    let rest = url
        .strip_prefix("postgresql://")
        .or_else(|| url.strip_prefix("postgres://"))
        .ok_or(PgConfigError::NotPostgresUrl)?;
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (rest, None),
    };
    let mut parts = UrlParts::default();
    // The last @: a password with an unencoded @ still reads as meant.
    let hostport = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            parts.user = Some(decode(user, "user name")?);
            parts.password = password.map(|p| decode(p, "password")).transpose()?;
            hostport
        }
        None => authority,
    };
    if hostport.contains(',') {
        return Err(PgConfigError::SeveralHosts(hostport.to_string()));
    }
    let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or_else(|| PgConfigError::BadHost(format!("[{bracketed} (no closing ])")))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| PgConfigError::BadHost(hostport.to_string()))?,
            ),
        };
        (host.to_string(), port)
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (decode(h, "host")?, Some(p)),
            None => (decode(hostport, "host")?, None),
        }
    };
    parts.host = Some(host);
    parts.port = port.map(str::to_string);
    parts.dbname = path.map(|p| decode(p, "database name")).transpose()?;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key, "parameters")?;
        let value = decode(value, "parameters")?;
        let known = PARAMETERS.contains(&key.as_str());
        if known && parts.params.contains_key(&key) {
            return Err(PgConfigError::GivenTwice(key));
        }
        if !known {
            // Collected, to name them all at once.
            parts.params.entry(key).or_default();
            continue;
        }
        parts.params.insert(key, value);
    }
    let unknown: Vec<String> = parts
        .params
        .keys()
        .filter(|k| !PARAMETERS.contains(&k.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(PgConfigError::UnknownParameters(unknown));
    }
    Ok(parts)
}

/// Strict percent-decoding: `%` must start two hex digits, and the result must be UTF-8.
fn decode(s: &str, part: &'static str) -> Result<String, PgConfigError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(PgConfigError::BadPercentEncoding(part))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PgConfigError::BadPercentEncoding(part))
}

/// Percent-encodes what would break a URL, for `Display`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The password of the first line of a password file that matches, as libpq reads it:
/// `host:port:database:user:password`, `*` alone matching anything in the first four
/// fields, `\:` and `\\` standing for `:` and `\`, `#` starting a comment line.
pub fn pgpass_lookup(
    text: &str,
    host: &str,
    port: &str,
    dbname: &str,
    user: &str,
) -> Option<String> {
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = split_pgpass_line(line);
        if fields.len() < 5 {
            continue;
        }
        let matches = |(field, literal): &(String, bool), value: &str| {
            (field == "*" && !*literal) || field == value
        };
        if matches(&fields[0], host)
            && matches(&fields[1], port)
            && matches(&fields[2], dbname)
            && matches(&fields[3], user)
        {
            return Some(fields[4].0.clone());
        }
    }
    None
}

/// The fields of a password-file line, unescaped; each with whether it held an escape
/// (an escaped `\*` is a literal star, not the wildcard). The password is the fifth
/// field, up to an unescaped colon if any, as in libpq.
fn split_pgpass_line(line: &str) -> Vec<(String, bool)> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut escaped_any = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) => {
                    field.push(next);
                    escaped_any = true;
                }
                None => field.push('\\'),
            },
            ':' => {
                fields.push((std::mem::take(&mut field), escaped_any));
                escaped_any = false;
                if fields.len() == 5 {
                    return fields;
                }
            }
            c => field.push(c),
        }
    }
    fields.push((field, escaped_any));
    fields
}

/// The checks libpq's sslmode asks for below verify-full: `require` and `prefer` encrypt
/// without checking who is at the other end (`roots` None), `verify-ca` wants a certificate
/// that chains to one of the roots and is valid now, whatever host name it names. Either way
/// the handshake's signatures are checked.
#[derive(Debug)]
struct Libpq {
    roots: Option<Arc<RootCertStore>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Libpq {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let cert = ParsedCertificate::try_from(end_entity)?;
            verify_server_cert_signed_by_trust_anchor(
                &cert,
                roots,
                intermediates,
                now,
                self.provider.signature_verification_algorithms.all,
            )?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            home: None,
            os_user: Some("osuser".into()),
            default_socket_dir: None,
        }
    }

    fn parse(url: &str) -> PgSettings {
        PgSettings::parse_with(url, &env(&[])).unwrap()
    }

    fn error(url: &str) -> PgConfigError {
        PgSettings::parse_with(url, &env(&[])).unwrap_err()
    }

    #[test]
    fn a_full_url_gives_every_part() {
        let s = parse(
            "postgres://alice:s%40cr%3At@db.example.com:6543/carrier%20desk?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=7&application_name=noc",
        );
        assert_eq!(s.host, Host::Tcp("db.example.com".into()));
        assert_eq!(s.port, 6543);
        assert_eq!(s.user, "alice");
        assert_eq!(s.password(), Some("s@cr:t"));
        assert_eq!(s.password_source, PasswordSource::Url);
        assert_eq!(s.dbname, "carrier desk");
        assert_eq!(s.sslmode, SslMode::VerifyFull);
        assert_eq!(s.sslrootcert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(s.connect_timeout, Some(Duration::from_secs(7)));
        assert_eq!(s.application_name.as_deref(), Some("noc"));
    }

    #[test]
    fn both_schemes_and_the_defaults() {
        for url in [
            "postgresql://",
            "postgres://",
            "postgresql:///",
            "postgres://?",
        ] {
            let s = parse(url);
            assert_eq!(s.host, Host::Tcp("localhost".into()), "{url}");
            assert_eq!((s.port, s.user.as_str()), (5432, "osuser"));
            assert_eq!(s.dbname, "osuser", "the database is named after the user");
            assert_eq!(s.sslmode, SslMode::Prefer);
            assert_eq!(s.password(), None);
            assert_eq!(s.password_source, PasswordSource::None);
        }
        let s = parse("postgresql://bob@h/");
        assert_eq!((s.user.as_str(), s.dbname.as_str()), ("bob", "bob"));
        // With Debian's socket folder there, no host means that socket, as in libpq.
        let mut e = env(&[]);
        e.default_socket_dir = Some(PathBuf::from(DEBIAN_SOCKET_DIR));
        let s = PgSettings::parse_with("postgres:///db", &e).unwrap();
        assert_eq!(s.host, Host::Socket(PathBuf::from(DEBIAN_SOCKET_DIR)));
        assert_eq!(
            s.effective_sslmode(),
            SslMode::Disable,
            "no TLS on a Unix socket"
        );
    }

    #[test]
    fn hosts_ipv6_sockets_and_unencoded_at_signs() {
        let s = parse("postgres://u@[::1]:5433/db");
        assert_eq!((s.host.clone(), s.port), (Host::Tcp("::1".into()), 5433));
        assert_eq!(s.server(), "[::1]:5433");
        assert!(
            s.to_string().starts_with("postgres://u@[::1]:5433/db"),
            "{s}"
        );
        assert_eq!(
            parse("postgres://[fe80::2]/db").host,
            Host::Tcp("fe80::2".into())
        );
        let s = parse("postgres://%2Fvar%2Frun%2Fpostgresql:5434/db");
        assert_eq!(s.host, Host::Socket(PathBuf::from("/var/run/postgresql")));
        assert_eq!(s.port, 5434);
        let s = parse("postgresql:///db?host=/tmp&port=5999");
        assert_eq!(
            (s.host.clone(), s.port),
            (Host::Socket("/tmp".into()), 5999)
        );
        // A password with an @ that was not encoded still reads as meant.
        let s = parse("postgres://u:p@ss@h/db");
        assert_eq!(
            (s.password(), s.host.clone()),
            (Some("p@ss"), Host::Tcp("h".into()))
        );
        // The user and the password as parameters, as libpq allows.
        let s = parse("postgres://h/db?user=carol&password=pw");
        assert_eq!((s.user.as_str(), s.password()), ("carol", Some("pw")));
    }

    #[test]
    fn the_environment_fills_what_the_url_leaves_out() {
        let e = env(&[
            ("PGHOST", "envhost"),
            ("PGPORT", "7000"),
            ("PGUSER", "envuser"),
            ("PGDATABASE", "envdb"),
            ("PGPASSWORD", "envpw"),
            ("PGSSLMODE", "require"),
            ("PGCONNECT_TIMEOUT", "1"),
            ("PGAPPNAME", "cron"),
        ]);
        let s = PgSettings::parse_with("postgres://", &e).unwrap();
        assert_eq!(s.host, Host::Tcp("envhost".into()));
        assert_eq!(
            (s.port, s.user.as_str(), s.dbname.as_str()),
            (7000, "envuser", "envdb")
        );
        assert_eq!(s.password(), Some("envpw"));
        assert_eq!(s.password_source, PasswordSource::Environment);
        assert_eq!(s.sslmode, SslMode::Require);
        assert_eq!(
            s.connect_timeout,
            Some(Duration::from_secs(2)),
            "libpq's minimum"
        );
        assert_eq!(s.application_name.as_deref(), Some("cron"));
        // The URL wins.
        let s = PgSettings::parse_with("postgres://u:urlpw@h:1/d?sslmode=disable", &e).unwrap();
        assert_eq!(
            (s.user.as_str(), s.password(), s.port),
            ("u", Some("urlpw"), 1)
        );
        assert_eq!((s.dbname.as_str(), s.sslmode), ("d", SslMode::Disable));
        assert_eq!(s.password_source, PasswordSource::Url);
        // A user nobody names is an error, not a guess.
        let mut e = env(&[]);
        e.os_user = None;
        assert_eq!(
            PgSettings::parse_with("postgres://h/db", &e),
            Err(PgConfigError::NoUser)
        );
    }

    #[test]
    fn every_sslmode_and_what_applies() {
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            let s = parse(&format!("postgres://h/db?sslmode={mode}"));
            assert_eq!(s.sslmode.as_str(), mode);
            assert_eq!(s.effective_sslmode().as_str(), mode);
        }
        // require with a root certificate is checked as verify-ca, as libpq does.
        let s = parse("postgres://h/db?sslmode=require&sslrootcert=/ca.pem");
        assert_eq!(s.effective_sslmode(), SslMode::VerifyCa);
        assert_eq!(
            error("postgres://h/db?sslmode=allow"),
            PgConfigError::BadSslMode("allow".into())
        );
        assert_eq!(
            error("postgres://h/db?sslmode=verify-full&sslrootcert=system"),
            PgConfigError::SystemRootCert
        );
    }

    #[test]
    fn client_config_carries_the_settings() {
        let s = parse("postgres://alice:pw@db.example.com:6543/carrier?sslmode=require");
        let (config, _tls) = s.client_config().unwrap();
        assert_eq!(config.get_user(), Some("alice"));
        assert_eq!(config.get_password(), Some(&b"pw"[..]));
        assert_eq!(config.get_dbname(), Some("carrier"));
        assert_eq!(config.get_ports(), &[6543]);
        assert_eq!(
            config.get_hosts(),
            &[postgres::config::Host::Tcp("db.example.com".into())]
        );
        assert_eq!(config.get_ssl_mode(), postgres::config::SslMode::Require);
        assert_eq!(config.get_application_name(), Some("carrierdesk"));
        let (config, _) = parse("postgres://h/db?sslmode=disable")
            .client_config()
            .unwrap();
        assert_eq!(config.get_ssl_mode(), postgres::config::SslMode::Disable);
        let (config, _) = parse("postgres://h/db").client_config().unwrap();
        assert_eq!(config.get_ssl_mode(), postgres::config::SslMode::Prefer);
    }

    #[test]
    fn verifying_modes_need_a_readable_ca() {
        let config_error = |url: &str| match parse(url).client_config() {
            Ok(_) => panic!("{url} built a configuration"),
            Err(e) => e,
        };
        for mode in ["verify-ca", "verify-full"] {
            let e = config_error(&format!("postgres://h/db?sslmode={mode}"));
            assert_eq!(e, PgConfigError::NoRootCert(SslMode::parse(mode).unwrap()));
            assert!(e.to_string().contains("sslrootcert="), "{e}");
        }
        let e = config_error("postgres://h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem");
        assert!(matches!(e, PgConfigError::RootCert { .. }), "{e}");
        assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = config_error(&format!(
            "postgres://h/db?sslmode=verify-ca&sslrootcert={}",
            empty.display()
        ));
        assert!(e.to_string().contains("no certificate"), "{e}");
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert_eq!(error("mysql://h/db"), PgConfigError::NotPostgresUrl);
        assert_eq!(error("carrierdesk.db"), PgConfigError::NotPostgresUrl);
        let e = error("postgres://h/db?sslmode=require&sslcert=c.pem&foo=1&sslkey=k.pem");
        assert_eq!(
            e,
            PgConfigError::UnknownParameters(vec!["foo".into(), "sslcert".into(), "sslkey".into()])
        );
        let text = e.to_string();
        assert!(
            text.contains("parameters in the database URL: foo, sslcert, sslkey"),
            "{text}"
        );
        assert!(
            text.contains("sslrootcert"),
            "it says what it knows: {text}"
        );
        assert_eq!(
            error("postgres://h/db?sslmode=disable&sslmode=verify-full"),
            PgConfigError::GivenTwice("sslmode".into())
        );
        assert_eq!(
            error("postgres://h/db?host=other"),
            PgConfigError::GivenTwice("host".into())
        );
        for port in ["abc", "0", "70000", "-1"] {
            assert_eq!(
                error(&format!("postgres://h:{port}/db")),
                PgConfigError::BadPort(port.into())
            );
        }
        assert!(matches!(
            error("postgres://a:1,b:2/db"),
            PgConfigError::SeveralHosts(_)
        ));
        assert!(matches!(
            error("postgres://[::1/db"),
            PgConfigError::BadHost(_)
        ));
        assert_eq!(
            error("postgres://h/db?connect_timeout=soon"),
            PgConfigError::BadTimeout("soon".into())
        );
    }

    #[test]
    fn bad_percent_encoding_is_refused_without_showing_the_password() {
        for (url, part) in [
            ("postgres://u:hunter%zz2@h/db", "password"),
            ("postgres://u:hunter%2@h/db", "password"),
            ("postgres://u:hunter%ff@h/db", "password"),
            ("postgres://u%g1@h/db", "user name"),
            ("postgres://h/d%b", "database name"),
            ("postgres://h/db?sslmode=%", "parameters"),
        ] {
            let e = error(url);
            assert_eq!(e, PgConfigError::BadPercentEncoding(part), "{url}");
            assert!(!e.to_string().contains("hunter"), "{e}");
        }
    }

    #[test]
    fn the_password_is_never_displayed() {
        let s = parse("postgres://alice:hunter2@h:5433/db?sslmode=verify-full&sslrootcert=/ca.pem");
        for shown in [s.to_string(), s.redacted(), format!("{s:?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        assert_eq!(
            s.redacted(),
            "postgres://alice@h:5433/db?sslmode=verify-full&sslrootcert=%2Fca.pem"
        );
        assert!(format!("{s:?}").contains("<redacted>"));
        let s = parse("postgresql:///db?host=/tmp&user=bob");
        assert_eq!(s.redacted(), "postgres://bob@/db?host=%2Ftmp&port=5432");
    }

    #[test]
    fn pgpass_lines_match_as_in_libpq() {
        let file = "\
# a comment line:*:*:*:nope
db.example.com:5432:carrier:alice:first
*:5432:carrier:alice:second
h\\:colon:5432:*:*:escaped host
\\*:*:*:*:literal star
*:*:*:bob:pa\\:ss\\\\word:ignored after an unescaped colon
*:*:*:carol:trailing\\
short:line
";
        let find = |h: &str, p: &str, d: &str, u: &str| pgpass_lookup(file, h, p, d, u);
        assert_eq!(
            find("db.example.com", "5432", "carrier", "alice").as_deref(),
            Some("first")
        );
        assert_eq!(
            find("other", "5432", "carrier", "alice").as_deref(),
            Some("second")
        );
        assert_eq!(find("other", "5433", "carrier", "alice"), None);
        assert_eq!(
            find("h:colon", "5432", "x", "y").as_deref(),
            Some("escaped host")
        );
        assert_eq!(find("*", "1", "x", "y").as_deref(), Some("literal star"));
        assert_eq!(
            find("anything", "1", "x", "y"),
            None,
            "\\* is not the wildcard"
        );
        assert_eq!(find("h", "1", "x", "bob").as_deref(), Some("pa:ss\\word"));
        assert_eq!(find("h", "1", "x", "carol").as_deref(), Some("trailing\\"));
        assert_eq!(find("short", "line", "x", "y"), None);
        assert_eq!(
            pgpass_lookup("h:1:d:u:pw\r\n", "h", "1", "d", "u").as_deref(),
            Some("pw")
        );
    }

    #[test]
    fn the_password_file_is_read_unless_others_can_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "h:5432:db:alice:from-file\nlocalhost:5432:*:*:socket-pw\n",
        )
        .unwrap();
        let e = env(&[("PGPASSFILE", file.to_str().unwrap())]);
        let url = "postgres://alice@h/db";

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let s = PgSettings::parse_with(url, &e).unwrap();
        assert_eq!(s.password(), Some("from-file"));
        assert_eq!(s.password_source, PasswordSource::PassFile(file.clone()));
        assert!(s.warnings.is_empty());
        // Not when the URL or PGPASSWORD gives one.
        let s = PgSettings::parse_with("postgres://alice:url@h/db", &e).unwrap();
        assert_eq!(s.password(), Some("url"));
        let mut with_env = e.clone();
        with_env.vars.insert("PGPASSWORD".into(), "env".into());
        assert_eq!(
            PgSettings::parse_with(url, &with_env).unwrap().password(),
            Some("env")
        );
        // A socket in the default folder is "localhost" in the file, as in libpq.
        let mut socket = e.clone();
        socket.default_socket_dir = Some(PathBuf::from("/run/pg"));
        let s = PgSettings::parse_with("postgres:///db", &socket).unwrap();
        assert_eq!(s.password(), Some("socket-pw"));

        for mode in [0o640, 0o604, 0o610] {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
            let s = PgSettings::parse_with(url, &e).unwrap();
            assert_eq!(s.password(), None, "mode {mode:o}");
            assert_eq!(s.password_source, PasswordSource::None);
            assert!(
                s.warnings[0].contains("group or world access"),
                "{:?}",
                s.warnings
            );
        }
        // ~/.pgpass when PGPASSFILE is not set.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::rename(&file, dir.path().join(".pgpass")).unwrap();
        let mut home = env(&[]);
        home.home = Some(dir.path().to_path_buf());
        assert_eq!(
            PgSettings::parse_with(url, &home).unwrap().password(),
            Some("from-file")
        );
    }
}
