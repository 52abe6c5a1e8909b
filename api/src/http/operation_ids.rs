//! Unique `operationId`s. utoipa names an operation after its handler function, and many
//! resource modules have a `list`, `get` or `create`; client generators (openapi-typescript)
//! need every id once. An id used by more than one operation is replaced, on each of them, by
//! one built from the method and the path (`get_tasks_id_history`); a unique id stays.
use std::collections::HashMap;

use utoipa::openapi::OpenApi;
use utoipa::openapi::path::{HttpMethod, Operation};

/// The prefix every API path carries; left out of the ids built from paths.
const PREFIX: &str = "/api/v1";

pub fn make_unique(openapi: &mut OpenApi) {
    let mut uses: HashMap<String, usize> = HashMap::new();
    for (_, _, op) in operations(openapi) {
        if let Some(id) = &op.operation_id {
            *uses.entry(id.clone()).or_default() += 1;
        }
    }
    for (path, method, op) in operations(openapi) {
        let repeated = op.operation_id.as_ref().is_none_or(|id| uses[id] > 1);
        if repeated {
            op.operation_id = Some(from_path(method, &path));
        }
    }
}

fn operations(openapi: &mut OpenApi) -> Vec<(String, &'static str, &mut Operation)> {
    let mut out = Vec::new();
    for (path, item) in openapi.paths.paths.iter_mut() {
        let methods = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Delete, &mut item.delete),
            (HttpMethod::Patch, &mut item.patch),
        ];
        for (method, operation) in methods {
            if let Some(op) = operation.as_mut() {
                out.push((path.clone(), method_name(method), op));
            }
        }
    }
    out
}

fn method_name(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Put => "put",
        HttpMethod::Post => "post",
        HttpMethod::Delete => "delete",
        HttpMethod::Patch => "patch",
        HttpMethod::Options => "options",
        HttpMethod::Head => "head",
        HttpMethod::Trace => "trace",
    }
}

/// `get` and `/api/v1/tasks/{id}/history` give `get_tasks_id_history`.
fn from_path(method: &str, path: &str) -> String {
    let path = path.strip_prefix(PREFIX).unwrap_or(path);
    let words = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    std::iter::once(method).chain(words).collect::<Vec<_>>().join("_")
}

#[cfg(test)]
mod tests {
    use super::from_path;

    #[test]
    fn ids_come_from_the_method_and_the_path_without_the_prefix() {
        assert_eq!(from_path("get", "/api/v1/tasks/{id}/history"), "get_tasks_id_history");
        assert_eq!(from_path("post", "/api/v1/kanban/boards"), "post_kanban_boards");
    }
}
