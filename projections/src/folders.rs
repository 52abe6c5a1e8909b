//! The `folders` read table (D1 shape), kept inline from the folder's events, and the reads
//! of the tree the API needs.
use joan_commands::{Arg, Database, Executor, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::folder::FolderEvent;

use crate::fold::Fold;
use crate::read_table;
use crate::table::Listing;

read_table! {
    /// A folder as the `folders` table holds it and the API shows it.
    pub struct FolderRow in "folders" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        /// The folder it sits in; null at the top of the tree.
        #[schema(format = Uuid)]
        pub parent_id: Option<String>,
        pub name: String,
        pub description: Option<String>,
        /// `#rrggbb`.
        pub color: Option<String>,
        pub icon: Option<String>,
        /// Its place among its siblings (smaller first).
        pub position: i64,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How folder events change `folders` rows.
pub struct Folders;

impl Fold for Folders {
    type Row = FolderRow;
    type Event = FolderEvent;
    const NAME: &'static str = "folders";
    const AGGREGATE: &'static str = "folder";

    fn at(change: &FolderEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<FolderRow>, event: &StoredEvent, change: FolderEvent) {
        use FolderEvent::*;
        let text = |id: Option<joan_domain::FolderId>| id.map(|f| f.to_string());
        match change {
            FolderCreated {
                user_id,
                parent_id,
                name,
                description,
                color,
                icon,
                position,
                at,
                ..
            } => {
                let at = at.to_rfc3339();
                *row = Some(FolderRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    parent_id: text(parent_id),
                    name,
                    description,
                    color,
                    icon,
                    position: i64::from(position),
                    version: event.sequence,
                    created_at: at.clone(),
                    updated_at: at,
                });
            }
            FolderImported {
                user_id,
                parent_id,
                name,
                description,
                color,
                icon,
                position,
                created_at,
                at,
                ..
            } => {
                *row = Some(FolderRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    parent_id: text(parent_id),
                    name,
                    description,
                    color,
                    icon,
                    position: i64::from(position),
                    version: event.sequence,
                    created_at: created_at.to_rfc3339(),
                    updated_at: at.to_rfc3339(),
                });
            }
            FolderDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    FolderMoved { to, .. } => row.parent_id = text(to),
                    FolderRenamed { to, .. } => row.name = to,
                    FolderDescriptionChanged { to, .. } => row.description = to,
                    FolderColorChanged { to, .. } => row.color = to,
                    FolderIconChanged { to, .. } => row.icon = to,
                    FolderPositionChanged { to, .. } => row.position = i64::from(to),
                    FolderCreated { .. } | FolderImported { .. } | FolderDeleted { .. } => {}
                }
            }
        }
    }
}

/// The deepest tree the ancestor walk follows; a deeper chain (or a cycle two racing moves
/// made) stops there rather than looping.
pub const MAX_DEPTH: i64 = 256;

/// The ancestors of the caller's folder `id`, nearest first (empty at the top of the tree).
pub async fn ancestors(ex: &mut impl Executor, user: &str, id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = ex
        .fetch_all(
            "with recursive up (id, parent_id, depth) as ( \
               select id, parent_id, 0 from folders where id = $1 and user_id = $2 \
               union all \
               select f.id, f.parent_id, up.depth + 1 from folders f join up on f.id = up.parent_id \
               where f.user_id = $2 and up.depth < $3) \
             select id from up where depth > 0 order by depth",
            &args![id, user, MAX_DEPTH],
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// What a folder holds directly: its child folders, notes and tasks (ids, in a stable order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contents {
    pub folders: Vec<String>,
    pub notes: Vec<String>,
    pub tasks: Vec<String>,
}

impl Contents {
    pub fn len(&self) -> usize {
        self.folders.len() + self.notes.len() + self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The caller's folders, notes and tasks directly in folder `id`.
pub async fn contents(db: &Database, user: &str, id: &str) -> Result<Contents, sqlx::Error> {
    let ids =
        |table: &str, column: &str| format!("select id from {table} where user_id = $1 and {column} = $2 order by id");
    let fetch = async |sql: String| -> Result<Vec<String>, sqlx::Error> {
        let rows: Vec<(String,)> = db.fetch_all(&sql, &args![user, id]).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    };
    Ok(Contents {
        folders: fetch(ids("folders", "parent_id")).await?,
        notes: fetch(ids("notes", "folder_id")).await?,
        tasks: fetch(ids("tasks", "folder_id")).await?,
    })
}

/// One page of the caller's folders (all of them, or the children of `parent`), in their
/// order among siblings, and how many there are in all.
pub async fn list_json(
    db: &Database,
    user: &str,
    parent: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let mut page = Listing::<FolderRow>::owned_by(user);
    page.and_some("parent_id = ?", parent.map(Arg::from));
    page.order = "position, name, id";
    page.page_json(db, limit, offset).await
}
