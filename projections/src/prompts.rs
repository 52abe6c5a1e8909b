//! The `ai_prompt_library` read table (D1 shape), kept inline from the prompts' events, and
//! the caller's list of them.
use joan_commands::{Arg, Database, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::prompt::PromptEvent;
use joan_domain::prompt::placeholders;

use crate::fold::Fold;
use crate::read_table;
use crate::table::{Flag, JsonText, Listing, escape_like};

read_table! {
    /// A saved prompt as the `ai_prompt_library` table holds it and the API shows it.
    pub struct PromptRow in "ai_prompt_library" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub name: String,
        pub description: Option<String>,
        pub category: Option<String>,
        /// The prompt, with `{placeholders}`.
        pub template: String,
        /// The placeholders of `template`, in order of first use.
        #[schema(value_type = Vec<String>)]
        pub variables: JsonText,
        #[schema(value_type = bool)]
        pub is_favorite: Flag,
        /// How many times it was sent to a model.
        pub usage_count: i64,
        pub last_used_at: Option<String>,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How prompt events change `ai_prompt_library` rows. The variables are derived here, so a
/// better placeholder rule and a replay re-derive them.
pub struct Prompts;

impl Fold for Prompts {
    type Row = PromptRow;
    type Event = PromptEvent;
    const NAME: &'static str = "ai_prompt_library";
    const AGGREGATE: &'static str = "ai_prompt";

    fn at(change: &PromptEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<PromptRow>, event: &StoredEvent, change: PromptEvent) {
        use PromptEvent::*;
        match change {
            PromptCreated {
                user_id,
                name,
                description,
                category,
                template,
                is_favorite,
                at,
                ..
            } => {
                let at = at.to_rfc3339();
                *row = Some(PromptRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    name,
                    description,
                    category,
                    variables: JsonText::of(&placeholders::names(&template)),
                    template,
                    is_favorite: Flag(is_favorite),
                    usage_count: 0,
                    last_used_at: None,
                    version: event.sequence,
                    created_at: at.clone(),
                    updated_at: at,
                });
            }
            PromptDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    PromptRenamed { to, .. } => row.name = to,
                    PromptDescriptionChanged { to, .. } => row.description = to,
                    PromptCategoryChanged { to, .. } => row.category = to,
                    PromptTemplateChanged { to, .. } => {
                        row.variables = JsonText::of(&placeholders::names(&to));
                        row.template = to;
                    }
                    PromptFavoriteChanged { to, .. } => row.is_favorite = Flag(to),
                    PromptUsed { at } => {
                        row.usage_count += 1;
                        row.last_used_at = Some(at.to_rfc3339());
                    }
                    PromptCreated { .. } | PromptDeleted { .. } => {}
                }
            }
        }
    }
}

/// Filters of `GET /ai/prompts`; they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct PromptFilter {
    pub category: Option<String>,
    pub is_favorite: Option<bool>,
    /// Case-insensitive text in the name or description.
    pub q: Option<String>,
}

/// One page of the caller's prompts, newest first, as a JSON array, and how many match.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &PromptFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let q = filter
        .q
        .as_ref()
        .map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
    let mut page = Listing::<PromptRow>::owned_by(user);
    page.and_some("category = ?", filter.category.as_ref().map(Arg::from));
    page.and_some("is_favorite = ?", filter.is_favorite.map(|f| Arg::from(i64::from(f))));
    if let Some(q) = &q {
        page.and(
            "(lower(name) like ? escape '\\' or lower(coalesce(description, '')) like ? escape '\\')",
            Arg::from(q),
        );
    }
    page.page_json(db, limit, offset).await
}
