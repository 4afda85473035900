//! The access policy: one function every service asks whether a caller may read a
//! dataset, and within which areas.

use crate::db::{Membership, Role};
use fjord_catalogue::Access;
use serde::Serialize;

/// Level of assurance of a caller's login, as ID-porten grades them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Loa {
    /// not logged in
    None,
    /// a password (`idporten-loa-substantial`, as MinID)
    Substantial,
    /// a password and a second factor (`idporten-loa-high`)
    High,
}

impl Loa {
    /// The `acr` value a token carries for this level.
    pub fn acr(self) -> Option<&'static str> {
        match self {
            Loa::None => None,
            Loa::Substantial => Some("idporten-loa-substantial"),
            Loa::High => Some("idporten-loa-high"),
        }
    }
}

/// Who is asking: a citizen or partner's employee (with the level of their login and
/// their roles), a partner's machine client (with its organisation and scopes), or
/// nobody.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Caller {
    /// the user's name or the client's id; `None` for an anonymous caller
    pub subject: Option<String>,
    /// how surely the user is who they say (machine clients: `Substantial`)
    pub loa: Loa,
    /// the roles held (a machine client holds `viewer` in its organisation)
    pub memberships: Vec<Membership>,
    /// a global administrator
    pub admin: bool,
    /// the scopes granted (machine clients and tokens)
    pub scopes: Vec<String>,
    /// credentials that came with the request and were refused, and why (the caller is
    /// then anonymous)
    pub refused: Option<String>,
}

impl Caller {
    /// Nobody in particular.
    pub fn anonymous() -> Caller {
        Caller {
            subject: None,
            loa: Loa::None,
            memberships: Vec::new(),
            admin: false,
            scopes: Vec::new(),
            refused: None,
        }
    }

    /// Whether the caller may upload, publish and roll back datasets of `org`: an
    /// uploader or admin there (within no area limit), a client of it with scope
    /// `fjord:upload`, or a global administrator.
    pub fn may_upload(&self, org: &str) -> bool {
        self.admin
            || self.memberships.iter().any(|m| m.org == org && m.role >= Role::Uploader && m.area.is_none())
            || (self.scopes.iter().any(|s| s == "fjord:upload") && self.memberships.iter().any(|m| m.org == org))
    }
}

/// What the policy answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// read it: everywhere when `areas` is empty, else only within those municipalities
    Allow {
        /// municipality numbers the caller's access is limited to
        areas: Vec<String>,
    },
    /// log in first (401)
    Unauthenticated,
    /// log in again at a higher level, with a second factor (401)
    LevelTooLow,
    /// not for this caller (403)
    Forbidden,
}

/// May `caller` read a dataset with access constraint `access`? Open data is for all;
/// `login` for anyone logged in, `level` for those logged in at that level; `partners`
/// for members of any organisation; listed organisations for their members; `roles` for
/// holders of one of the roles (or a higher one in the same organisation). A role scoped to an area grants that area only;
/// an unscoped role of the same organisation grants everything. A global administrator
/// reads all.
///
/// A private constraint (one naming a person, [`Access::is_private`]) lets in only whom
/// it names: a global administrator reads no one's form or register entry for being one.
pub fn decide(caller: &Caller, access: &Access) -> Decision {
    decide_as(caller, access, caller.admin && !access.is_private())
}

/// [`decide`], with whether the caller counts as a global administrator.
fn decide_as(caller: &Caller, access: &Access, admin: bool) -> Decision {
    let everywhere = Decision::Allow { areas: Vec::new() };
    if *access == Access::Open || admin {
        return everywhere;
    }
    if caller.subject.is_none() || caller.loa == Loa::None {
        return Decision::Unauthenticated;
    }
    let granting: Vec<&Membership> = match access {
        Access::Open | Access::Login => return everywhere,
        Access::Person(subject) => {
            return if caller.subject.as_deref() == Some(subject.as_str()) { everywhere } else { Decision::Forbidden };
        }
        Access::AnyOf(all) => return any_of(caller, all, admin),
        Access::AllOf(all) => return all_of(caller, all, admin),
        Access::Level(level) => {
            let needed = if level.eq_ignore_ascii_case("high") { Loa::High } else { Loa::Substantial };
            return if caller.loa >= needed { everywhere } else { Decision::LevelTooLow };
        }
        Access::Partners => caller.memberships.iter().collect(),
        Access::Organisations(orgs) => caller.memberships.iter().filter(|m| orgs.contains(&m.org)).collect(),
        Access::Roles(roles) => caller
            .memberships
            .iter()
            .filter(|m| {
                roles.iter().any(|r| {
                    r.split_once(':')
                        .is_some_and(|(org, role)| org == m.org && Role::parse(role).is_ok_and(|role| m.role >= role))
                })
            })
            .collect(),
    };
    if granting.is_empty() {
        return Decision::Forbidden;
    }
    if granting.iter().any(|m| m.area.is_none()) {
        return everywhere;
    }
    let mut areas: Vec<String> = granting.iter().filter_map(|m| m.area.clone()).collect();
    areas.sort();
    areas.dedup();
    Decision::Allow { areas }
}

/// The widest grant among `all`; refused, the refusal that asks least of the caller
/// (log in, then a higher level, then forbidden). None at all: forbidden.
fn any_of(caller: &Caller, all: &[Access], admin: bool) -> Decision {
    let mut best = Decision::Forbidden;
    for a in all {
        match decide_as(caller, a, admin) {
            Decision::Allow { areas } if areas.is_empty() => return Decision::Allow { areas },
            Decision::Allow { areas } => match &mut best {
                Decision::Allow { areas: got } => {
                    got.extend(areas);
                    got.sort();
                    got.dedup();
                }
                _ => best = Decision::Allow { areas },
            },
            refused if !matches!(best, Decision::Allow { .. }) && rank(&refused) < rank(&best) => best = refused,
            _ => {}
        }
    }
    best
}

/// Granted only when every one of `all` grants, within the areas they all grant.
fn all_of(caller: &Caller, all: &[Access], admin: bool) -> Decision {
    let mut areas: Option<Vec<String>> = None;
    for a in all {
        match decide_as(caller, a, admin) {
            Decision::Allow { areas: some } if some.is_empty() => {}
            Decision::Allow { areas: some } => {
                areas = Some(match areas {
                    None => some,
                    Some(had) => had.into_iter().filter(|a| some.contains(a)).collect(),
                });
                if areas.as_ref().is_some_and(Vec::is_empty) {
                    return Decision::Forbidden;
                }
            }
            refused => return refused,
        }
    }
    Decision::Allow { areas: areas.unwrap_or_default() }
}

/// How much a refusal asks of the caller: logging in is the least, nothing helps the most.
fn rank(d: &Decision) -> u8 {
    match d {
        Decision::Allow { .. } => 0,
        Decision::Unauthenticated => 1,
        Decision::LevelTooLow => 2,
        Decision::Forbidden => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(org: &str, role: Role, area: Option<&str>) -> Membership {
        Membership { org: org.into(), role, area: area.map(str::to_string) }
    }

    fn user(memberships: Vec<Membership>) -> Caller {
        Caller { subject: Some("kari".into()), loa: Loa::Substantial, memberships, ..Caller::anonymous() }
    }

    #[test]
    fn each_kind_of_caller_against_each_constraint() {
        let nve = Access::Organisations(vec!["nve".into()]);
        let anonymous = Caller::anonymous();
        let citizen = user(vec![]);
        let partner = user(vec![member("kartverket", Role::Viewer, None)]);
        let nve_oslo = user(vec![member("nve", Role::Viewer, Some("0301"))]);
        let admin = Caller { admin: true, ..Caller::anonymous() };
        let all = Decision::Allow { areas: vec![] };
        for (caller, open, login, partners, listed) in [
            (&anonymous, all.clone(), Decision::Unauthenticated, Decision::Unauthenticated, Decision::Unauthenticated),
            (&citizen, all.clone(), all.clone(), Decision::Forbidden, Decision::Forbidden),
            (&partner, all.clone(), all.clone(), all.clone(), Decision::Forbidden),
            (
                &nve_oslo,
                all.clone(),
                all.clone(),
                Decision::Allow { areas: vec!["0301".into()] },
                Decision::Allow { areas: vec!["0301".into()] },
            ),
            (&admin, all.clone(), all.clone(), all.clone(), all.clone()),
        ] {
            assert_eq!(decide(caller, &Access::Open), open, "{caller:?}");
            assert_eq!(decide(caller, &Access::Login), login, "{caller:?}");
            assert_eq!(decide(caller, &Access::Partners), partners, "{caller:?}");
            assert_eq!(decide(caller, &nve), listed, "{caller:?}");
        }
        // a level: substantial is not enough for high; roles: a higher role counts
        let high = Access::Level("high".into());
        assert_eq!(decide(&citizen, &high), Decision::LevelTooLow);
        assert_eq!(decide(&Caller { loa: Loa::High, ..citizen.clone() }, &high), all);
        assert_eq!(decide(&anonymous, &high), Decision::Unauthenticated);
        let uploaders = Access::Roles(vec!["nve:uploader".into()]);
        assert_eq!(decide(&nve_oslo, &uploaders), Decision::Forbidden, "a viewer is no uploader");
        assert_eq!(decide(&user(vec![member("nve", Role::Admin, None)]), &uploaders), all);
        assert_eq!(decide(&partner, &uploaders), Decision::Forbidden);
        // an unscoped role beside a scoped one grants everything
        let both = user(vec![member("nve", Role::Viewer, Some("0301")), member("nve", Role::Uploader, None)]);
        assert_eq!(decide(&both, &nve), all);
    }

    #[test]
    fn a_person_and_combined_constraints() {
        let all = Decision::Allow { areas: vec![] };
        let kari = user(vec![]);
        let ola = Caller { subject: Some("ola".into()), ..kari.clone() };
        let clerk = Caller { subject: Some("per".into()), ..user(vec![member("nav", Role::Viewer, None)]) };
        let admin = Caller { admin: true, subject: Some("root".into()), ..kari.clone() };
        let sent = Access::AnyOf(vec![Access::Person("kari".into()), Access::Roles(vec!["nav:viewer".into()])]);
        assert_eq!(decide(&kari, &sent), all);
        assert_eq!(decide(&clerk, &sent), all);
        assert_eq!(decide(&ola, &sent), Decision::Forbidden);
        assert_eq!(decide(&Caller::anonymous(), &sent), Decision::Unauthenticated);
        assert_eq!(decide(&admin, &sent), Decision::Forbidden, "private: an administrator is nobody special");
        let entry = Access::AllOf(vec![Access::Person("kari".into()), Access::Level("high".into())]);
        assert_eq!(decide(&kari, &entry), Decision::LevelTooLow);
        assert_eq!(decide(&Caller { loa: Loa::High, ..kari.clone() }, &entry), all);
        assert_eq!(decide(&ola, &entry), Decision::Forbidden);
        assert!(entry.is_private() && sent.is_private() && !Access::Partners.is_private());
        // areas: any of them widens, all of them narrows
        let oslo = user(vec![member("nve", Role::Viewer, Some("0301")), member("nav", Role::Viewer, Some("3201"))]);
        let either =
            Access::AnyOf(vec![Access::Roles(vec!["nve:viewer".into()]), Access::Roles(vec!["nav:viewer".into()])]);
        assert_eq!(decide(&oslo, &either), Decision::Allow { areas: vec!["0301".into(), "3201".into()] });
        let both =
            Access::AllOf(vec![Access::Roles(vec!["nve:viewer".into()]), Access::Roles(vec!["nav:viewer".into()])]);
        assert_eq!(decide(&oslo, &both), Decision::Forbidden, "no municipality in both");
    }

    #[test]
    fn uploads_need_the_role_or_the_scope_in_that_organisation() {
        assert!(user(vec![member("nve", Role::Uploader, None)]).may_upload("nve"));
        assert!(!user(vec![member("nve", Role::Viewer, None)]).may_upload("nve"));
        assert!(!user(vec![member("nve", Role::Uploader, None)]).may_upload("kartverket"));
        assert!(
            !user(vec![member("nve", Role::Uploader, Some("0301"))]).may_upload("nve"),
            "an area role uploads nothing"
        );
        let machine = Caller { scopes: vec!["fjord:upload".into()], ..user(vec![member("nve", Role::Viewer, None)]) };
        assert!(machine.may_upload("nve") && !machine.may_upload("kartverket"));
    }
}
