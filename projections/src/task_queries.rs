//! Reads of the `tasks` and `task_activities` tables, as the API needs them.
use joan_commands::{Arg, Conn, Database, args};

/// A row of `tasks`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize)]
pub struct TaskRow {
    pub id: String,
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub status: String,
    pub priority: i64,
    pub due_date: Option<String>,
    pub completed_at: Option<String>,
    pub folder_id: Option<String>,
    pub project_id: Option<String>,
    pub estimated_minutes: Option<i64>,
    pub actual_minutes: Option<i64>,
    pub tags: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// The columns of `tasks`, in the order of the API's task view.
macro_rules! task_columns {
    () => {
        "id, user_id, title, description, status, priority, due_date, completed_at, folder_id, project_id, \
         estimated_minutes, actual_minutes, tags, version, created_at, updated_at"
    };
}

/// The key-value list of a task object for PostgreSQL's `json_build_object`, in the order of
/// the API's task view; `tags` (JSON text) becomes an array.
macro_rules! task_json_fields {
    () => {
        "'id', id, 'user_id', user_id, 'title', title, 'description', description, \
         'status', status, 'priority', priority, 'due_date', due_date, 'completed_at', completed_at, \
         'folder_id', folder_id, 'project_id', project_id, 'estimated_minutes', estimated_minutes, \
         'actual_minutes', actual_minutes, 'tags', tags::json, 'version', version, 'created_at', created_at, \
         'updated_at', updated_at"
    };
}

macro_rules! select_tasks {
    () => {
        concat!("select ", task_columns!(), " from tasks ")
    };
}

const GET: &str = concat!(select_tasks!(), "where id = $1 and user_id = $2");

/// The caller's task, or `None` (missing, deleted, or someone else's).
pub async fn get(db: &Database, user: &str, id: &str) -> Result<Option<TaskRow>, sqlx::Error> {
    db.fetch_optional(GET, &args![id, user]).await
}

/// The same read inside a transaction (for responses recorded with the command).
pub async fn get_in(conn: &mut Conn<'_>, user: &str, id: &str) -> Result<Option<TaskRow>, sqlx::Error> {
    conn.fetch_optional(GET, &args![id, user]).await
}

/// The caller's task as the API's JSON object (the list's rendering, see [`list_json`]) with
/// its version, or `None`.
pub async fn get_json(db: &Database, user: &str, id: &str) -> Result<Option<(Vec<u8>, i64)>, sqlx::Error> {
    match db {
        Database::Sqlite(readers) => {
            const SQL: &str = concat!(
                "select version, ",
                task_columns!(),
                " from tasks where id = $1 and user_id = $2"
            );
            let page = readers.json_page(SQL, &args![id, user], &["tags"])?;
            // `[{...}]`: the object is the page without its brackets.
            Ok(page.lead.map(|version| {
                let mut object = page.json;
                object.pop();
                object.remove(0);
                (object, version)
            }))
        }
        Database::Postgres(_) => {
            const SQL: &str = concat!(
                "select version, json_build_object(",
                task_json_fields!(),
                ")::text from tasks where id = $1 and user_id = $2"
            );
            let row: Option<(i64, String)> = db.fetch_optional(SQL, &args![id, user]).await?;
            Ok(row.map(|(version, json)| (json.into_bytes(), version)))
        }
    }
}

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
    /// Case-insensitive text in the title or description.
    pub q: Option<String>,
}

/// One page of the caller's tasks, newest first, as a JSON array of task objects in the shape
/// of the API's task view (`tags` is an array), and how many match in all. One statement
/// (two for a page past the end), with no per-field decoding and re-encoding, which dominated
/// a page of 50: SQLite's rows are written into the page straight from its values
/// ([`joan_commands::sqlite_conn::JsonPage`]); PostgreSQL renders each row as one JSON text.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &TaskFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    // Placeholders are numbered as conditions are added; the SQL text never holds input.
    let tag = filter
        .tag
        .as_ref()
        .map(|t| format!("%{}%", escape_like(&serde_json::Value::from(t.as_str()).to_string())));
    let q = filter
        .q
        .as_ref()
        .map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
    let mut sql = String::from("where user_id = $1");
    let mut args: Vec<Arg<'_>> = vec![Arg::from(user)];
    if let Some(v) = &filter.status {
        add(&mut sql, &mut args, " and status = ?", Arg::from(v));
    }
    if let Some(v) = filter.priority {
        add(&mut sql, &mut args, " and priority = ?", Arg::from(v));
    }
    if let Some(v) = &filter.folder_id {
        add(&mut sql, &mut args, " and folder_id = ?", Arg::from(v));
    }
    if let Some(v) = &filter.project_id {
        add(&mut sql, &mut args, " and project_id = ?", Arg::from(v));
    }
    if let Some(v) = &filter.goal_id {
        add(
            &mut sql,
            &mut args,
            " and id in (select task_id from task_goal_links where goal_id = ?)",
            Arg::from(v),
        );
    }
    if let Some(v) = &filter.due_before {
        add(
            &mut sql,
            &mut args,
            " and due_date is not null and due_date < ?",
            Arg::from(v),
        );
    }
    if let Some(v) = &filter.due_after {
        add(
            &mut sql,
            &mut args,
            " and due_date is not null and due_date > ?",
            Arg::from(v),
        );
    }
    if let Some(v) = &tag {
        add(&mut sql, &mut args, " and tags like ? escape '\\'", Arg::from(v));
    }
    if let Some(v) = &q {
        add(
            &mut sql,
            &mut args,
            " and (lower(title) like ? escape '\\' or lower(coalesce(description, '')) like ? escape '\\')",
            Arg::from(v),
        );
    }
    let n = args.len();
    // The count is a constant subquery: the database runs it once, not once per row.
    let count = format!("select count(*) from tasks {sql}");
    let rest = format!(
        "from tasks {sql} order by created_at desc, id desc limit ${} offset ${}",
        n + 1,
        n + 2
    );
    args.push(Arg::from(limit));
    args.push(Arg::from(offset));
    let (page, first_total) = match db {
        Database::Sqlite(readers) => {
            let statement = format!("select ({count}) as total, {} {rest}", task_columns!());
            let page = readers.json_page(&statement, &args, &["tags"])?;
            (page.json, page.lead)
        }
        Database::Postgres(_) => {
            let statement = format!(
                "select ({count}) as total, json_build_object({})::text {rest}",
                task_json_fields!()
            );
            let rows: Vec<(i64, String)> = db.fetch_all(&statement, &args).await?;
            let mut page = String::with_capacity(2 + rows.iter().map(|(_, t)| t.len() + 1).sum::<usize>());
            page.push('[');
            for (i, (_, task)) in rows.iter().enumerate() {
                if i > 0 {
                    page.push(',');
                }
                page.push_str(task);
            }
            page.push(']');
            (page.into_bytes(), rows.first().map(|(total, _)| *total))
        }
    };
    let total = match first_total {
        Some(total) => total,
        None if offset == 0 => 0,
        None => db.fetch_scalar_i64(&count, &args[..n]).await?,
    };
    Ok((page, total))
}

/// Appends `condition`, its `?` numbered as the next placeholder.
fn add<'a>(sql: &mut String, args: &mut Vec<Arg<'a>>, condition: &str, value: Arg<'a>) {
    args.push(value);
    sql.push_str(&condition.replace('?', &format!("${}", args.len())));
}

/// `%`, `_` and `\` lose their LIKE meaning.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
