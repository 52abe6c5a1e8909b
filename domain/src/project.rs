//! The Project aggregate: a client's project, its dates and money, and who may work on it.
//!
//! A project is shared: its members see it, with what they may do set by their role (owner,
//! admin, member, viewer). The creator is its first owner; a project always keeps one.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, Refusal, Refuse, push_change};
use crate::ids::{ClientId, ProjectId, UserId};
use crate::task::Description;
use crate::values::Timestamp;

mod values;
pub use values::{Day, Grant, Members, Money, ProjectName, ProjectStatus, Role};

/// Everything a new project starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewProject {
    pub id: ProjectId,
    pub client_id: Option<ClientId>,
    pub name: ProjectName,
    pub description: Option<Description>,
    pub status: ProjectStatus,
    pub start_date: Option<Day>,
    pub end_date: Option<Day>,
    pub budget: Option<Money>,
    pub hourly_rate: Option<Money>,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProjectChanges {
    pub client_id: Option<Option<ClientId>>,
    pub name: Option<ProjectName>,
    pub description: Option<Option<Description>>,
    pub status: Option<ProjectStatus>,
    pub start_date: Option<Option<Day>>,
    pub end_date: Option<Option<Day>>,
    pub budget: Option<Option<Money>>,
    pub hourly_rate: Option<Option<Money>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProjectCommand {
    Create(NewProject),
    Update(ProjectChanges),
    Delete,
    AddMember {
        user_id: UserId,
        role: Role,
    },
    ChangeRole {
        user_id: UserId,
        role: Role,
    },
    /// A member leaving, or being removed by an owner or admin.
    RemoveMember {
        user_id: UserId,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(ProjectEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum ProjectEvent {
    /// The creator becomes its first owner.
    ProjectCreated {
        project_id: ProjectId,
        user_id: UserId,
        client_id: Option<ClientId>,
        name: String,
        description: Option<String>,
        status: ProjectStatus,
        start_date: Option<String>,
        end_date: Option<String>,
        /// Exact decimals as text.
        budget: Option<String>,
        hourly_rate: Option<String>,
        at: Timestamp,
    },
    /// The project as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream, with the old row's `created_at` and `updated_at` (`at`).
    /// Its owner (`user_id`) becomes its first owner, as a creator does.
    ProjectImported {
        project_id: ProjectId,
        user_id: UserId,
        client_id: Option<ClientId>,
        name: String,
        description: Option<String>,
        status: ProjectStatus,
        start_date: Option<String>,
        end_date: Option<String>,
        /// Exact decimals as text.
        budget: Option<String>,
        hourly_rate: Option<String>,
        created_at: Timestamp,
        at: Timestamp,
    },
    ProjectClientChanged {
        from: Option<ClientId>,
        to: Option<ClientId>,
        at: Timestamp,
    },
    ProjectRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    ProjectDescriptionChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ProjectStatusChanged {
        from: ProjectStatus,
        to: ProjectStatus,
        at: Timestamp,
    },
    ProjectStartDateChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ProjectEndDateChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ProjectBudgetChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ProjectHourlyRateChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ProjectDeleted {
        at: Timestamp,
    },
    /// `membership_id`: the id of a membership taken in by `joan import legacy` (a row of
    /// the old `project_memberships`); absent otherwise.
    ProjectMemberAdded {
        user_id: UserId,
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        membership_id: Option<uuid::Uuid>,
        at: Timestamp,
    },
    ProjectMemberRoleChanged {
        user_id: UserId,
        from: Role,
        to: Role,
        at: Timestamp,
    },
    ProjectMemberRemoved {
        user_id: UserId,
        at: Timestamp,
    },
}

impl ProjectEvent {
    pub fn at(&self) -> Timestamp {
        use ProjectEvent::*;
        match self {
            ProjectCreated { at, .. }
            | ProjectImported { at, .. }
            | ProjectClientChanged { at, .. }
            | ProjectRenamed { at, .. }
            | ProjectDescriptionChanged { at, .. }
            | ProjectStatusChanged { at, .. }
            | ProjectStartDateChanged { at, .. }
            | ProjectEndDateChanged { at, .. }
            | ProjectBudgetChanged { at, .. }
            | ProjectHourlyRateChanged { at, .. }
            | ProjectMemberAdded { at, .. }
            | ProjectMemberRoleChanged { at, .. }
            | ProjectMemberRemoved { at, .. }
            | ProjectDeleted { at } => *at,
        }
    }
}

crate::domain_event!(ProjectEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    #[error("project {0}")]
    Entity(#[from] EntityError),
    #[error("your role in this project does not allow this")]
    RoleForbids,
    #[error("the end date is before the start date")]
    EndBeforeStart,
    #[error("the user is already a member")]
    AlreadyMember,
    #[error("no such member")]
    NoSuchMember,
    #[error("a project keeps at least one owner")]
    LastOwner,
}

impl Refuse for ProjectError {
    fn refusal(&self) -> Refusal {
        match self {
            ProjectError::Entity(e) => e.refusal(),
            ProjectError::RoleForbids => Refusal::Forbidden { code: "role_forbids" },
            ProjectError::EndBeforeStart => Refusal::Invalid { field: "end_date" },
            ProjectError::AlreadyMember => Refusal::Conflict { code: "already_member" },
            ProjectError::NoSuchMember => Refusal::NotFound,
            ProjectError::LastOwner => Refusal::Conflict { code: "last_owner" },
        }
    }
}

/// The decision state of one project, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Project {
    pub life: Lifecycle<ProjectId>,
    pub client_id: Option<ClientId>,
    pub name: String,
    pub description: Option<String>,
    pub status: ProjectStatus,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub budget: Option<String>,
    pub hourly_rate: Option<String>,
    pub members: Members,
}

impl Entity for Project {
    type Id = ProjectId;
    fn lifecycle(&self) -> &Lifecycle<ProjectId> {
        &self.life
    }

    fn visible_to(&self, actor: UserId) -> bool {
        self.life.exists() && self.members.contains_key(&actor)
    }
}

impl Project {
    /// The actor's role in a live project; strangers and deleted projects are not found.
    pub fn role_of(&self, actor: UserId) -> Result<Role, ProjectError> {
        let role = self.members.get(&actor).copied();
        let role = role.filter(|_| self.life.exists()).ok_or(EntityError::NotFound)?;
        if self.life.deleted {
            return Err(EntityError::Deleted.into());
        }
        Ok(role)
    }

    fn owners(&self) -> usize {
        self.members.values().filter(|r| **r == Role::Owner).count()
    }

    /// The actor manages the project, and an admin never acts on an owner or makes one.
    fn check_manages(&self, actor: Role, target: Option<Role>, granted: Option<Role>) -> Result<(), ProjectError> {
        let touches_owner = target == Some(Role::Owner) || granted == Some(Role::Owner);
        if !actor.manages() || (actor != Role::Owner && touches_owner) {
            return Err(ProjectError::RoleForbids);
        }
        Ok(())
    }

    /// Taking `user` out of the owners must leave one.
    fn check_keeps_an_owner(&self, user: UserId, next: Option<Role>) -> Result<(), ProjectError> {
        let was_owner = self.members.get(&user) == Some(&Role::Owner);
        if was_owner && next != Some(Role::Owner) && self.owners() == 1 {
            return Err(ProjectError::LastOwner);
        }
        Ok(())
    }

    fn decide_update(&self, changes: ProjectChanges, at: Timestamp) -> Result<Vec<ProjectEvent>, ProjectError> {
        use ProjectEvent::*;
        let text = |d: Option<Option<Day>>| d.map(|d| d.map(String::from));
        let money = |m: Option<Option<Money>>| m.map(|m| m.map(String::from));
        let (start, end) = (text(changes.start_date), text(changes.end_date));
        let start_after = start.clone().unwrap_or_else(|| self.start_date.clone());
        let end_after = end.clone().unwrap_or_else(|| self.end_date.clone());
        check_dates(start_after.as_deref(), end_after.as_deref())?;
        let mut out = Vec::new();
        push_change(&mut out, &self.client_id, changes.client_id, |from, to| {
            ProjectClientChanged { from, to, at }
        });
        push_change(&mut out, &self.name, changes.name.map(String::from), |from, to| {
            ProjectRenamed { from, to, at }
        });
        push_change(
            &mut out,
            &self.description,
            changes.description.map(|d| d.map(String::from)),
            |from, to| ProjectDescriptionChanged { from, to, at },
        );
        push_change(&mut out, &self.status, changes.status, |from, to| {
            ProjectStatusChanged { from, to, at }
        });
        push_change(&mut out, &self.start_date, start, |from, to| ProjectStartDateChanged {
            from,
            to,
            at,
        });
        push_change(&mut out, &self.end_date, end, |from, to| ProjectEndDateChanged {
            from,
            to,
            at,
        });
        push_change(&mut out, &self.budget, money(changes.budget), |from, to| {
            ProjectBudgetChanged { from, to, at }
        });
        push_change(&mut out, &self.hourly_rate, money(changes.hourly_rate), |from, to| {
            ProjectHourlyRateChanged { from, to, at }
        });
        Ok(out)
    }

    fn decide(&self, actor: UserId, command: ProjectCommand, at: Timestamp) -> Result<Vec<ProjectEvent>, ProjectError> {
        use ProjectEvent::*;
        if let ProjectCommand::Create(new) = command {
            self.life.check_new()?;
            check_dates(new.start_date.as_ref(), new.end_date.as_ref())?;
            return Ok(vec![ProjectCreated {
                project_id: new.id,
                user_id: actor,
                client_id: new.client_id,
                name: new.name.into(),
                description: new.description.map(String::from),
                status: new.status,
                start_date: new.start_date.map(String::from),
                end_date: new.end_date.map(String::from),
                budget: new.budget.map(String::from),
                hourly_rate: new.hourly_rate.map(String::from),
                at,
            }]);
        }
        let role = self.role_of(actor)?;
        match command {
            ProjectCommand::Create(_) => unreachable!("handled above"),
            ProjectCommand::Update(changes) => {
                self.check_manages(role, None, None)?;
                self.decide_update(changes, at)
            }
            ProjectCommand::Delete => {
                if role != Role::Owner {
                    return Err(ProjectError::RoleForbids);
                }
                Ok(vec![ProjectDeleted { at }])
            }
            ProjectCommand::AddMember { user_id, role: granted } => {
                self.check_manages(role, None, Some(granted))?;
                if self.members.contains_key(&user_id) {
                    return Err(ProjectError::AlreadyMember);
                }
                Ok(vec![ProjectMemberAdded {
                    user_id,
                    role: granted,
                    membership_id: None,
                    at,
                }])
            }
            ProjectCommand::ChangeRole { user_id, role: granted } => {
                let current = *self.members.get(&user_id).ok_or(ProjectError::NoSuchMember)?;
                self.check_manages(role, Some(current), Some(granted))?;
                self.check_keeps_an_owner(user_id, Some(granted))?;
                Ok((current != granted)
                    .then_some(ProjectMemberRoleChanged {
                        user_id,
                        from: current,
                        to: granted,
                        at,
                    })
                    .into_iter()
                    .collect())
            }
            ProjectCommand::RemoveMember { user_id } => {
                let current = *self.members.get(&user_id).ok_or(ProjectError::NoSuchMember)?;
                if user_id != actor {
                    self.check_manages(role, Some(current), None)?;
                }
                self.check_keeps_an_owner(user_id, None)?;
                Ok(vec![ProjectMemberRemoved { user_id, at }])
            }
        }
    }
}

/// A project never ends before it starts (days compare as text).
fn check_dates<D: PartialOrd + ?Sized>(start: Option<&D>, end: Option<&D>) -> Result<(), ProjectError> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(ProjectError::EndBeforeStart),
        _ => Ok(()),
    }
}

impl Aggregate for Project {
    const TYPE: &'static str = "project";
    type Command = Stamped<ProjectCommand>;
    type Event = ProjectEvent;
    type Error = ProjectError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), ProjectError> {
        let Stamped { actor, at, command, .. } = cmd;
        for event in self.decide(actor, command, at)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ProjectEvent) {
        use ProjectEvent::*;
        let at = event.at();
        match event {
            ProjectCreated {
                project_id,
                user_id,
                client_id,
                name,
                description,
                status,
                start_date,
                end_date,
                budget,
                hourly_rate,
                at,
            } => {
                *self = Project {
                    life: Lifecycle::born(project_id, user_id, at),
                    client_id,
                    name,
                    description,
                    status,
                    start_date,
                    end_date,
                    budget,
                    hourly_rate,
                    members: Members::from([(user_id, Role::Owner)]),
                };
            }
            ProjectImported {
                project_id,
                user_id,
                client_id,
                name,
                description,
                status,
                start_date,
                end_date,
                budget,
                hourly_rate,
                created_at,
                ..
            } => {
                *self = Project {
                    life: Lifecycle::born(project_id, user_id, created_at),
                    client_id,
                    name,
                    description,
                    status,
                    start_date,
                    end_date,
                    budget,
                    hourly_rate,
                    members: Members::from([(user_id, Role::Owner)]),
                };
            }
            ProjectClientChanged { to, .. } => self.client_id = to,
            ProjectRenamed { to, .. } => self.name = to,
            ProjectDescriptionChanged { to, .. } => self.description = to,
            ProjectStatusChanged { to, .. } => self.status = to,
            ProjectStartDateChanged { to, .. } => self.start_date = to,
            ProjectEndDateChanged { to, .. } => self.end_date = to,
            ProjectBudgetChanged { to, .. } => self.budget = to,
            ProjectHourlyRateChanged { to, .. } => self.hourly_rate = to,
            ProjectDeleted { .. } => self.life.deleted = true,
            ProjectMemberAdded { user_id, role, .. } | ProjectMemberRoleChanged { user_id, to: role, .. } => {
                self.members.insert(user_id, role);
            }
            ProjectMemberRemoved { user_id, .. } => {
                self.members.remove(&user_id);
            }
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
