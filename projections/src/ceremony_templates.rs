//! The `ceremony_templates` and `ceremony_components` read tables (D1 shape), kept inline
//! from the catalog's events, and the reads of the ceremony routes. Both tables are global:
//! every user reads the same rows.
use joan_commands::{Executor, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::ceremony::component::ComponentEvent;
use joan_domain::ceremony::template::TemplateEvent;

use crate::fold::Fold;
use crate::read_table;
use crate::table::{self, Flag, JsonText, TableRow};

read_table! {
    /// A ceremony as the `ceremony_templates` table holds it.
    pub struct CeremonyTemplateRow in "ceremony_templates" {
        #[schema(format = Uuid)]
        pub id: String,
        pub name: String,
        pub description: String,
        /// planning, writing or review.
        pub category: String,
        /// Its steps' components, in order.
        #[schema(value_type = Vec<uuid::Uuid>)]
        pub component_ids: JsonText,
        pub icon: String,
        pub estimated_minutes: i64,
        /// Where the app goes once the ceremony is done.
        pub redirect_path: Option<String>,
        #[schema(value_type = bool)]
        pub is_active: Flag,
        pub order_index: i64,
        /// The stream version.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

read_table! {
    /// A step kind as the `ceremony_components` table holds it.
    pub struct ComponentRow in "ceremony_components" {
        #[schema(format = Uuid)]
        pub id: String,
        /// timer, word_counter, writing_area, task_review, ai_processor, metrics_review,
        /// checklist or confirm.
        pub r#type: String,
        pub name: String,
        pub description: String,
        /// What the app needs to draw the step (an AI step's `output_schema` too).
        #[schema(value_type = Object)]
        pub config: JsonText,
        #[schema(format = Uuid)]
        pub ai_provider_id: Option<String>,
        /// The prompt, with workflow placeholders (`{input.text}`).
        pub ai_prompt_template: Option<String>,
        pub ai_model_override: Option<String>,
        pub ai_temperature_override: Option<f64>,
        pub ai_max_tokens_override: Option<i64>,
        pub order_index: i64,
        #[schema(value_type = bool)]
        pub is_required: Flag,
        #[schema(value_type = bool)]
        pub is_active: Flag,
        /// The stream version.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How the catalog's template events make `ceremony_templates` rows.
pub struct CeremonyTemplates;

impl Fold for CeremonyTemplates {
    type Row = CeremonyTemplateRow;
    type Event = TemplateEvent;
    const NAME: &'static str = "ceremony_templates";
    const AGGREGATE: &'static str = "ceremony_template";

    fn at(change: &TemplateEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<CeremonyTemplateRow>, event: &StoredEvent, change: TemplateEvent) {
        let TemplateEvent::CeremonyTemplateDefined { template: t, at } = change;
        let created_at = row.as_ref().map_or_else(|| at.to_rfc3339(), |r| r.created_at.clone());
        *row = Some(CeremonyTemplateRow {
            id: event.aggregate_id.clone(),
            name: t.name,
            description: t.description,
            category: t.category,
            component_ids: JsonText::of(&t.component_ids),
            icon: t.icon,
            estimated_minutes: i64::from(t.estimated_minutes),
            redirect_path: t.redirect_path,
            is_active: Flag(t.is_active),
            order_index: i64::from(t.order_index),
            version: event.sequence,
            created_at,
            updated_at: at.to_rfc3339(),
        });
    }
}

/// How the catalog's component events make `ceremony_components` rows.
pub struct CeremonyComponents;

impl Fold for CeremonyComponents {
    type Row = ComponentRow;
    type Event = ComponentEvent;
    const NAME: &'static str = "ceremony_components";
    const AGGREGATE: &'static str = "ceremony_component";

    fn at(change: &ComponentEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<ComponentRow>, event: &StoredEvent, change: ComponentEvent) {
        let ComponentEvent::CeremonyComponentDefined { component: c, at } = change;
        let created_at = row.as_ref().map_or_else(|| at.to_rfc3339(), |r| r.created_at.clone());
        let ai = c.ai;
        *row = Some(ComponentRow {
            id: event.aggregate_id.clone(),
            r#type: c.kind.as_str().to_string(),
            name: c.name,
            description: c.description,
            config: JsonText::of(&c.config),
            ai_provider_id: ai.as_ref().and_then(|a| a.provider_id).map(|p| p.to_string()),
            ai_prompt_template: ai.as_ref().map(|a| a.prompt_template.clone()),
            ai_model_override: ai.as_ref().and_then(|a| a.model_override.clone()),
            ai_temperature_override: ai.as_ref().and_then(|a| a.temperature_override),
            ai_max_tokens_override: ai.as_ref().and_then(|a| a.max_tokens_override).map(i64::from),
            order_index: i64::from(c.order_index),
            is_required: Flag(c.is_required),
            is_active: Flag(c.is_active),
            version: event.sequence,
            created_at,
            updated_at: at.to_rfc3339(),
        });
    }
}

/// The active templates, in the app's order.
pub async fn active_templates(ex: &mut impl Executor) -> Result<Vec<CeremonyTemplateRow>, sqlx::Error> {
    let sql = CeremonyTemplateRow::sql();
    let query = format!(
        "select {} from {} where is_active = 1 order by order_index, id",
        sql.list, sql.table
    );
    ex.fetch_all(&query, &[]).await
}

/// A template by id, active or not.
pub async fn template(ex: &mut impl Executor, id: &str) -> Result<Option<CeremonyTemplateRow>, sqlx::Error> {
    let sql = CeremonyTemplateRow::sql();
    let query = format!("select {} from {} where id = $1", sql.list, sql.table);
    ex.fetch_optional(&query, &args![id]).await
}

/// The components named by `ids`, in that order (an id with no row is left out).
pub async fn components(ex: &mut impl Executor, ids: &[String]) -> Result<Vec<ComponentRow>, sqlx::Error> {
    let wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut rows = table::get_many::<ComponentRow>(ex, &wanted).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows)
}

/// A component by id, active or not.
pub async fn component(ex: &mut impl Executor, id: &str) -> Result<Option<ComponentRow>, sqlx::Error> {
    let sql = ComponentRow::sql();
    let query = format!("select {} from {} where id = $1", sql.list, sql.table);
    ex.fetch_optional(&query, &args![id]).await
}

/// The active AI steps of the active templates, in the templates' order then their own.
pub async fn ai_components(ex: &mut impl Executor) -> Result<Vec<(CeremonyTemplateRow, ComponentRow)>, sqlx::Error> {
    let mut out = Vec::new();
    for template in active_templates(ex).await? {
        let ids: Vec<String> = template.component_ids.decode().unwrap_or_default();
        for component in components(ex, &ids).await? {
            if component.r#type == "ai_processor" && component.is_active.0 {
                out.push((template.clone(), component));
            }
        }
    }
    Ok(out)
}
