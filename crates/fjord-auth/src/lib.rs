//! fjord's identities, as Norway's infrastructure has them: citizens who log in with a
//! password (level of assurance "substantial", as MinID) and raise a session to "high"
//! with a second factor (TOTP, as Buypass/Commfides); partner organisations with an
//! organisation number whose members hold roles (viewer, uploader, admin), optionally
//! scoped to an area; machine clients of an organisation (as Maskinporten's); an
//! append-only audit log; and the one access policy every service asks.
//!
//! Everything lives in one SQLite file beside the catalogue (`identity.sqlite`).

mod audit;
mod db;
mod error;
pub mod flows;
mod keys;
mod login;
mod password;
pub mod policy;
mod random;
mod tokens;
pub mod totp;

pub use audit::{AuditEntry, AuditQuery};
pub use db::{Client, Identities, Membership, Org, Role, User};
pub use error::{Error, Result};
pub use login::{LoginError, LOCKOUT_AFTER};
pub use password::check_rules;
pub use policy::{decide, Caller, Decision, Loa};
pub use tokens::{Claims, Grant, IdToken, Issuer, TokenError};
