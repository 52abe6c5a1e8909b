//! Request bodies of the prompt library routes and their parsing into domain values.
use joan_domain::PromptId;
use joan_domain::prompt::{Description, NewPrompt, PromptCategory, PromptChanges, PromptName, PromptText};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, present};

/// `POST /ai/prompts`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePrompt {
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::name)]
    pub name: String,
    #[schema(schema_with = schemas::description_or_null)]
    pub description: Option<String>,
    /// writing, planning...: 1 to 50 characters after trimming.
    #[schema(schema_with = schemas::category_or_null)]
    pub category: Option<String>,
    /// The prompt, with `{placeholders}` to fill (`{topic}`, `{input.text}`): 1 to 20,000
    /// characters, not blank.
    #[schema(schema_with = schemas::template)]
    pub template: String,
    /// Default false.
    pub is_favorite: Option<bool>,
}

/// `PATCH /ai/prompts/{id}`: absent fields stay; `null` clears description and category.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchPrompt {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::name)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::description_or_null)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::category_or_null)]
    pub category: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::template)]
    pub template: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub is_favorite: Option<Option<bool>>,
}

impl CreatePrompt {
    pub fn parse(&self, id: PromptId) -> Result<NewPrompt, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.check("name", PromptName::parse(&self.name));
        let template = f.check("template", PromptText::parse(&self.template));
        let description = f.opt("description", self.description.as_deref(), Description::parse);
        let category = f.opt("category", self.category.as_deref(), PromptCategory::parse);
        match (name, template) {
            (Some(name), Some(template)) => f.finish(NewPrompt {
                id,
                name,
                description,
                category,
                template,
                is_favorite: self.is_favorite.unwrap_or(false),
            }),
            _ => Err(f.errors),
        }
    }
}

impl PatchPrompt {
    pub fn parse(self) -> Result<PromptChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = PromptChanges {
            name: f.required("name", self.name, |n| PromptName::parse(&n)),
            description: f.nullable("description", self.description, |d| Description::parse(&d)),
            category: f.nullable("category", self.category, |c| PromptCategory::parse(&c)),
            template: f.required("template", self.template, |t| PromptText::parse(&t)),
            is_favorite: f.required("is_favorite", self.is_favorite, Ok::<bool, &str>),
        };
        f.finish(changes)
    }
}

/// The schemas of the prompt fields: the rules of `joan_domain::prompt`.
pub(crate) mod schemas {
    use joan_domain::prompt::{Description, PromptCategory, PromptName, PromptText};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{long_text, nullable, short_text};

    pub fn name() -> Object {
        short_text(PromptName::MAX_CHARS).build()
    }

    pub fn description_or_null() -> Object {
        nullable(long_text(Description::MAX_CHARS))
    }

    pub fn category_or_null() -> Object {
        nullable(short_text(PromptCategory::MAX_CHARS))
    }

    /// Free text with at least one visible character.
    pub fn template() -> Object {
        short_text_free(PromptText::MAX_CHARS)
    }

    fn short_text_free(max: usize) -> Object {
        long_text(max)
            .min_length(Some(1))
            .pattern(Some(format!(
                "^[^{c}]*[^{c}{i}\\t\\n\\r][^{c}]*$",
                c = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F",
                i = crate::http::schema::INVISIBLE
            )))
            .build()
    }
}
