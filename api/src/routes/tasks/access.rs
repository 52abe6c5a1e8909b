//! Who reaches a task: its owner, and the members of its project (viewers only read). The
//! owner's path costs nothing extra; a member's is found when the owner's finds nothing.
use joan_commands::{AppendHook, CommandError, StoredEvent};
use joan_domain::project::{Grant, Role};
use joan_domain::task::{TaskCommand, TaskError};
use joan_domain::{EntityError, ProjectId, UserId};
use joan_projections::projects;

use crate::http::error::{ApiError, from_command};
use crate::http::extract::Caller;
use crate::http::state::AppState;
use crate::routes::tasks::TASKS;

/// The owner of a task the caller reaches through its project, with the caller's grant.
pub struct Shared {
    pub owner: String,
    pub grant: Grant,
}

/// The caller's way into someone else's task through its project, if any.
pub async fn shared(state: &AppState, user: UserId, id: &str) -> Result<Option<Shared>, ApiError> {
    let found = projects::shared_task(&mut state.core.store.db(), id, &user.to_string())
        .await
        .map_err(ApiError::internal)?;
    Ok(found.and_then(|(owner, project, role)| {
        let project = project.parse().ok().map(ProjectId)?;
        Some(Shared {
            owner,
            grant: Grant { project, role },
        })
    }))
}

/// The task's events for its owner, or for a member of its project (while the task is live).
pub async fn stream(state: &AppState, user: UserId, id: &str) -> Result<Vec<StoredEvent>, ApiError> {
    match TASKS.stream(state, user, id).await {
        Err(ApiError::NotFound) if shared(state, user, id).await?.is_some() => TASKS.events(state, id).await,
        other => other,
    }
}

/// Runs a task command as the caller, first as the owner; when that finds nothing, again with
/// the caller's role in the task's project (the aggregate decides what the role allows).
/// `hook` makes the append hook for the task's owner (the caller, then the one found).
pub async fn execute(
    state: &AppState,
    caller: &Caller,
    id: &str,
    command: TaskCommand,
    expected: Option<i64>,
    hook: impl Fn(&str) -> Option<Box<dyn AppendHook>>,
) -> Result<(), ApiError> {
    let tasks = &state.core.tasks;
    let owner = caller.user.to_string();
    let first = tasks
        .execute(id, &caller.ctx, command.clone(), expected, hook(&owner))
        .await;
    let not_found = matches!(
        first,
        Err(CommandError::NotFound | CommandError::Domain(TaskError::Entity(EntityError::NotFound)))
    );
    if !not_found {
        return first.map(drop).map_err(from_command);
    }
    let Some(shared) = shared(state, caller.user, id).await? else {
        return first.map(drop).map_err(from_command);
    };
    let mut ctx = caller.ctx.clone();
    ctx.grant = Some(shared.grant);
    tasks
        .execute(id, &ctx, command, expected, hook(&shared.owner))
        .await
        .map(drop)
        .map_err(from_command)
}

/// A project a task is put in must be one the caller works on: a viewer is forbidden, anyone
/// else's or no project is invalid.
pub async fn check_project(state: &AppState, user: UserId, project: Option<ProjectId>) -> Result<(), ApiError> {
    let Some(project) = project else { return Ok(()) };
    let role = projects::role_of(&mut state.core.store.db(), &project.to_string(), &user.to_string())
        .await
        .map_err(ApiError::internal)?;
    match role {
        Some(role) if role.edits_tasks() => Ok(()),
        Some(Role::Viewer) => Err(ApiError::Forbidden {
            code: "role_forbids",
            detail: "viewers do not add tasks to a project".into(),
        }),
        _ => Err(ApiError::invalid("project_id", "is not a project you work on")),
    }
}

/// Whether `user` reaches the task at all: theirs, or a task of a project they are a member
/// of, whatever their role (a ceremony may be about it).
pub async fn reaches(state: &AppState, user: UserId, task: &str) -> Result<bool, ApiError> {
    let own = joan_projections::table::get::<joan_projections::tasks::TaskRow>(
        &mut state.core.store.db(),
        &user.to_string(),
        task,
    )
    .await
    .map_err(ApiError::internal)?;
    if own.is_some() {
        return Ok(true);
    }
    Ok(shared(state, user, task).await?.is_some())
}
