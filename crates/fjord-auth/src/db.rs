//! The identity database: users, organisations, memberships, clients and the audit log
//! in one SQLite file (WAL, synchronous FULL), one connection behind a mutex.

use crate::error::{Error, Result};
use crate::{password, random};
use fjord_core::Slug;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password      TEXT NOT NULL,
    admin         INTEGER NOT NULL DEFAULT 0,
    created       TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER NOT NULL DEFAULT 0,
    totp_secret   BLOB,
    totp_enabled  INTEGER NOT NULL DEFAULT 0,
    totp_last     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS orgs (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    number  TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    user_id INTEGER NOT NULL REFERENCES users(id),
    org_id  INTEGER NOT NULL REFERENCES orgs(id),
    role    TEXT NOT NULL,
    area    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, org_id, role)
);
CREATE TABLE IF NOT EXISTS clients (
    id            INTEGER PRIMARY KEY,
    client_id     TEXT NOT NULL UNIQUE,
    secret        TEXT,
    name          TEXT NOT NULL,
    org_id        INTEGER REFERENCES orgs(id),
    scopes        TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    created       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (
    kid     TEXT PRIMARY KEY,
    pkcs8   BLOB NOT NULL,
    x       TEXT NOT NULL,
    y       TEXT NOT NULL,
    created INTEGER NOT NULL,
    retired INTEGER
);
CREATE TABLE IF NOT EXISTS sessions (
    id       TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    loa      INTEGER NOT NULL,
    created  INTEGER NOT NULL,
    expires  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS codes (
    code         TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    username     TEXT NOT NULL,
    loa          INTEGER NOT NULL,
    scope        TEXT NOT NULL,
    challenge    TEXT NOT NULL,
    nonce        TEXT,
    auth_time    INTEGER NOT NULL,
    expires      INTEGER NOT NULL,
    used         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    who     TEXT NOT NULL,
    action  TEXT NOT NULL,
    what    TEXT NOT NULL,
    source  TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_who ON audit(who);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// A member's role in an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// reads what the organisation may read
    Viewer,
    /// also uploads, publishes and rolls back the organisation's datasets
    Uploader,
    /// also manages the organisation's members and clients
    Admin,
}

impl Role {
    /// The role named `s` (viewer, uploader, admin).
    pub fn parse(s: &str) -> Result<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "uploader" => Ok(Role::Uploader),
            "admin" => Ok(Role::Admin),
            other => Err(Error::Invalid(format!("no role '{other}': viewer, uploader or admin"))),
        }
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Uploader => "uploader",
            Role::Admin => "admin",
        }
    }
}

/// A user: a citizen or a partner's employee.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    /// row id
    pub id: i64,
    /// the login name
    pub username: String,
    /// a global administrator
    pub admin: bool,
    /// when the account was made (RFC 3339)
    pub created: String,
    /// whether a second factor is enrolled
    pub totp: bool,
}

/// An organisation (a partner agency).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Org {
    /// its id in fjord (as datasets name their owner)
    pub slug: String,
    /// its Norwegian organisation number (9 digits)
    pub number: String,
    /// its name
    pub name: String,
}

/// A role a user holds in an organisation, maybe only within an area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// the organisation's slug
    pub org: String,
    /// the role
    pub role: Role,
    /// the municipality number the role is limited to, as GeoNorge scopes some partners
    pub area: Option<String>,
}

/// A registered client of the identity gateway: a partner's system (with a secret,
/// for client_credentials) or a browser or desktop app (public, PKCE).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Client {
    /// its id
    pub client_id: String,
    /// a display name
    pub name: String,
    /// the organisation it acts for (machine clients)
    pub org: Option<String>,
    /// the scopes it may ask for
    pub scopes: Vec<String>,
    /// where it may be sent back to after login (exact matches only)
    pub redirect_uris: Vec<String>,
    /// whether it has a secret (confidential) or not (public, PKCE only)
    pub confidential: bool,
}

/// The identity database.
pub struct Identities {
    conn: Mutex<Connection>,
}

fn user_of(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User { id: r.get(0)?, username: r.get(1)?, admin: r.get(2)?, created: r.get(3)?, totp: r.get(4)? })
}

const USER_COLUMNS: &str = "id, username, admin, created, totp_enabled";

/// Whether `number` is a valid Norwegian organisation number: 9 digits, the last a
/// modulus-11 check digit with weights 3 2 7 6 5 4 3 2.
pub fn valid_org_number(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 9 || number.len() != 9 {
        return false;
    }
    let sum: u32 = digits[..8].iter().zip([3, 2, 7, 6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => digits[8] == 0,
        10 => false,
        check => digits[8] == check,
    }
}

/// A username: 3 to 64 of a–z, 0–9, `.`, `_`, `-`, `@`.
fn check_username(name: &str) -> Result<()> {
    let ok = (3..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!("'{name}' is no username: 3–64 of a–z, 0–9, '.', '_', '-', '@'")))
    }
}

impl Identities {
    /// Open (creating if needed) the identity database at `path`.
    pub fn open(path: &Path) -> Result<Identities> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Identities { conn: Mutex::new(conn) })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Register a user with a password that meets the rules.
    pub fn add_user(&self, username: &str, password: &str) -> Result<User> {
        check_username(username)?;
        password::check_rules(username, password)?;
        let hash = password::hash(password)?;
        let conn = self.conn();
        let taken: Option<i64> =
            conn.query_row("SELECT id FROM users WHERE username = ?1", [username], |r| r.get(0)).optional()?;
        if taken.is_some() {
            return Err(Error::Invalid(format!("the username '{username}' is taken")));
        }
        conn.execute(
            "INSERT INTO users (username, password, created) VALUES (?1, ?2, ?3)",
            params![username, hash, fjord_core::now_rfc3339()],
        )?;
        drop(conn);
        self.user(username)?.ok_or_else(|| Error::NotFound(format!("no user '{username}'")))
    }

    /// Set a user's password (it must meet the rules); lifts a lockout.
    pub fn set_password(&self, username: &str, password: &str) -> Result<()> {
        password::check_rules(username, password)?;
        let hash = password::hash(password)?;
        let n = self.conn().execute(
            "UPDATE users SET password = ?2, failures = 0, locked_until = 0 WHERE username = ?1",
            params![username, hash],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("no user '{username}'")));
        }
        Ok(())
    }

    /// Make a user a global administrator, or not.
    pub fn set_admin(&self, username: &str, admin: bool) -> Result<()> {
        let n = self.conn().execute("UPDATE users SET admin = ?2 WHERE username = ?1", params![username, admin])?;
        if n == 0 {
            return Err(Error::NotFound(format!("no user '{username}'")));
        }
        Ok(())
    }

    /// The user named `username`.
    pub fn user(&self, username: &str) -> Result<Option<User>> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1"), [username], user_of)
            .optional()?)
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY username"))?;
        let rows = st.query_map([], user_of)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Register an organisation: a slug (as datasets name their owner), a valid
    /// organisation number and a name.
    pub fn add_org(&self, slug: &str, number: &str, name: &str) -> Result<Org> {
        let slug = Slug::new(slug).map_err(|e| Error::Invalid(e.to_string()))?;
        if !valid_org_number(number) {
            return Err(Error::Invalid(format!("'{number}' is no organisation number (9 digits, modulus 11)")));
        }
        if name.trim().is_empty() {
            return Err(Error::Invalid("an organisation needs a name".into()));
        }
        self.conn()
            .execute(
                "INSERT INTO orgs (slug, number, name) VALUES (?1, ?2, ?3)",
                params![slug.as_str(), number, name.trim()],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    Error::Invalid(format!("organisation '{slug}' or number {number} is registered already"))
                }
                e => e.into(),
            })?;
        Ok(Org { slug: slug.to_string(), number: number.into(), name: name.trim().into() })
    }

    /// Every organisation, by slug.
    pub fn orgs(&self) -> Result<Vec<Org>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT slug, number, name FROM orgs ORDER BY slug")?;
        let rows = st.query_map([], |r| Ok(Org { slug: r.get(0)?, number: r.get(1)?, name: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn org_id(conn: &Connection, org: &str) -> Result<i64> {
        conn.query_row("SELECT id FROM orgs WHERE slug = ?1", [org], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no organisation '{org}'")))
    }

    /// Give a user a role in an organisation, within municipality `area` when given
    /// (a four-digit municipality number).
    pub fn add_member(&self, username: &str, org: &str, role: Role, area: Option<&str>) -> Result<()> {
        if let Some(a) = area {
            if a.len() != 4 || !a.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::Invalid(format!("'{a}' is no municipality number (4 digits)")));
            }
        }
        let conn = self.conn();
        let user: i64 = conn
            .query_row("SELECT id FROM users WHERE username = ?1", [username], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no user '{username}'")))?;
        let org_id = Self::org_id(&conn, org)?;
        conn.execute(
            "INSERT OR REPLACE INTO members (user_id, org_id, role, area) VALUES (?1, ?2, ?3, ?4)",
            params![user, org_id, role.as_str(), area.unwrap_or("")],
        )?;
        Ok(())
    }

    /// The roles user `id` holds.
    pub fn memberships(&self, user_id: i64) -> Result<Vec<Membership>> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT o.slug, m.role, m.area FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ?1 ORDER BY o.slug, m.role",
        )?;
        let rows = st.query_map([user_id], |r| {
            let (org, role, area): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok((org, role, area))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (org, role, area) = row?;
            out.push(Membership { org, role: Role::parse(&role)?, area: Some(area).filter(|a| !a.is_empty()) });
        }
        Ok(out)
    }

    /// Register a client. A machine client acts for `org` and gets a secret (returned
    /// once, stored hashed); a public one (no org) logs users in with PKCE and needs its
    /// redirect URIs.
    pub fn add_client(
        &self,
        name: &str,
        org: Option<&str>,
        scopes: &[String],
        redirect_uris: &[String],
    ) -> Result<(Client, Option<String>)> {
        if scopes.iter().any(|s| s.is_empty() || s.contains(char::is_whitespace)) {
            return Err(Error::Invalid("a scope is one word, such as fjord:upload".into()));
        }
        if let Some(u) = redirect_uris.iter().find(|u| {
            !(u.starts_with("https://") || u.starts_with("http://127.0.0.1") || u.starts_with("http://localhost"))
        }) {
            return Err(Error::Invalid(format!("redirect URI '{u}' must be https (or http on the loopback)")));
        }
        if org.is_none() && redirect_uris.is_empty() {
            return Err(Error::Invalid("a public client needs a redirect URI".into()));
        }
        let client_id = format!("fjord-{}", random::token::<8>()?);
        let secret = match org {
            Some(_) => Some(random::token::<24>()?),
            None => None,
        };
        let hash = secret.as_deref().map(password::hash).transpose()?;
        let conn = self.conn();
        let org_id = org.map(|o| Self::org_id(&conn, o)).transpose()?;
        conn.execute(
            "INSERT INTO clients (client_id, secret, name, org_id, scopes, redirect_uris, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![client_id, hash, name, org_id, scopes.join(" "), redirect_uris.join(" "), fjord_core::now_rfc3339()],
        )?;
        drop(conn);
        let client = self.client(&client_id)?.ok_or_else(|| Error::NotFound(client_id.clone()))?;
        Ok((client, secret))
    }

    /// The client `client_id`.
    pub fn client(&self, client_id: &str) -> Result<Option<Client>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT c.client_id, c.name, o.slug, c.scopes, c.redirect_uris, c.secret IS NOT NULL
                 FROM clients c LEFT JOIN orgs o ON o.id = c.org_id WHERE c.client_id = ?1",
                [client_id],
                |r| {
                    let words = |s: String| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
                    Ok(Client {
                        client_id: r.get(0)?,
                        name: r.get(1)?,
                        org: r.get(2)?,
                        scopes: words(r.get(3)?),
                        redirect_uris: words(r.get(4)?),
                        confidential: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// The client `client_id` when `secret` is its secret.
    pub fn verify_client(&self, client_id: &str, secret: &str) -> Result<Option<Client>> {
        let stored: Option<Option<String>> = self
            .conn()
            .query_row("SELECT secret FROM clients WHERE client_id = ?1", [client_id], |r| r.get(0))
            .optional()?;
        let ok = match stored.flatten() {
            Some(hash) => password::verify(secret, &hash),
            None => {
                password::verify(secret, password::decoy());
                false
            }
        };
        if ok {
            self.client(client_id)
        } else {
            Ok(None)
        }
    }

    /// Every client, by id.
    pub fn clients(&self) -> Result<Vec<Client>> {
        let ids: Vec<String> = {
            let conn = self.conn();
            let mut st = conn.prepare("SELECT client_id FROM clients ORDER BY client_id")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        ids.iter().filter_map(|id| self.client(id).transpose()).collect()
    }
}

/// An identity database in a temporary folder, for tests.
#[cfg(test)]
pub(crate) fn scratch() -> (tempfile::TempDir, Identities) {
    let dir = tempfile::tempdir().unwrap();
    let ids = Identities::open(&dir.path().join("identity.sqlite")).unwrap();
    (dir, ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_orgs_members_and_clients() {
        let (_dir, ids) = scratch();
        let kari = ids.add_user("kari", "fjell og fjord 2026").unwrap();
        assert!(!kari.admin && !kari.totp);
        assert!(ids.add_user("kari", "another long one").is_err(), "taken");
        assert!(ids.add_user("Kari Nordmann", "another long one").is_err(), "no username");
        assert!(ids.add_user("ola", "kort").is_err(), "weak password");
        assert!(valid_org_number("971040238"), "Kartverket's");
        assert!(!valid_org_number("971040239") && !valid_org_number("97104023"));
        ids.add_org("kartverket", "971040238", "Kartverket").unwrap();
        assert!(ids.add_org("kv", "971040238", "Again").is_err(), "the number is taken");
        assert!(ids.add_org("nve", "123456789", "NVE").is_err(), "a bad check digit");
        ids.add_member("kari", "kartverket", Role::Uploader, Some("0301")).unwrap();
        assert!(ids.add_member("kari", "nope", Role::Viewer, None).is_err());
        assert!(ids.add_member("kari", "kartverket", Role::Viewer, Some("Oslo")).is_err());
        assert_eq!(
            ids.memberships(kari.id).unwrap(),
            vec![Membership { org: "kartverket".into(), role: Role::Uploader, area: Some("0301".into()) }]
        );
        let (machine, secret) =
            ids.add_client("Kartverket's loader", Some("kartverket"), &["fjord:upload".into()], &[]).unwrap();
        let secret = secret.unwrap();
        assert!(machine.confidential && machine.org.as_deref() == Some("kartverket"));
        assert_eq!(ids.verify_client(&machine.client_id, &secret).unwrap(), Some(machine.clone()));
        assert_eq!(ids.verify_client(&machine.client_id, "wrong").unwrap(), None);
        assert!(ids.add_client("QGIS", None, &[], &[]).is_err(), "a public client needs a redirect URI");
        assert!(ids.add_client("Evil", None, &[], &["http://evil.example/cb".into()]).is_err());
        let (public, none) =
            ids.add_client("QGIS", None, &["openid".into()], &["http://127.0.0.1:7070/".into()]).unwrap();
        assert!(none.is_none() && !public.confidential);
        assert_eq!(ids.clients().unwrap().len(), 2);
    }
}
