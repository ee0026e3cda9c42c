//! The `roundtable` binary.

use std::process::ExitCode;

use clap::Parser;
use roundtable_server::cli::{AuditCommand, Cli, Command, CouncilCommand};
use roundtable_server::config::{Config, LogFormat, MailTransport, Sources};
use roundtable_server::{Server, StartError, app_state, open_database, operator, shutdown_signal};

/// How long the runtime waits for its last tasks at exit, after the server has stopped.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

#[global_allocator]
static ALLOCATOR: roundtable_server::Allocator = roundtable_server::Allocator;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = Sources::from_env(cli.config.as_deref()).and_then(|mut sources| {
        if let Some(Command::Serve { demo: true }) = cli.command {
            sources.set("ROUNDTABLE_DEMO", "true");
        }
        Config::from_sources(&sources)
    });
    let config = match config {
        Ok(config) => config,
        Err(err) => {
            eprintln!("roundtable: configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("roundtable: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(
        cli.command.unwrap_or(Command::Serve { demo: false }),
        config,
    ));
    // Dropping the runtime waits for its worker threads. reactive_graph 0.2 can deadlock a worker
    // when a request's owners are dropped under it (seen once, at the end of a benchmark); the
    // process must exit all the same.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("roundtable: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), StartError> {
    match command {
        Command::Serve { .. } => {
            let mail = config.mail.clone();
            let server = Server::build(config).await?;
            // Listen for SIGTERM before telling anyone we are up.
            let shutdown = shutdown_signal();
            let url = server.base_url().clone();
            say(&format!("Roundtable is running at {url}"));
            if let MailTransport::Folder(dir) = mail {
                say(&format!(
                    "No SMTP server is set: mail is written to {} (one .eml file per mail).",
                    dir.display()
                ));
            }
            if server.demo() {
                say(&format!(
                    "Demo mode: open {url}demo to act as a demo member, secretariat, finance, council admin or auditor."
                ));
            } else {
                say(
                    "Sign-in needs an invitation; operators set councils up with the command line.",
                );
            }
            server
                .run(shutdown)
                .await
                .map_err(|source| StartError::Bind {
                    addr: url_addr(&url),
                    source,
                })
        }
        Command::Migrate => {
            let mut config = config;
            config.auto_migrate = true;
            open_database(&config).await?;
            say("Database is up to date.");
            Ok(())
        }
        Command::SeedDemo => {
            let state = operator_state(config).await?;
            match roundtable_app::domain::demo::seed(&state).await {
                Ok(roundtable_app::domain::demo::SeedOutcome::Created) => {
                    say("Demo council created.")
                }
                Ok(roundtable_app::domain::demo::SeedOutcome::AlreadyPresent) => {
                    say("The demo council already exists; nothing changed.")
                }
                Err(_) => return Err(StartError::Seed),
            }
            Ok(())
        }
        Command::Council(command) => {
            let state = operator_state(config).await?;
            match command {
                CouncilCommand::Create {
                    slug,
                    name,
                    country,
                    languages,
                    time_zone,
                    currency,
                } => {
                    let id = operator::create_council(
                        &state,
                        operator::NewCouncil {
                            slug: slug.clone(),
                            name,
                            country,
                            languages,
                            time_zone,
                            currency,
                        },
                    )
                    .await?;
                    say(&format!("Council `{slug}` created ({id})."));
                    say(&format!(
                        "Next: roundtable council add-admin --council {slug} --email <address>"
                    ));
                }
                CouncilCommand::AddAdmin { council, email } => {
                    operator::add_admin(&state, &council, &email).await?;
                    say("Invitation queued; the running server sends it within seconds.");
                }
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let state = operator_state(config).await?;
            let rows = operator::verify_audit(&state).await?;
            say(&format!("Audit chain intact: {rows} rows."));
            Ok(())
        }
    }
}

/// Database and keys for an operator command (migrating first, like the server would).
async fn operator_state(
    mut config: Config,
) -> Result<roundtable_app::domain::AppState, StartError> {
    config.auto_migrate = true;
    let keys = config.load_keys()?;
    let db = open_database(&config).await?;
    let base_url = config.base_url.clone().unwrap_or_else(|| {
        url::Url::parse(&format!("http://{}", config.listen)).expect("an address is a valid URL")
    });
    Ok(app_state(&config, db, &keys, false, &base_url))
}

fn url_addr(url: &url::Url) -> std::net::SocketAddr {
    url.socket_addrs(|| None)
        .ok()
        .and_then(|a| a.into_iter().next())
        .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_sessions=warn"));
    // Logs go to stderr; stdout carries only the operator's lines.
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_target(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Prints a line for the operator. A closed stdout (a pipe whose reader went away) must not
/// bring the server down, so write errors are ignored instead of panicking like `println!`.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}
