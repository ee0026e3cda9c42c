//! The command line: `roundtable [serve|migrate|seed-demo]`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Roundtable: consultations, paid expert time and mentorship for advisory councils.
#[derive(Debug, Parser)]
#[command(name = "roundtable", version, about)]
pub struct Cli {
    /// A TOML file with settings (environment variables override it).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve {
        /// Demo mode: seed an empty database and offer demo sign-in (loopback only).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create the demo council, people and sample consultation, then exit.
    SeedDemo,
    /// Set up councils and their admins.
    #[command(subcommand)]
    Council(CouncilCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// `roundtable council …`
#[derive(Debug, Subcommand)]
pub enum CouncilCommand {
    /// Create a council.
    Create {
        /// Short unique name for the command line, e.g. `at`.
        #[arg(long)]
        slug: String,
        /// The council's name.
        #[arg(long)]
        name: String,
        /// Two-letter country code, e.g. AT.
        #[arg(long)]
        country: String,
        /// Languages, comma-separated, the default first (en, fr).
        #[arg(long, value_delimiter = ',', default_value = "en")]
        languages: Vec<String>,
        /// IANA time zone, e.g. Europe/Vienna.
        #[arg(long)]
        time_zone: String,
        /// Three-letter currency code, e.g. EUR.
        #[arg(long)]
        currency: String,
    },
    /// Invite a council admin by email (the server's mail worker sends the invitation).
    AddAdmin {
        /// The council's slug.
        #[arg(long)]
        council: String,
        /// The admin's email address.
        #[arg(long)]
        email: String,
    },
}

/// `roundtable audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; exits non-zero and names the first broken row if any.
    Verify,
}
