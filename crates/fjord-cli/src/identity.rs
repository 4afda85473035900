//! `fjord users`, `fjord orgs`, `fjord clients`, `fjord audit`: the identity database
//! from the command line. Passwords are read from standard input (never arguments, which
//! other users of the machine can see).

use anyhow::Context;
use clap::Subcommand;
use fjord_auth::{AuditQuery, Identities, Role};
use fjord_server::Config;
use std::io::BufRead;

/// `fjord users ...`
#[derive(Subcommand)]
pub enum UsersCommand {
    /// Register a user; the password is read from standard input
    Add {
        /// the login name (3–64 of a–z, 0–9, . _ - @)
        username: String,
        /// make the user a global administrator
        #[arg(long)]
        admin: bool,
    },
    /// Set a user's password (read from standard input); lifts a lockout
    Passwd {
        /// the login name
        username: String,
    },
    /// Make a user a global administrator, or no longer one
    Admin {
        /// the login name
        username: String,
        /// take the role away instead
        #[arg(long)]
        off: bool,
    },
    /// Start enrolling a second factor: prints the otpauth:// URI for an authenticator app
    Totp {
        /// the login name
        username: String,
    },
    /// List the users and their roles
    List,
}

/// `fjord orgs ...`
#[derive(Subcommand)]
pub enum OrgsCommand {
    /// Register a partner organisation
    Add {
        /// its id in fjord, as datasets name their owner (e.g. kartverket)
        slug: String,
        /// its organisation number (9 digits)
        #[arg(long)]
        number: String,
        /// its name
        #[arg(long)]
        name: String,
    },
    /// Give a user a role in an organisation
    Member {
        /// the organisation's id
        org: String,
        /// the user's login name
        username: String,
        /// viewer, uploader or admin
        #[arg(long, default_value = "viewer")]
        role: String,
        /// limit the role to one municipality (4-digit number)
        #[arg(long)]
        area: Option<String>,
    },
    /// List the organisations
    List,
}

/// `fjord clients ...`
#[derive(Subcommand)]
pub enum ClientsCommand {
    /// Register a client: with --org a partner's system (its secret is printed once),
    /// else a public app that logs users in with PKCE
    Add {
        /// a display name
        name: String,
        /// the organisation a machine client acts for
        #[arg(long)]
        org: Option<String>,
        /// a scope it may ask for (repeat), e.g. fjord:upload
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// where a public client is sent back after login (repeat; exact match)
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
    },
    /// List the clients
    List,
}

/// `fjord keys ...`
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Make a new signing key; the old one stays published (and accepted) until the
    /// tokens it signed have expired
    Rotate,
}

/// Run a `fjord keys` command.
pub fn keys(config: &Config, cmd: KeysCommand) -> anyhow::Result<()> {
    let ids = open(config)?;
    match cmd {
        KeysCommand::Rotate => {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
            println!("signing with key {}", ids.rotate_keys(now)?);
        }
    }
    Ok(())
}

/// `fjord audit`: the newest entries of the audit log
#[derive(clap::Args)]
pub struct AuditArgs {
    /// only this user or client
    #[arg(long)]
    who: Option<String>,
    /// only this kind of act (login, token, upload, publish, rollback, read)
    #[arg(long)]
    action: Option<String>,
    /// only from this time on (RFC 3339)
    #[arg(long)]
    since: Option<String>,
    /// at most this many
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

fn open(config: &Config) -> anyhow::Result<Identities> {
    std::fs::create_dir_all(&config.data.dir).with_context(|| config.data.dir.display().to_string())?;
    Ok(Identities::open(&fjord_server::identity_path(config))?)
}

/// The first line of standard input, without its line end.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Run a `fjord users` command.
pub fn users(config: &Config, cmd: UsersCommand) -> anyhow::Result<()> {
    let ids = open(config)?;
    match cmd {
        UsersCommand::Add { username, admin } => {
            let user = ids.add_user(&username, &password_from_stdin()?)?;
            if admin {
                ids.set_admin(&username, true)?;
            }
            println!("added user {}{}", user.username, if admin { " (administrator)" } else { "" });
        }
        UsersCommand::Passwd { username } => {
            ids.set_password(&username, &password_from_stdin()?)?;
            println!("password of {username} set");
        }
        UsersCommand::Admin { username, off } => {
            ids.set_admin(&username, !off)?;
            println!("{username} is {}an administrator", if off { "no longer " } else { "" });
        }
        UsersCommand::Totp { username } => println!("{}", ids.enroll_totp(&username, "fjord")?),
        UsersCommand::List => {
            println!("{:<24} {:<6} {:<5} roles", "username", "admin", "totp");
            for u in ids.users()? {
                let roles: Vec<String> = ids
                    .memberships(u.id)?
                    .into_iter()
                    .map(|m| {
                        format!("{}:{}{}", m.org, m.role.as_str(), m.area.map(|a| format!("@{a}")).unwrap_or_default())
                    })
                    .collect();
                println!("{:<24} {:<6} {:<5} {}", u.username, u.admin, u.totp, roles.join(", "));
            }
        }
    }
    Ok(())
}

/// Run a `fjord orgs` command.
pub fn orgs(config: &Config, cmd: OrgsCommand) -> anyhow::Result<()> {
    let ids = open(config)?;
    match cmd {
        OrgsCommand::Add { slug, number, name } => {
            let org = ids.add_org(&slug, &number, &name)?;
            println!("added organisation {} ({}, {})", org.slug, org.number, org.name);
        }
        OrgsCommand::Member { org, username, role, area } => {
            ids.add_member(&username, &org, Role::parse(&role)?, area.as_deref())?;
            println!("{username} is {role} of {org}{}", area.map(|a| format!(" in {a}")).unwrap_or_default());
        }
        OrgsCommand::List => {
            for o in ids.orgs()? {
                println!("{:<20} {} {}", o.slug, o.number, o.name);
            }
        }
    }
    Ok(())
}

/// Run a `fjord clients` command.
pub fn clients(config: &Config, cmd: ClientsCommand) -> anyhow::Result<()> {
    let ids = open(config)?;
    match cmd {
        ClientsCommand::Add { name, org, scopes, redirect_uris } => {
            let (client, secret) = ids.add_client(&name, org.as_deref(), &scopes, &redirect_uris)?;
            println!("client_id {}", client.client_id);
            if let Some(secret) = secret {
                println!("client_secret {secret}");
                println!("(the secret is shown this once; it is stored hashed)");
            }
        }
        ClientsCommand::List => {
            for c in ids.clients()? {
                println!(
                    "{:<24} {:<12} {:<20} scopes: {}",
                    c.client_id,
                    c.org.as_deref().unwrap_or("(public)"),
                    c.name,
                    c.scopes.join(" ")
                );
            }
        }
    }
    Ok(())
}

/// Run `fjord audit`.
pub fn audit(config: &Config, a: AuditArgs) -> anyhow::Result<()> {
    let ids = open(config)?;
    let q = AuditQuery { who: a.who, action: a.action, since: a.since, limit: Some(a.limit) };
    for e in ids.audit_log(&q)? {
        println!("{}\t{}\t{}\t{}\t{}\t{}", e.at, e.who, e.action, e.what, e.source, e.outcome);
    }
    Ok(())
}
