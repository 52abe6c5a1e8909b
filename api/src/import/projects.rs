//! Legacy `projects` and `project_memberships` rows: a `ProjectImported` per project (its
//! owner becomes its owner member, as a creator does), followed in its stream by a
//! `ProjectMemberAdded` per old membership, keeping the membership's id, role and time.
use std::collections::{HashMap, HashSet};

use joan_domain::project::{Money, Project, ProjectEvent, ProjectName, ProjectStatus, Role};
use joan_domain::task::Description;
use joan_domain::{ProjectId, Timestamp, UserId};
use uuid::Uuid;

use super::ImportError;
use super::append::{Batcher, Stamp};
use super::earlier::Stream;
use super::known::Known;
use super::report::{BadRow, TableReport};
use super::rules::{self, References, parsed};
use super::source::Record;

/// A checked project, ready but for its members.
struct Checked {
    id: Uuid,
    owner: UserId,
    created_at: Timestamp,
    event: ProjectEvent,
    dropped: Vec<BadRow>,
}

fn check(record: &Record, known: &Known) -> Result<Checked, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let name = parsed("name", ProjectName::parse(record.required("name")?))?;
    let description = rules::optional(record, "description", Description::parse)?;
    let status = record.text("status")?.unwrap_or("planning");
    let status = ProjectStatus::parse(status).map_err(|e| format!("status {status:?}: {e}"))?;
    let day = |column: &str| record.text(column)?.map(|raw| rules::day(column, raw)).transpose();
    let (start_date, end_date) = (day("start_date")?, day("end_date")?);
    match (&start_date, &end_date) {
        (Some(start), Some(end)) if end < start => {
            return Err(format!("end_date {end} is before start_date {start}"));
        }
        _ => {}
    }
    let money = |column: &str| -> Result<Option<String>, String> {
        record
            .decimal(column)?
            .map(|raw| parsed(column, Money::parse(&raw)).map(String::from))
            .transpose()
    };
    let mut references = References::new(record, "projects", Some(owner));
    let client_id = references.keep("client_id", "clients", known)?;
    let created_at = record.timestamp("created_at")?;
    Ok(Checked {
        id,
        owner,
        created_at,
        event: ProjectEvent::ProjectImported {
            project_id: ProjectId::from(id),
            user_id: owner,
            client_id: client_id.map(Into::into),
            name: name.into(),
            description: description.map(String::from),
            status,
            start_date,
            end_date,
            budget: money("budget")?,
            hourly_rate: money("hourly_rate")?,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: references.dropped,
    })
}

/// A membership that passed its own checks; its project is checked with the project.
struct Member {
    id: Uuid,
    user: Uuid,
    role: Role,
    created_at: Option<Timestamp>,
}

/// The memberships by the project they name, each row checked on its own.
fn members_by_project(records: &[Record], known: &Known, report: &mut TableReport) -> HashMap<Uuid, Vec<Member>> {
    let mut by_project: HashMap<Uuid, Vec<Member>> = HashMap::new();
    let mut seen = HashSet::new();
    for record in records {
        let checked = (|| -> Result<(Uuid, Member), String> {
            let user = record.uuid("user_id")?;
            if !known.has("users", &user.to_string()) {
                return Err(format!("user {user} is missing"));
            }
            let role = record.text("role")?.unwrap_or("member");
            let member = Member {
                id: record.uuid("id")?,
                user,
                role: Role::parse(role).map_err(|e| format!("role {role:?}: {e}"))?,
                created_at: record.timestamp_opt("created_at")?,
            };
            Ok((record.uuid("project_id")?, member))
        })();
        match checked {
            Ok((_, m)) if !seen.insert(m.id) => report.refuse(m.id.to_string(), "the id is used twice"),
            Ok((project, m)) => by_project.entry(project).or_default().push(m),
            Err(reason) => report.refuse(record.id(), reason),
        }
    }
    by_project
}

/// Of a project's member events, those its stream in Joan lacks: never taken in (by the
/// membership's id), of a user who is not a member now (one added in Joan, or removed since,
/// is left as it is).
fn missing_from(stream: &Stream<Project>, added: Vec<(ProjectEvent, Timestamp)>) -> Vec<(ProjectEvent, Timestamp)> {
    let taken: HashSet<Uuid> = stream
        .events
        .iter()
        .filter_map(|e| match e {
            ProjectEvent::ProjectMemberAdded {
                membership_id: Some(id),
                ..
            } => Some(*id),
            _ => None,
        })
        .collect();
    added
        .into_iter()
        .filter(|(event, _)| match event {
            ProjectEvent::ProjectMemberAdded {
                user_id, membership_id, ..
            } => !membership_id.is_some_and(|id| taken.contains(&id)) && !stream.state.members.contains_key(user_id),
            _ => false,
        })
        .collect()
}

/// Checks projects and their memberships and adds the importable ones to `batches`, and the
/// projects and their members to `known`. A project Joan holds already (`earlier`) gets only
/// the members it lacks, at the end of its stream.
pub fn plan(
    projects: &[Record],
    memberships: &[Record],
    earlier: &HashMap<String, Stream<Project>>,
    known: &mut Known,
    stamp: &Stamp,
    reports: (&mut TableReport, &mut TableReport),
    batches: &mut Batcher,
) -> Result<(), ImportError> {
    let (project_report, member_report) = reports;
    let mut members = members_by_project(memberships, known, member_report);
    let mut seen = HashSet::new();
    for record in projects {
        let project = match check(record, known) {
            Ok(p) => p,
            Err(reason) => {
                project_report.refuse(record.id(), reason);
                continue;
            }
        };
        let (id, owner) = (project.id.to_string(), project.owner.to_string());
        if !seen.insert(project.id) {
            project_report.refuse(id, "the id is used twice");
            continue;
        }
        let mut stream = vec![(project.event, project.created_at)];
        let mut joined = HashSet::from([owner.clone()]);
        for member in members.remove(&project.id).unwrap_or_default() {
            let user = member.user.to_string();
            if user == owner {
                member_report.refuse(member.id.to_string(), "the user owns the project (its owner member)");
                continue;
            }
            if !joined.insert(user.clone()) {
                member_report.refuse(member.id.to_string(), format!("user {user} is a member twice"));
                continue;
            }
            let at = member.created_at.unwrap_or(project.created_at);
            let event = ProjectEvent::ProjectMemberAdded {
                user_id: UserId::from(member.user),
                role: member.role,
                membership_id: Some(member.id),
                at,
            };
            stream.push((event, at));
        }
        for user in joined {
            known.add_member(id.clone(), user);
        }
        known.add("projects", id.clone(), owner.clone());
        let added = stream.len() as u64 - 1;
        if known.exists("project", &id) {
            project_report.already += 1;
            let now = earlier.get(&id).filter(|now| !now.state.life.deleted);
            let mut new = match now {
                Some(now) => missing_from(now, stream.split_off(1)),
                None => Vec::new(),
            };
            member_report.already += added - new.len() as u64;
            if let (Some(now), false) = (now, new.is_empty()) {
                new.sort_by_key(|(_, at)| *at);
                batches.push(
                    stamp.stream_from("project", &id, &owner, now.next(), &new)?,
                    new.len() as u64,
                );
                member_report.imported += new.len() as u64;
            }
            continue;
        }
        project_report.dropped_references.extend(project.dropped);
        // The project first, then its members by when they joined.
        stream[1..].sort_by_key(|(_, at)| *at);
        batches.push(stamp.stream("project", &id, &owner, &stream)?, 1 + added);
        project_report.imported += 1;
        member_report.imported += added;
    }
    let mut orphans: Vec<(String, Uuid)> = members
        .into_iter()
        .flat_map(|(project, rows)| rows.into_iter().map(move |m| (m.id.to_string(), project)))
        .collect();
    orphans.sort();
    for (id, project) in orphans {
        member_report.refuse(id, format!("project {project} is missing or was not imported"));
    }
    Ok(())
}
