//! JSON out of a model's answer: from a ```json fence, the whole answer, or the first balanced
//! object or array in it; then checked against the JSON Schema asked for.
//!
//! The validator covers what step schemas use: `type` (one or a list), `enum`, `required`,
//! `properties`, `additionalProperties: false`, `items`, `minItems`/`maxItems`. Other keywords
//! are ignored rather than refused.
use serde_json::Value;

/// The JSON in `text`, if any.
pub fn extract(text: &str) -> Option<Value> {
    fenced(text)
        .and_then(|inner| serde_json::from_str(inner.trim()).ok())
        .or_else(|| serde_json::from_str(text.trim()).ok())
        .or_else(|| first_balanced(text))
}

/// The inside of the first ``` fence (with or without a language tag).
fn fenced(text: &str) -> Option<&str> {
    let start = text.find("```")?;
    let after = &text[start + 3..];
    let body_start = after.find('\n')? + 1;
    let body = &after[body_start..];
    let end = body.find("```")?;
    Some(&body[..end])
}

/// The first `{...}` or `[...]` whose brackets balance (strings and escapes respected) and
/// that parses.
fn first_balanced(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = text[from..].find(['{', '[']) {
        let start = from + offset;
        let parsed = balanced_end(&bytes[start..]).and_then(|end| serde_json::from_str(&text[start..start + end]).ok());
        if parsed.is_some() {
            return parsed;
        }
        from = start + 1;
    }
    None
}

fn balanced_end(bytes: &[u8]) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `value` satisfies `schema`; the first problem found, with its JSON path, if not.
pub fn validate(value: &Value, schema: &Value) -> Result<(), String> {
    check(value, schema, "$")
}

fn check(value: &Value, schema: &Value, path: &str) -> Result<(), String> {
    let Some(schema) = schema.as_object() else {
        return Ok(());
    };
    if let Some(wanted) = schema.get("type") {
        let names: Vec<&str> = match wanted {
            Value::String(name) => vec![name.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.is_empty() && !names.iter().any(|name| is_type(value, name)) {
            return Err(format!("{path} must be {}", names.join(" or ")));
        }
    }
    if let Some(Value::Array(choices)) = schema
        .get("enum")
        .filter(|c| !c.as_array().is_some_and(|c| c.contains(value)))
    {
        return Err(format!("{path} must be one of {}", Value::Array(choices.clone())));
    }
    if let Value::Object(object) = value {
        if let Some(Value::Array(required)) = schema.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    return Err(format!("{path}.{name} is required"));
                }
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, field) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(sub) => check(field, sub, &format!("{path}.{name}"))?,
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return Err(format!("{path}.{name} is not allowed"));
                }
                None => {}
            }
        }
    }
    if let Value::Array(items) = value {
        let count = items.len() as u64;
        if let Some(min) = schema
            .get("minItems")
            .and_then(Value::as_u64)
            .filter(|min| count < *min)
        {
            return Err(format!("{path} must have at least {min} items"));
        }
        if let Some(max) = schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .filter(|max| count > *max)
        {
            return Err(format!("{path} must have at most {max} items"));
        }
        if let Some(sub) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(item, sub, &format!("{path}[{i}]"))?;
            }
        }
    }
    Ok(())
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_is_found_fenced_bare_or_inside_prose() {
        assert_eq!(extract("```json\n{\"a\": 1}\n```"), Some(json!({"a": 1})));
        assert_eq!(extract("Here:\n```\n[1, 2]\n```\nDone."), Some(json!([1, 2])));
        assert_eq!(extract("  {\"a\": \"}\"}  "), Some(json!({"a": "}"})));
        assert_eq!(
            extract("Sure! {\"title\": \"a {brace} \\\" quote\"} hope it helps [x"),
            Some(json!({"title": "a {brace} \" quote"}))
        );
        assert_eq!(extract("{not json} then [1,2]"), Some(json!([1, 2])));
        assert_eq!(extract("<html><body>502 Bad Gateway</body></html>"), None);
        assert_eq!(extract("{\"a\": 1"), None);
    }

    #[test]
    fn schemas_check_type_required_properties_and_items() {
        let schema = json!({
            "type": "array",
            "items": {"type": "object", "required": ["title"], "additionalProperties": false,
                      "properties": {"title": {"type": "string"},
                                     "priority": {"enum": ["low", "high"]}}}
        });
        assert_eq!(validate(&json!([{"title": "a", "priority": "low"}]), &schema), Ok(()));
        assert_eq!(validate(&json!({"title": "a"}), &schema), Err("$ must be array".into()));
        assert_eq!(validate(&json!([{}]), &schema), Err("$[0].title is required".into()));
        assert_eq!(
            validate(&json!([{"title": 3}]), &schema),
            Err("$[0].title must be string".into())
        );
        assert!(validate(&json!([{"title": "a", "x": 1}]), &schema).is_err());
        assert!(validate(&json!([{"title": "a", "priority": "mid"}]), &schema).is_err());
        assert_eq!(validate(&json!(2.0), &json!({"type": "integer"})), Ok(()));
    }
}
