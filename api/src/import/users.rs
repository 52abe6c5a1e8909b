//! Legacy `users` rows: checked, then `UserImported` events with their bcrypt hashes
//! written to the credential store in the same transaction.
use std::collections::{HashMap, HashSet};

use joan_domain::Timestamp;
use joan_domain::UserId;
use joan_domain::user::{Email, UserEvent, UserName};

use super::ImportError;
use super::append::{Batcher, Stamp};
use super::known::Known;
use super::report::TableReport;
use super::source::Record;
use crate::auth::credentials::{Import, Insert};
use crate::auth::password;
use crate::auth::write;

/// A legacy user ready to be imported.
struct LegacyUser {
    id: UserId,
    email: String,
    name: String,
    is_active: bool,
    role: String,
    hash: String,
    created_at: Timestamp,
    updated_at: Timestamp,
}

/// A role of the old system: a short word.
const MAX_ROLE_CHARS: usize = 50;

fn check(record: &Record) -> Result<LegacyUser, String> {
    let id = UserId::from(record.uuid("id")?);
    let raw_email = record.required("email")?;
    let email = Email::parse(raw_email).map_err(|e| format!("email {raw_email:?}: {e}"))?;
    // The old system allowed no name; Joan's users always have one, so it is empty.
    let name = match record.text("name")? {
        Some(raw) => UserName::parse(raw).map_err(|e| format!("name: {e}"))?.into(),
        None => String::new(),
    };
    let hash = record.required("hashed_password")?;
    if !password::is_legacy(hash) {
        return Err("hashed_password is not a bcrypt hash".into());
    }
    let role = record.text("role")?.unwrap_or("user");
    if role.is_empty() || role.chars().count() > MAX_ROLE_CHARS {
        return Err(format!("role {role:?} is not a role"));
    }
    let created_at = record.timestamp("created_at")?;
    Ok(LegacyUser {
        id,
        email: email.into(),
        name,
        is_active: record.flag("is_active", true)?,
        role: role.to_string(),
        hash: hash.to_string(),
        created_at,
        updated_at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
    })
}

/// Checks every user, adds the importable ones to `batches` and to `known` (as `users`).
/// `taken` holds the emails Joan's accounts already sign in with, by user id.
pub fn plan(
    records: &[Record],
    known: &mut Known,
    taken: &HashMap<String, String>,
    stamp: &Stamp,
    report: &mut TableReport,
    batches: &mut Batcher,
) -> Result<(), ImportError> {
    let mut emails: HashSet<String> = HashSet::new();
    // Each batch's credentials, written in its transaction.
    let mut credentials: Vec<Vec<Insert>> = Vec::new();
    for record in records {
        let user = match check(record) {
            Ok(user) => user,
            Err(reason) => {
                report.refuse(record.id(), reason);
                continue;
            }
        };
        let id = user.id.to_string();
        if known.exists("user", &id) {
            report.already += 1;
            known.add("users", id.clone(), id);
            continue;
        }
        if let Some(owner) = taken.get(&user.email) {
            report.refuse(id, format!("email {} is already used by account {owner}", user.email));
            continue;
        }
        if !emails.insert(user.email.clone()) {
            report.refuse(id, format!("email {} is used by another row of users", user.email));
            continue;
        }
        let event = UserEvent::UserImported {
            user_id: user.id,
            email: user.email.clone(),
            name: user.name,
            is_active: user.is_active,
            role: user.role,
            created_at: user.created_at,
            at: user.updated_at,
        };
        batches.push(stamp.stream("user", &id, &id, &[(event, user.created_at)])?, 1);
        credentials.resize_with(batches.batches.len(), Vec::new);
        if let Some(last) = credentials.last_mut() {
            last.push(Insert {
                user_id: id.clone(),
                email: user.email,
                password_hash: user.hash,
                at: user.updated_at.to_rfc3339(),
            });
        }
        known.add("users", id.clone(), id);
        report.imported += 1;
    }
    for (batch, inserts) in batches.batches.iter_mut().zip(credentials) {
        batch.hook = Some(write::hook(Import(inserts)).0);
    }
    Ok(())
}
