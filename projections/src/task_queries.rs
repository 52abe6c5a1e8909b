//! Reads of the `tasks` and `task_activities` tables, as the API needs them.
use joan_commands::{Arg, Database, args};

use crate::search::FullText;
use crate::table::{Listing, tag_pattern};
use crate::tasks::TaskRow;

/// The tasks' full-text index over title and description (a word in the title weighs more).
pub static TASKS_TEXT: FullText = FullText {
    table: "tasks",
    fts5: "tasks_fts",
    fts5_columns: "owner, title, description",
    fts5_values: "replace(user_id, '-', ''), title, description",
    weights: "0.0, 4.0, 1.0",
    tsvector: "search_vector",
};

/// Filters of `GET /tasks`; every one is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub status: Option<String>,
    pub priority: Option<i64>,
    pub folder_id: Option<String>,
    pub project_id: Option<String>,
    pub goal_id: Option<String>,
    pub due_before: Option<String>,
    pub due_after: Option<String>,
    /// A tag, matched exactly against the JSON array.
    pub tag: Option<String>,
    /// Words that must all occur in the title or description; best match first.
    pub q: Option<String>,
    /// The caller is a member of `project_id`: every task of the project, whoever owns it.
    pub whole_project: bool,
}

/// One page of the caller's tasks, newest first, as a JSON array of task objects, and how many
/// match in all.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &TaskFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let tag = filter.tag.as_deref().map(tag_pattern);
    let mut page = match (&filter.project_id, filter.whole_project) {
        (Some(project), true) => Listing::<TaskRow>::new("project_id = $1", vec![Arg::from(project)]),
        _ => Listing::<TaskRow>::owned_by(user),
    };
    page.and_some("status = ?", filter.status.as_ref().map(Arg::from))
        .and_some("priority = ?", filter.priority.map(Arg::from))
        .and_some("folder_id = ?", filter.folder_id.as_ref().map(Arg::from))
        .and_some("project_id = ?", filter.project_id.as_ref().map(Arg::from))
        .and_some(
            "id in (select task_id from task_goal_links where goal_id = ?)",
            filter.goal_id.as_ref().map(Arg::from),
        )
        .and_some(
            "due_date is not null and due_date < ?",
            filter.due_before.as_ref().map(Arg::from),
        )
        .and_some(
            "due_date is not null and due_date > ?",
            filter.due_after.as_ref().map(Arg::from),
        )
        .and_some("tags like ? escape '\\'", tag.as_ref().map(Arg::from));
    if let Some(q) = &filter.q {
        page.search(&TASKS_TEXT, q);
    }
    page.page_json(db, limit, offset).await
}

/// A row of `task_activities`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize)]
pub struct ActivityRow {
    pub id: String,
    pub task_id: String,
    pub user_id: Option<String>,
    pub action: String,
    pub details: String,
    pub created_at: String,
}

/// A task's activity, newest first, and its total count.
pub async fn activity(
    db: &Database,
    task_id: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ActivityRow>, i64), sqlx::Error> {
    let total = db
        .fetch_scalar_i64(
            "select count(*) from task_activities where task_id = $1",
            &args![task_id],
        )
        .await?;
    let rows = db
        .fetch_all(
            "select id, task_id, user_id, action, details, created_at from task_activities where task_id = $1 \
             order by position desc limit $2 offset $3",
            &args![task_id, limit, offset],
        )
        .await?;
    Ok((rows, total))
}
