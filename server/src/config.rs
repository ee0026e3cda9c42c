//! Configuration: environment variables, optionally a TOML file, checked at start.
//!
//! Every setting is parsed into its real type here ("parse, don't validate"); a bad value
//! stops the server with one line naming the setting.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use url::Url;

/// A configuration problem, named by the environment variable that sets it.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct ConfigError {
    /// The environment variable (or file key) at fault.
    pub setting: &'static str,
    /// What is wrong, in one line.
    pub message: String,
}

impl ConfigError {
    fn new(setting: &'static str, message: impl Into<String>) -> Self {
        Self {
            setting,
            message: message.into(),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Where outgoing mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// An SMTP server, e.g. `smtp://user:pass@host:587?tls=required` or `smtps://host:465`.
    Smtp(Url),
    /// Development: each mail is written as a file into this folder.
    Folder(PathBuf),
}

/// The 256-bit key for field encryption; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(pub [u8; 32]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// The server's whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (default `data/roundtable.db`) or `postgres://…`.
    pub database_url: String,
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Public address people use; `None` means `http://` + the bound address.
    pub base_url: Option<Url>,
    /// Outgoing mail.
    pub mail: MailTransport,
    /// Sender address of outgoing mail.
    pub mail_from: String,
    /// Where the field-encryption key lives.
    pub key_file: PathBuf,
    /// Where quick exit leads.
    pub exit_url: Url,
    /// Folder with the built site (`pkg/`, assets).
    pub site_root: PathBuf,
    /// Demo mode (demo sign-in page; seeding an empty database). Only honoured on loopback.
    pub demo: bool,
    /// Apply pending migrations at start.
    pub auto_migrate: bool,
    /// Run the background jobs (mail worker, phase job, session sweeper) in this process.
    pub background_jobs: bool,
    /// Log format.
    pub log_format: LogFormat,
    /// The OpenID Connect provider, if sign-in through one is offered.
    pub oidc: Option<OidcConfig>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (rate limits count the client).
    pub trusted_proxies: roundtable_app::domain::platform::client::TrustedProxies,
}

/// An OpenID Connect provider (authorization code flow with PKCE).
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer; discovery reads `<issuer>/.well-known/openid-configuration`.
    pub issuer: Url,
    /// This deployment's client id at the provider.
    pub client_id: String,
    /// Its client secret; never printed.
    pub client_secret: String,
    /// The sign-in button's label.
    pub label: String,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// The settings, by environment variable, with their defaults — the README's table.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "sqlite://data/roundtable.db?mode=rwc",
        "SQLite file, or postgres://user@host/db",
    ),
    (
        "ROUNDTABLE_LISTEN",
        "127.0.0.1:3000",
        "address and port to listen on",
    ),
    (
        "ROUNDTABLE_BASE_URL",
        "http://<listen address>",
        "public URL people use (https in production)",
    ),
    (
        "ROUNDTABLE_SMTP_URL",
        "(none: mail goes to a folder)",
        "smtp://user:pass@host:587?tls=required or smtps://host:465",
    ),
    (
        "ROUNDTABLE_MAIL_DIR",
        "data/mail",
        "folder for mail when no SMTP server is set",
    ),
    (
        "ROUNDTABLE_MAIL_FROM",
        "Roundtable <no-reply@localhost>",
        "sender of outgoing mail (keep it neutral)",
    ),
    (
        "ROUNDTABLE_KEY_FILE",
        "data/secret.key",
        "field-encryption keys, one per line (64 hex digits each; the first encrypts, all decrypt); created if the default is missing",
    ),
    (
        "ROUNDTABLE_EXIT_URL",
        "https://www.bbc.com/weather",
        "where quick exit leads",
    ),
    (
        "ROUNDTABLE_SITE_ROOT",
        "target/site",
        "built site folder (cargo leptos build)",
    ),
    (
        "ROUNDTABLE_DEMO",
        "false",
        "demo mode (also `serve --demo`); only on a loopback address",
    ),
    (
        "ROUNDTABLE_AUTO_MIGRATE",
        "true",
        "apply migrations at start",
    ),
    (
        "ROUNDTABLE_BACKGROUND_JOBS",
        "true",
        "run the mail worker and timed jobs in this process (false: web only)",
    ),
    ("ROUNDTABLE_LOG_FORMAT", "text", "text or json"),
    (
        "ROUNDTABLE_TRUSTED_PROXIES",
        "(none)",
        "reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the client",
    ),
    (
        "ROUNDTABLE_OIDC_ISSUER",
        "(none: no OpenID Connect sign-in)",
        "issuer URL of the OpenID Connect provider",
    ),
    (
        "ROUNDTABLE_OIDC_CLIENT_ID",
        "(none)",
        "client id registered at the provider",
    ),
    (
        "ROUNDTABLE_OIDC_CLIENT_SECRET",
        "(none)",
        "client secret registered at the provider",
    ),
    (
        "ROUNDTABLE_OIDC_LABEL",
        "Sign in with your organisation account",
        "label of the OpenID Connect sign-in button",
    ),
    (
        "ROUNDTABLE_CONFIG",
        "(none)",
        "optional TOML file with the same settings in lower case, without the prefix",
    ),
];

const DEFAULT_KEY_FILE: &str = "data/secret.key";

/// Raw settings by variable name, from the file then the environment (environment wins).
#[derive(Debug, Default, Clone)]
pub struct Sources {
    values: HashMap<&'static str, String>,
}

impl Sources {
    /// Reads the optional config file and the process environment.
    pub fn from_env(config_file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut sources = Self::default();
        let file = config_file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("ROUNDTABLE_CONFIG").map(PathBuf::from));
        if let Some(file) = file {
            sources.merge_file(&file)?;
        }
        for (name, _, _) in SETTINGS {
            if let Ok(value) = std::env::var(name) {
                sources.values.insert(name, value);
            }
        }
        Ok(sources)
    }

    /// Settings given directly (tests).
    pub fn from_pairs(pairs: &[(&'static str, &str)]) -> Self {
        Self {
            values: pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        }
    }

    /// Sets one value (tests, CLI flags).
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        self.values.insert(name, value.into());
    }

    fn merge_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(
                "ROUNDTABLE_CONFIG",
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            ConfigError::new(
                "ROUNDTABLE_CONFIG",
                format!("{} is not valid TOML: {}", path.display(), e.message()),
            )
        })?;
        for (key, value) in table {
            let Some((name, _, _)) = SETTINGS.iter().find(|(name, _, _)| {
                name.trim_start_matches("ROUNDTABLE_")
                    .eq_ignore_ascii_case(&key)
            }) else {
                return Err(ConfigError::new(
                    "ROUNDTABLE_CONFIG",
                    format!("unknown setting `{key}` in {}", path.display()),
                ));
            };
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => {
                    return Err(ConfigError::new(
                        name,
                        "must be a string, number or boolean",
                    ));
                }
            };
            self.values.insert(name, text);
        }
        Ok(())
    }

    fn get(&self, name: &'static str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

impl Config {
    /// Parses and checks every setting.
    pub fn from_sources(sources: &Sources) -> Result<Self, ConfigError> {
        let database_url = sources
            .get("DATABASE_URL")
            .unwrap_or("sqlite://data/roundtable.db?mode=rwc")
            .to_owned();
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError::new(
                "DATABASE_URL",
                "must start with sqlite: or postgres://",
            ));
        }
        let listen_text = sources.get("ROUNDTABLE_LISTEN").unwrap_or("127.0.0.1:3000");
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            ConfigError::new(
                "ROUNDTABLE_LISTEN",
                format!("`{listen_text}` is not an address and port like 127.0.0.1:3000"),
            )
        })?;
        let base_url = sources
            .get("ROUNDTABLE_BASE_URL")
            .map(|v| parse_http_url("ROUNDTABLE_BASE_URL", v))
            .transpose()?;
        let mail = match sources.get("ROUNDTABLE_SMTP_URL") {
            Some(v) => {
                let url = Url::parse(v).map_err(|_| {
                    ConfigError::new("ROUNDTABLE_SMTP_URL", "is not a URL like smtp://host:587")
                })?;
                if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none() {
                    return Err(ConfigError::new(
                        "ROUNDTABLE_SMTP_URL",
                        "must be smtp://host[:port] or smtps://host[:port]",
                    ));
                }
                MailTransport::Smtp(url)
            }
            None => MailTransport::Folder(PathBuf::from(
                sources.get("ROUNDTABLE_MAIL_DIR").unwrap_or("data/mail"),
            )),
        };
        let mail_from = sources
            .get("ROUNDTABLE_MAIL_FROM")
            .unwrap_or("Roundtable <no-reply@localhost>")
            .to_owned();
        if !mail_from.contains('@') {
            return Err(ConfigError::new(
                "ROUNDTABLE_MAIL_FROM",
                "must contain an email address",
            ));
        }
        let exit_url = parse_http_url(
            "ROUNDTABLE_EXIT_URL",
            sources
                .get("ROUNDTABLE_EXIT_URL")
                .unwrap_or("https://www.bbc.com/weather"),
        )?;
        let oidc = match sources.get("ROUNDTABLE_OIDC_ISSUER") {
            None => None,
            Some(issuer) => {
                let issuer = parse_http_url("ROUNDTABLE_OIDC_ISSUER", issuer)?;
                let client_id = sources
                    .get("ROUNDTABLE_OIDC_CLIENT_ID")
                    .ok_or_else(|| {
                        ConfigError::new(
                            "ROUNDTABLE_OIDC_CLIENT_ID",
                            "is required when ROUNDTABLE_OIDC_ISSUER is set",
                        )
                    })?
                    .to_owned();
                let client_secret = sources
                    .get("ROUNDTABLE_OIDC_CLIENT_SECRET")
                    .ok_or_else(|| {
                        ConfigError::new(
                            "ROUNDTABLE_OIDC_CLIENT_SECRET",
                            "is required when ROUNDTABLE_OIDC_ISSUER is set",
                        )
                    })?
                    .to_owned();
                Some(OidcConfig {
                    issuer,
                    client_id,
                    client_secret,
                    label: sources
                        .get("ROUNDTABLE_OIDC_LABEL")
                        .unwrap_or("Sign in with your organisation account")
                        .to_owned(),
                })
            }
        };
        let trusted_proxies = roundtable_app::domain::platform::client::TrustedProxies::parse(
            sources.get("ROUNDTABLE_TRUSTED_PROXIES").unwrap_or(""),
        )
        .map_err(|message| ConfigError::new("ROUNDTABLE_TRUSTED_PROXIES", message))?;
        Ok(Self {
            oidc,
            trusted_proxies,
            database_url,
            listen,
            base_url,
            mail,
            mail_from,
            key_file: PathBuf::from(
                sources
                    .get("ROUNDTABLE_KEY_FILE")
                    .unwrap_or(DEFAULT_KEY_FILE),
            ),
            exit_url,
            site_root: PathBuf::from(sources.get("ROUNDTABLE_SITE_ROOT").unwrap_or("target/site")),
            demo: parse_bool("ROUNDTABLE_DEMO", sources.get("ROUNDTABLE_DEMO"), false)?,
            auto_migrate: parse_bool(
                "ROUNDTABLE_AUTO_MIGRATE",
                sources.get("ROUNDTABLE_AUTO_MIGRATE"),
                true,
            )?,
            background_jobs: parse_bool(
                "ROUNDTABLE_BACKGROUND_JOBS",
                sources.get("ROUNDTABLE_BACKGROUND_JOBS"),
                true,
            )?,
            log_format: match sources.get("ROUNDTABLE_LOG_FORMAT").unwrap_or("text") {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => {
                    return Err(ConfigError::new(
                        "ROUNDTABLE_LOG_FORMAT",
                        format!("`{other}` is not text or json"),
                    ));
                }
            },
        })
    }

    /// Loads the field-encryption keys: one per line, 64 hex digits each, the current key
    /// first (older keys after it still decrypt, for rotation). The default key file is
    /// created on first start; a key file that was named explicitly must exist.
    pub fn load_keys(&self) -> Result<Vec<SecretKey>, ConfigError> {
        const SETTING: &str = "ROUNDTABLE_KEY_FILE";
        match std::fs::read_to_string(&self.key_file) {
            Ok(text) => {
                let bad = || {
                    ConfigError::new(
                        SETTING,
                        format!(
                            "{} must hold one key of exactly 64 hex digits per line",
                            self.key_file.display()
                        ),
                    )
                };
                let mut keys = Vec::new();
                for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    if line.len() != 64 || !line.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return Err(bad());
                    }
                    let mut key = [0u8; 32];
                    for (i, byte) in key.iter_mut().enumerate() {
                        *byte =
                            u8::from_str_radix(&line[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
                    }
                    keys.push(SecretKey(key));
                }
                if keys.is_empty() {
                    return Err(bad());
                }
                Ok(keys)
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && self.key_file == Path::new(DEFAULT_KEY_FILE) =>
            {
                let key: [u8; 32] = rand::random();
                write_key_file(&self.key_file, &key).map_err(|e| {
                    ConfigError::new(
                        SETTING,
                        format!("cannot create {}: {e}", self.key_file.display()),
                    )
                })?;
                tracing::info!(path = %self.key_file.display(), "created a new field-encryption key file; back it up");
                Ok(vec![SecretKey(key)])
            }
            Err(e) => Err(ConfigError::new(
                SETTING,
                format!("cannot read {}: {e}", self.key_file.display()),
            )),
        }
    }

    /// The neutral name in the sender address (`Name <address>`), or `Roundtable`.
    pub fn sender_name(&self) -> String {
        self.mail_from
            .split_once('<')
            .map(|(name, _)| name.trim().trim_matches('"').trim())
            .filter(|name| !name.is_empty())
            .unwrap_or("Roundtable")
            .to_owned()
    }
}

fn write_key_file(path: &Path, key: &[u8; 32]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    writeln!(file, "{hex}")
}

fn parse_http_url(setting: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|_| {
        ConfigError::new(
            setting,
            format!("`{value}` is not a URL like https://example.org"),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::new(
            setting,
            "must be an http:// or https:// URL",
        ));
    }
    Ok(url)
}

fn parse_bool(
    setting: &'static str,
    value: Option<&str>,
    default: bool,
) -> Result<bool, ConfigError> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError::new(
            setting,
            format!("`{other}` is not true or false"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let config = Config::from_sources(&Sources::default()).expect("defaults parse");
        assert_eq!(config.listen, "127.0.0.1:3000".parse().expect("addr"));
        assert!(config.database_url.starts_with("sqlite:"));
        assert!(!config.demo);
    }

    #[test]
    fn bad_values_name_their_setting() {
        let err = Config::from_sources(&Sources::from_pairs(&[("ROUNDTABLE_LISTEN", "abc")]))
            .expect_err("bad listen");
        assert_eq!(err.setting, "ROUNDTABLE_LISTEN");
        assert!(err.to_string().starts_with("ROUNDTABLE_LISTEN: "));
        for (name, value) in [
            ("DATABASE_URL", "mysql://x"),
            ("ROUNDTABLE_BASE_URL", "not a url"),
            ("ROUNDTABLE_SMTP_URL", "http://x"),
            ("ROUNDTABLE_DEMO", "maybe"),
            ("ROUNDTABLE_LOG_FORMAT", "xml"),
            ("ROUNDTABLE_EXIT_URL", "ftp://x"),
        ] {
            let err = Config::from_sources(&Sources::from_pairs(&[(name, value)])).expect_err(name);
            assert_eq!(err.setting, name);
        }
    }

    #[test]
    fn key_file_must_hold_64_hex_digits() {
        let dir = std::env::temp_dir().join(format!("rt-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("k");
        std::fs::write(&path, "abc").expect("write");
        let mut sources = Sources::default();
        sources.set("ROUNDTABLE_KEY_FILE", path.to_string_lossy());
        let config = Config::from_sources(&sources).expect("parses");
        assert_eq!(
            config.load_keys().expect_err("short key").setting,
            "ROUNDTABLE_KEY_FILE"
        );
        std::fs::write(&path, "ab".repeat(32)).expect("write");
        assert_eq!(config.load_keys().expect("valid key")[0].0, [0xab; 32]);
        std::fs::remove_file(&path).expect("missing explicit key file");
        assert!(config.load_keys().is_err());
    }
}
