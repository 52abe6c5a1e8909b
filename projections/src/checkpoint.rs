//! A catch-up projector's checkpoint: the [`Cursor`] of the last event it applied, kept in
//! `projector_checkpoints` in the same transaction as its rows.
use joan_commands::{Conn, Cursor, Database, args};

use crate::error::ProjectionError;

const SELECT_CHECKPOINT: &str = "select tx, position from projector_checkpoints where name = $1";

fn to_cursor(row: Option<(i64, i64)>) -> Cursor {
    row.map_or(Cursor::START, |(tx, position)| Cursor { tx, position })
}

/// A projector's checkpoint as seen by the read pool ([`Cursor::START`] when it has none).
pub async fn read_checkpoint(db: &Database, name: &str) -> Result<Cursor, ProjectionError> {
    Ok(to_cursor(db.fetch_optional(SELECT_CHECKPOINT, &args![name]).await?))
}

/// A projector's checkpoint inside the current transaction.
pub async fn checkpoint_in(conn: &mut Conn<'_>, name: &str) -> Result<Cursor, sqlx::Error> {
    Ok(to_cursor(conn.fetch_optional(SELECT_CHECKPOINT, &args![name]).await?))
}

/// Moves a projector's checkpoint to `cursor` (in the caller's transaction).
pub async fn save_checkpoint(conn: &mut Conn<'_>, name: &str, cursor: Cursor) -> Result<(), sqlx::Error> {
    let now = joan_domain::Timestamp::from_datetime(time::OffsetDateTime::now_utc()).to_rfc3339();
    conn.execute(
        "insert into projector_checkpoints (name, position, tx, updated_at) values ($1, $2, $3, $4) \
         on conflict (name) do update set position = excluded.position, tx = excluded.tx, \
         updated_at = excluded.updated_at",
        &args![name, cursor.position, cursor.tx, now.as_str()],
    )
    .await?;
    Ok(())
}
