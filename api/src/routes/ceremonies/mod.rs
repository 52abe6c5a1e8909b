//! `/ceremonies`: the ceremonies Joan ships (templates and their components, the same for
//! every user), the caller's sessions of them, and what the ceremony app needs of the AI.
use axum::extract::{Path, State};
use joan_projections::ceremony_templates::{self, CeremonyTemplateRow, ComponentRow};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::extract::CurrentUser;
use crate::http::resource::Resource;
use crate::http::state::AppState;

pub mod ai;
pub mod body;
pub mod run_ai;
pub mod sessions;

pub const TEMPLATES: Resource = Resource::new("ceremony_template", "/api/v1/ceremonies/templates");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates))
        .routes(routes!(get_template))
        .merge(sessions::router())
        .merge(ai::router())
        .routes(routes!(run_ai::run_ai_step))
}

/// A ceremony with its steps' components, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    #[serde(flatten)]
    pub template: CeremonyTemplateRow,
    pub components: Vec<ComponentRow>,
}

/// The template's components, in its order.
async fn expand(state: &AppState, template: CeremonyTemplateRow) -> Result<TemplateView, ApiError> {
    let ids: Vec<String> = template.component_ids.decode().map_err(ApiError::internal)?;
    let components = ceremony_templates::components(&mut state.core.store.db(), &ids)
        .await
        .map_err(ApiError::internal)?;
    Ok(TemplateView { template, components })
}

/// The active ceremonies, in the app's order, each with its components.
#[utoipa::path(get, path = "/ceremonies/templates", tag = "ceremonies", security(("bearer" = [])),
    responses((status = 200, body = [TemplateView])))]
async fn list_templates(
    State(state): State<AppState>,
    CurrentUser(_user): CurrentUser,
) -> Result<axum::Json<Vec<TemplateView>>, ApiError> {
    let templates = ceremony_templates::active_templates(&mut state.core.store.db())
        .await
        .map_err(ApiError::internal)?;
    let mut views = Vec::with_capacity(templates.len());
    for template in templates {
        views.push(expand(&state, template).await?);
    }
    Ok(axum::Json(views))
}

/// One ceremony with its components, in order.
#[utoipa::path(get, path = "/ceremonies/templates/{id}", tag = "ceremonies", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TemplateView)))]
async fn get_template(
    State(state): State<AppState>,
    CurrentUser(_user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<TemplateView>, ApiError> {
    let (_, id) = TEMPLATES.id::<joan_domain::CeremonyTemplateId>(&id)?;
    let template = ceremony_templates::template(&mut state.core.store.db(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(axum::Json(expand(&state, template).await?))
}
