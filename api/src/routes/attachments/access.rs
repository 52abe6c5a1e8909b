//! Who reaches an attachment: the one who uploaded it, and whoever reaches the entity it hangs
//! on: a task's owner and the members of its project, a project's members, a note's or a
//! goal's owner. Uploading takes more: owning the entity, or a role that edits in its project.
use joan_domain::UserId;
use joan_domain::attachment::EntityKind;
use joan_domain::project::Role;
use joan_projections::attachments::AttachmentRow;
use joan_projections::goals::GoalRow;
use joan_projections::notes::NoteRow;
use joan_projections::projects;
use joan_projections::table;
use joan_projections::tasks::TaskRow;

use crate::http::error::ApiError;
use crate::http::state::AppState;

/// How the caller reaches an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// It is theirs.
    Owner,
    /// Through a project, with this role.
    Member(Role),
}

impl Reach {
    /// Whether the caller may attach files to it: its owner, or anyone in its project but a
    /// viewer.
    pub fn uploads(self) -> bool {
        match self {
            Reach::Owner => true,
            Reach::Member(role) => role.edits_tasks(),
        }
    }
}

/// How `user` reaches the entity, or `None`: a stranger's and a missing one look the same.
pub async fn entity(state: &AppState, user: UserId, kind: EntityKind, id: &str) -> Result<Option<Reach>, ApiError> {
    let user = user.to_string();
    let db = &mut state.core.store.db();
    let reach = match kind {
        EntityKind::Task => match table::get::<TaskRow>(db, &user, id).await {
            Ok(Some(_)) => Ok(Some(Reach::Owner)),
            Ok(None) => projects::shared_task(db, id, &user)
                .await
                .map(|shared| shared.map(|(_, _, role)| Reach::Member(role))),
            Err(e) => Err(e),
        },
        EntityKind::Project => projects::role_of(db, id, &user)
            .await
            .map(|role| role.map(Reach::Member)),
        EntityKind::Note => table::get::<NoteRow>(db, &user, id)
            .await
            .map(|row| row.map(|_| Reach::Owner)),
        EntityKind::Goal => table::get::<GoalRow>(db, &user, id)
            .await
            .map(|row| row.map(|_| Reach::Owner)),
    };
    reach.map_err(ApiError::internal)
}

/// The live attachment `id` when `user` may see it, else 404.
pub async fn visible(state: &AppState, user: UserId, id: &str) -> Result<AttachmentRow, ApiError> {
    let row = joan_projections::attachments::get_any(&mut state.core.store.db(), id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    if row.user_id == user.to_string() {
        return Ok(row);
    }
    let kind = EntityKind::parse(&row.entity_type).map_err(|_| ApiError::NotFound)?;
    match entity(state, user, kind, &row.entity_id).await? {
        Some(_) => Ok(row),
        None => Err(ApiError::NotFound),
    }
}

/// The live attachment `id` when `user` uploaded it: 404 when they cannot see it, 403 when
/// they see it through the entity but did not upload it.
pub async fn uploaded_by(state: &AppState, user: UserId, id: &str) -> Result<AttachmentRow, ApiError> {
    let row = visible(state, user, id).await?;
    if row.user_id != user.to_string() {
        return Err(ApiError::Forbidden {
            code: "not_uploader",
            detail: "only the one who uploaded an attachment changes or deletes it".into(),
        });
    }
    Ok(row)
}
