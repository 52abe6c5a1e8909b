//! `projects` and `project_memberships`, kept inline from the project's events.
//!
//! Every project has its members in `project_memberships` (the creator as owner), so a
//! removed member's very next request no longer finds the project: the row goes in the same
//! transaction as the event.
use std::str::FromStr;

use async_trait::async_trait;
use joan_commands::{Arg, Conn, Database, Executor, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::project::{ProjectEvent, ProjectEventKind, Role};

use crate::error::ProjectionError;
use crate::fold::{Fold, FoldProjector};
use crate::projector::{Projector, decode};
use crate::read_table;
use crate::table::{Listing, TableRow};

read_table! {
    /// A project as the `projects` table holds it and the API shows it.
    pub struct ProjectRow in "projects" {
        #[schema(format = Uuid)]
        pub id: String,
        /// Its creator.
        #[schema(format = Uuid)]
        pub user_id: String,
        #[schema(format = Uuid)]
        pub client_id: Option<String>,
        pub name: String,
        pub description: Option<String>,
        /// planning, active, on_hold, completed or cancelled.
        pub status: String,
        pub start_date: Option<String>,
        pub end_date: Option<String>,
        /// An exact decimal, as a string (`"12000.5"`).
        pub budget: Option<String>,
        /// An exact decimal, as a string.
        pub hourly_rate: Option<String>,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How project events change `projects` rows.
pub struct Projects;

impl Fold for Projects {
    type Row = ProjectRow;
    type Event = ProjectEvent;
    const NAME: &'static str = "projects";
    const AGGREGATE: &'static str = "project";

    fn at(change: &ProjectEvent) -> Timestamp {
        change.at()
    }

    /// A member taken in by an import leaves the old row's `updated_at` as it was.
    fn moves_updated_at(change: &ProjectEvent) -> bool {
        !matches!(
            change,
            ProjectEvent::ProjectMemberAdded {
                membership_id: Some(_),
                ..
            }
        )
    }

    fn apply(row: &mut Option<ProjectRow>, event: &StoredEvent, change: ProjectEvent) {
        use ProjectEvent::*;
        let at = change.at().to_rfc3339();
        // An import starts the row as a creation does, from the old row's creation time.
        let created = match &change {
            ProjectImported { created_at, .. } => created_at.to_rfc3339(),
            _ => at.clone(),
        };
        match change {
            ProjectCreated {
                user_id,
                client_id,
                name,
                description,
                status,
                start_date,
                end_date,
                budget,
                hourly_rate,
                ..
            }
            | ProjectImported {
                user_id,
                client_id,
                name,
                description,
                status,
                start_date,
                end_date,
                budget,
                hourly_rate,
                ..
            } => {
                *row = Some(ProjectRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    client_id: client_id.map(|c| c.to_string()),
                    name,
                    description,
                    status: status.as_str().to_string(),
                    start_date,
                    end_date,
                    budget,
                    hourly_rate,
                    version: event.sequence,
                    created_at: created,
                    updated_at: at,
                });
            }
            ProjectDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    ProjectClientChanged { to, .. } => row.client_id = to.map(|c| c.to_string()),
                    ProjectRenamed { to, .. } => row.name = to,
                    ProjectDescriptionChanged { to, .. } => row.description = to,
                    ProjectStatusChanged { to, .. } => row.status = to.as_str().to_string(),
                    ProjectStartDateChanged { to, .. } => row.start_date = to,
                    ProjectEndDateChanged { to, .. } => row.end_date = to,
                    ProjectBudgetChanged { to, .. } => row.budget = to,
                    ProjectHourlyRateChanged { to, .. } => row.hourly_rate = to,
                    // Members are rows of their own; the event moves the version and time.
                    ProjectMemberAdded { .. }
                    | ProjectMemberRoleChanged { .. }
                    | ProjectMemberRemoved { .. }
                    | ProjectCreated { .. }
                    | ProjectImported { .. }
                    | ProjectDeleted { .. } => {}
                }
            }
        }
    }
}

/// Projects (a [`Projects`] fold) and their members.
#[derive(Default)]
pub struct ProjectsProjector {
    projects: FoldProjector<Projects>,
}

#[async_trait]
impl Projector for ProjectsProjector {
    fn name(&self) -> &'static str {
        "projects"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["projects", "project_memberships"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == Projects::AGGREGATE
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        self.projects.apply_batch(conn, events).await?;
        for event in events {
            apply_members(conn, event).await?;
        }
        Ok(())
    }
}

async fn apply_members(conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
    use ProjectEventKind::*;
    let kind = ProjectEventKind::from_str(&event.event_type).ok();
    if !matches!(
        kind,
        Some(
            ProjectCreated
                | ProjectImported
                | ProjectDeleted
                | ProjectMemberAdded
                | ProjectMemberRoleChanged
                | ProjectMemberRemoved
        )
    ) {
        return Ok(());
    }
    let project = event.aggregate_id.as_str();
    let change = decode::<ProjectEvent>(event)?;
    let at = change.at().to_rfc3339();
    match change {
        ProjectEvent::ProjectCreated { user_id, .. } => {
            add(conn, project, &user_id.to_string(), Role::Owner, None, &at).await
        }
        ProjectEvent::ProjectImported {
            user_id, created_at, ..
        } => {
            let user = user_id.to_string();
            add(conn, project, &user, Role::Owner, None, &created_at.to_rfc3339()).await
        }
        ProjectEvent::ProjectMemberAdded {
            user_id,
            role,
            membership_id,
            ..
        } => add(conn, project, &user_id.to_string(), role, membership_id, &at).await,
        ProjectEvent::ProjectMemberRoleChanged { user_id, to, .. } => {
            conn.execute(
                "update project_memberships set role = $3 where project_id = $1 and user_id = $2",
                &args![project, user_id.to_string().as_str(), to.as_str()],
            )
            .await?;
            Ok(())
        }
        ProjectEvent::ProjectMemberRemoved { user_id, .. } => {
            conn.execute(
                "delete from project_memberships where project_id = $1 and user_id = $2",
                &args![project, user_id.to_string().as_str()],
            )
            .await?;
            Ok(())
        }
        ProjectEvent::ProjectDeleted { .. } => {
            conn.execute("delete from project_memberships where project_id = $1", &args![project])
                .await?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A member joins; a membership made in Joan is named by its project and user, an imported
/// one keeps its id.
async fn add(
    conn: &mut Conn<'_>,
    project: &str,
    user: &str,
    role: Role,
    imported: Option<uuid::Uuid>,
    at: &str,
) -> Result<(), ProjectionError> {
    let id = imported.map_or_else(|| format!("{project}:{user}"), |m| m.to_string());
    conn.execute(
        "insert into project_memberships (id, project_id, user_id, role, created_at) values ($1, $2, $3, $4, $5) \
         on conflict (project_id, user_id) do update set role = excluded.role",
        &args![id.as_str(), project, user, role.as_str(), at],
    )
    .await?;
    Ok(())
}

/// The caller's role in a live project, or `None` (a stranger, or no such project).
pub async fn role_of(ex: &mut impl Executor, project: &str, user: &str) -> Result<Option<Role>, sqlx::Error> {
    let row: Option<(String,)> = ex
        .fetch_optional(
            "select role from project_memberships where project_id = $1 and user_id = $2",
            &args![project, user],
        )
        .await?;
    Ok(row.and_then(|(role,)| Role::parse(&role).ok()))
}

/// The project, when `user` is one of its members.
pub async fn get_for_member(
    ex: &mut impl Executor,
    project: &str,
    user: &str,
) -> Result<Option<ProjectRow>, sqlx::Error> {
    let sql = ProjectRow::sql();
    let query = format!(
        "select {} from projects where id = $1 and exists (select 1 from project_memberships m \
         where m.project_id = projects.id and m.user_id = $2)",
        sql.list
    );
    ex.fetch_optional(&query, &args![project, user]).await
}

/// A member of a project, as `GET /projects/{id}/members` shows them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct MemberRow {
    #[schema(format = Uuid)]
    pub user_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// owner, admin, member or viewer.
    pub role: String,
    /// When they joined.
    pub created_at: String,
}

/// A project's members, owners first, then by when they joined.
pub async fn members(db: &Database, project: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
    db.fetch_all(
        "select m.user_id, u.name, u.email, m.role, m.created_at from project_memberships m \
         left join users u on u.id = m.user_id where m.project_id = $1 \
         order by case m.role when 'owner' then 0 when 'admin' then 1 when 'member' then 2 else 3 end, \
         m.created_at, m.user_id",
        &args![project],
    )
    .await
}

/// Filters of `GET /projects`.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub status: Option<String>,
    pub client_id: Option<String>,
}

/// One page of the projects the caller is a member of, newest first, and how many in all.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &ProjectFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let mut page = Listing::<ProjectRow>::new(
        "id in (select project_id from project_memberships where user_id = $1)",
        vec![Arg::from(user)],
    );
    page.and_some("status = ?", filter.status.as_ref().map(Arg::from))
        .and_some("client_id = ?", filter.client_id.as_ref().map(Arg::from));
    page.page_json(db, limit, offset).await
}

/// A task of a project `user` is a member of, but not theirs: its owner, project and the
/// user's role there. `None` for their own tasks, tasks outside any project, and strangers.
pub async fn shared_task(
    ex: &mut impl Executor,
    task: &str,
    user: &str,
) -> Result<Option<(String, String, Role)>, sqlx::Error> {
    let row: Option<(String, String, String)> = ex
        .fetch_optional(
            "select t.user_id, t.project_id, m.role from tasks t join project_memberships m \
             on m.project_id = t.project_id and m.user_id = $2 where t.id = $1 and t.user_id <> $2",
            &args![task, user],
        )
        .await?;
    Ok(row.and_then(|(owner, project, role)| Role::parse(&role).ok().map(|role| (owner, project, role))))
}

/// How many live projects name the client.
pub async fn count_for_client(db: &Database, client: &str) -> Result<i64, sqlx::Error> {
    db.fetch_scalar_i64("select count(*) from projects where client_id = $1", &args![client])
        .await
}
