//! The error answers every operation documents, added by rule from what the shared machinery
//! can answer, so a handler's annotation lists only its own successes and refusals:
//!
//! - a bearer-secured operation can answer 401;
//! - one with a request body 400 (malformed JSON), 413 (too large), 415 (not JSON) and 422;
//! - one with query or header parameters 422 (a bad `limit`, `as_of`, `Idempotency-Key`...);
//! - one with a path id 404 (no such id, or someone else's);
//! - one that reads `If-Match` 412.
//!
//! Every answer of 400 and above is `application/problem+json` with the `Problem` schema.
//!
//! A body that may be left out is an object when it is sent: `ApiJson` takes objects only, so
//! the `null` that utoipa allows for an `Option<T>` body is taken out of its schema.
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

const PROBLEM_JSON: &str = "application/problem+json";

/// Applies the rules to every operation of `openapi`.
pub fn document(openapi: &mut OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            add_shared_statuses(operation);
            as_problems(operation);
            optional_body_is_an_object(operation);
        }
    }
}

fn add_shared_statuses(op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    let mut statuses = Vec::new();
    if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
        statuses.push(401);
    }
    if op.request_body.is_some() {
        statuses.extend([400, 413, 415, 422]);
    }
    if has(ParameterIn::Query) || has(ParameterIn::Header) {
        statuses.push(422);
    }
    if has(ParameterIn::Path) {
        statuses.push(404);
    }
    if params.iter().any(|p| p.name.eq_ignore_ascii_case("if-match")) {
        statuses.push(412);
    }
    for status in statuses {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| ResponseBuilder::new().description(reason(status)).into());
    }
}

/// Every error answer is a problem document.
fn as_problems(op: &mut Operation) {
    for (status, response) in &mut op.responses.responses {
        let RefOr::T(response) = response else { continue };
        let code: u16 = status.parse().unwrap_or(0);
        if response.description.is_empty() {
            response.description = reason(code).to_string();
        }
        if code < 400 {
            continue;
        }
        response.content.clear();
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build();
        response.content.insert(PROBLEM_JSON.to_string(), content);
    }
}

fn optional_body_is_an_object(op: &mut Operation) {
    let Some(body) = op.request_body.as_mut() else { return };
    for content in body.content.values_mut() {
        let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema else {
            continue;
        };
        let is_null = |item: &RefOr<Schema>| matches!(item, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
        let mut rest = one_of.items.iter().filter(|item| !is_null(item));
        if let (Some(only), None) = (rest.next(), rest.next()) {
            content.schema = Some(only.clone());
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "Done; no content",
        403 => "The caller may see the resource but their role does not allow this",
        409 => "The request clashes with the resource's state; `code` says how",
        429 => "Too many attempts; `Retry-After` says when to try again",
        400 => "Malformed JSON, or something after the JSON value",
        401 => "No valid access token",
        404 => "No such resource, or not the caller's",
        412 => "`If-Match` names a version that is no longer current",
        413 => "The body is larger than the server accepts",
        415 => "The body is not `application/json` in UTF-8",
        422 => "A field, parameter or header is invalid; `errors` names each",
        _ => "Refused",
    }
}
