//! Who may see an event: the user who caused it, and, for a project's events and its tasks'
//! events, the project's members at the time the feed reads it. The same rule as the audit
//! timeline (`routes::audit`), so what the feed shows and what `/audit` lists agree.
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cqrs_es::Aggregate;
use joan_commands::{Database, StoredEvent};
use joan_domain::ProjectId;
use joan_domain::project::Project;
use joan_domain::task::{Task, TaskEvent};
use tokio::sync::Mutex;
use uuid::Uuid;

/// Task-to-project entries kept before the map is cleared (a cache: misses read the table).
const TASKS_KEPT: usize = 100_000;

#[derive(Debug, Clone, Default)]
pub struct Audience {
    pub actor: Option<Uuid>,
    /// The members of the event's project, when it has one.
    pub members: Option<Arc<HashSet<Uuid>>>,
}

impl Audience {
    pub fn includes(&self, user: Uuid) -> bool {
        self.actor == Some(user) || self.members.as_ref().is_some_and(|m| m.contains(&user))
    }
}

/// The caches behind [`Audience`]s: each task's project and each project's members, read
/// from the read tables on a miss. Projects and tasks are projected inline, so when the feed
/// reads an event its effect on those tables is already there.
pub struct Audiences {
    db: Database,
    state: Mutex<Caches>,
}

#[derive(Default)]
struct Caches {
    task_project: HashMap<Uuid, Option<Uuid>>,
    members: HashMap<Uuid, Arc<HashSet<Uuid>>>,
}

impl Audiences {
    pub fn new(db: Database) -> Self {
        Self {
            db,
            state: Mutex::new(Caches::default()),
        }
    }

    /// Who may see `event`. A database error narrows it to the actor alone: the feed never
    /// shows more than it should.
    pub async fn of(&self, event: &StoredEvent) -> Audience {
        let actor = event.owner_id.as_deref().and_then(|o| o.parse().ok());
        let members = match self.project_of(event).await {
            Ok(Some(project)) => self.members(project, event.aggregate_type == Project::TYPE).await.ok(),
            _ => None,
        };
        Audience { actor, members }
    }

    async fn project_of(&self, event: &StoredEvent) -> Result<Option<Uuid>, sqlx::Error> {
        let Ok(id) = event.aggregate_id.parse::<Uuid>() else {
            return Ok(None);
        };
        if event.aggregate_type == Project::TYPE {
            return Ok(Some(id));
        }
        if event.aggregate_type != Task::TYPE {
            return Ok(None);
        }
        // The event itself names the project when it sets one (creation, a move).
        if let Some(named) = named_project(event) {
            let mut caches = self.state.lock().await;
            if caches.task_project.len() >= TASKS_KEPT {
                caches.task_project.clear();
            }
            caches.task_project.insert(id, named);
            return Ok(named);
        }
        if let Some(known) = self.state.lock().await.task_project.get(&id) {
            return Ok(*known);
        }
        let row: Option<(Option<String>,)> = self
            .db
            .fetch_optional(
                "select project_id from tasks where id = $1",
                &joan_commands::args![&id.to_string()],
            )
            .await?;
        let project = row.and_then(|(p,)| p).and_then(|p| p.parse().ok());
        self.state.lock().await.task_project.insert(id, project);
        Ok(project)
    }

    /// A project's members; read again after any event of the project itself (it may have
    /// changed them).
    async fn members(&self, project: Uuid, changed: bool) -> Result<Arc<HashSet<Uuid>>, sqlx::Error> {
        if !changed && let Some(known) = self.state.lock().await.members.get(&project) {
            return Ok(known.clone());
        }
        let rows: Vec<(String,)> = self
            .db
            .fetch_all(
                "select user_id from project_memberships where project_id = $1",
                &joan_commands::args![&project.to_string()],
            )
            .await?;
        let members: Arc<HashSet<Uuid>> = Arc::new(rows.into_iter().filter_map(|(u,)| u.parse().ok()).collect());
        self.state.lock().await.members.insert(project, members.clone());
        Ok(members)
    }
}

/// The project a task event sets: that of a creation, the one moved to (or, when moved out,
/// the one left, so its members see it go). `None` when the event does not say.
fn named_project(event: &StoredEvent) -> Option<Option<Uuid>> {
    match event.decode::<TaskEvent>().ok()? {
        TaskEvent::TaskCreated { project_id, .. } | TaskEvent::TaskImported { project_id, .. } => {
            Some(project_id.map(ProjectId::uuid))
        }
        TaskEvent::TaskProjectChanged { from, to, .. } => Some(to.or(from).map(ProjectId::uuid)),
        _ => None,
    }
}
