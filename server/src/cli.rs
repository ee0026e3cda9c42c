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
}
