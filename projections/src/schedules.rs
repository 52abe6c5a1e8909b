//! `daily_schedules` and `schedule_templates` (D1 shape), kept inline.
//!
//! A day's row comes from its stream (one per user and date). A template's row comes from its
//! own stream, except `is_default`: the latest template a user made default is their only
//! default, so after each `TemplateMadeDefault` (or a template created as the default) the
//! projector clears the flag on the user's other templates. Only this
//! projector's tables are read, so a rebuild equals the live rows.
use std::str::FromStr;

use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::schedule::ScheduleEvent;
use joan_domain::schedule_template::{TemplateEvent, TemplateEventKind};

use crate::error::ProjectionError;
use crate::fold::{Fold, FoldProjector};
use crate::projector::{Projector, decode};
use crate::read_table;
use crate::table::{Flag, JsonText, Listing};

read_table! {
    /// A user's day as the `daily_schedules` table holds it and the API shows it.
    pub struct ScheduleRow in "daily_schedules" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        /// The day, `YYYY-MM-DD`.
        #[schema(format = Date)]
        pub date: String,
        /// `[{start, end, title, kind, task_id}]`, in the order given.
        #[schema(value_type = Vec<Object>)]
        pub blocks: JsonText,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How a day's events change its `daily_schedules` row.
pub struct Schedules;

impl Fold for Schedules {
    type Row = ScheduleRow;
    type Event = ScheduleEvent;
    const NAME: &'static str = "daily_schedules";
    const AGGREGATE: &'static str = "schedule";

    fn at(change: &ScheduleEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<ScheduleRow>, event: &StoredEvent, change: ScheduleEvent) {
        use ScheduleEvent::*;
        // An import starts the row as a creation does, from the old row's creation time.
        let updated_at = change.at().to_rfc3339();
        let created_at = match &change {
            ScheduleImported { created_at, .. } => created_at.to_rfc3339(),
            _ => updated_at.clone(),
        };
        match change {
            ScheduleCreated {
                user_id, date, blocks, ..
            }
            | ScheduleImported {
                user_id, date, blocks, ..
            } => {
                *row = Some(ScheduleRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    date,
                    blocks: JsonText::of(&blocks),
                    version: event.sequence,
                    created_at,
                    updated_at,
                });
            }
            ScheduleDeleted { .. } => *row = None,
            ScheduleBlocksReplaced { to, .. } => {
                if let Some(row) = row {
                    row.blocks = JsonText::of(&to);
                }
            }
            ScheduleBlockChanged { index, to, .. } => {
                let Some(row) = row else { return };
                let mut blocks: Vec<serde_json::Value> = row.blocks.decode().unwrap_or_default();
                if let (Some(slot), Ok(to)) = (blocks.get_mut(index), serde_json::to_value(&to)) {
                    *slot = to;
                }
                row.blocks = JsonText::of(&blocks);
            }
        }
    }
}

read_table! {
    /// A schedule template as the `schedule_templates` table holds it and the API shows it.
    pub struct TemplateRow in "schedule_templates" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub name: String,
        pub description: Option<String>,
        /// `[{start, end, title, kind, task_id}]`, in the order given.
        #[schema(value_type = Vec<Object>)]
        pub blocks: JsonText,
        /// Whether this is the user's default template (at most one is).
        #[schema(value_type = bool)]
        pub is_default: Flag,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How template events change their own `schedule_templates` row.
pub struct Templates;

impl Fold for Templates {
    type Row = TemplateRow;
    type Event = TemplateEvent;
    const NAME: &'static str = "schedule_templates";
    const AGGREGATE: &'static str = "schedule_template";

    fn at(change: &TemplateEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<TemplateRow>, event: &StoredEvent, change: TemplateEvent) {
        use TemplateEvent::*;
        let updated_at = change.at().to_rfc3339();
        let created_at = match &change {
            TemplateImported { created_at, .. } => created_at.to_rfc3339(),
            _ => updated_at.clone(),
        };
        match change {
            TemplateCreated {
                user_id,
                name,
                description,
                blocks,
                is_default,
                ..
            }
            | TemplateImported {
                user_id,
                name,
                description,
                blocks,
                is_default,
                ..
            } => {
                *row = Some(TemplateRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    name,
                    description,
                    blocks: JsonText::of(&blocks),
                    is_default: Flag(is_default),
                    version: event.sequence,
                    created_at,
                    updated_at,
                });
            }
            TemplateDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    TemplateRenamed { to, .. } => row.name = to,
                    TemplateDescriptionChanged { to, .. } => row.description = to,
                    TemplateBlocksChanged { to, .. } => row.blocks = JsonText::of(&to),
                    TemplateMadeDefault { .. } => row.is_default = Flag(true),
                    TemplateDefaultCleared { .. } => row.is_default = Flag(false),
                    TemplateCreated { .. } | TemplateImported { .. } | TemplateDeleted { .. } => {}
                }
            }
        }
    }
}

/// Templates (a [`Templates`] fold) and the one default per user.
#[derive(Default)]
pub struct TemplatesProjector {
    templates: FoldProjector<Templates>,
}

#[async_trait]
impl Projector for TemplatesProjector {
    fn name(&self) -> &'static str {
        Templates::NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        &["schedule_templates"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == Templates::AGGREGATE
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    /// The rows are folded first (a template's own flag follows its own events); then, per
    /// user, the last template made default in the batch clears the flag of every other, so
    /// the last one in the log wins whatever the batches.
    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        self.templates.apply_batch(conn, events).await?;
        let mut last: Vec<(&str, &str)> = Vec::new();
        for event in events {
            let made_default = match TemplateEventKind::from_str(&event.event_type).ok() {
                Some(TemplateEventKind::TemplateMadeDefault) => true,
                Some(TemplateEventKind::TemplateCreated | TemplateEventKind::TemplateImported) => matches!(
                    decode(event)?,
                    TemplateEvent::TemplateCreated { is_default: true, .. }
                        | TemplateEvent::TemplateImported { is_default: true, .. }
                ),
                _ => false,
            };
            let Some(owner) = event.owner_id.as_deref().filter(|_| made_default) else {
                continue;
            };
            last.retain(|(user, _)| *user != owner);
            last.push((owner, event.aggregate_id.as_str()));
        }
        for (user, template) in last {
            conn.execute(
                "update schedule_templates set is_default = 0 where user_id = $1 and id <> $2 and is_default <> 0",
                &args![user, template],
            )
            .await?;
        }
        Ok(())
    }
}

/// One page of the caller's templates, the default first, then newest first, as a JSON array,
/// and how many there are.
pub async fn list_templates_json(
    db: &joan_commands::Database,
    user: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let mut page = Listing::<TemplateRow>::owned_by(user);
    page.order = "is_default desc, created_at desc, id desc";
    page.page_json(db, limit, offset).await
}
