//! Placeholders in prompt templates: `{name}`, or a path like `{input.text}` and
//! `{steps.analyze.output}` (the workflow's). A name starts with a letter or `_` and holds
//! letters, digits, `_`, `-` and `.`; any other brace is text (a JSON example stays as it is).

/// The longest placeholder name.
pub const MAX_NAME: usize = 100;

/// The placeholders of `template` with where each starts and ends (the braces included).
fn spans(template: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let bytes = template.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            let rest = &template[i + 1..];
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                .count();
            let name = &rest[..len];
            let starts_well = name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
            if starts_well && len <= MAX_NAME && rest.as_bytes().get(len) == Some(&b'}') {
                out.push((i, i + len + 2, name));
                i += len + 2;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The distinct placeholder names of `template`, in order of first use.
pub fn names(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, _, name) in spans(template) {
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// The value at a dotted path: object fields by name, array items by index.
fn lookup<'v>(context: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.').try_fold(context, |value, part| match value {
        serde_json::Value::Object(map) => map.get(part),
        serde_json::Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// `template` with each placeholder replaced by its value in `context` (text as it is, any
/// other value as compact JSON), or the names that have no value (`null` counts as none).
pub fn render(template: &str, context: &serde_json::Value) -> Result<String, Vec<String>> {
    let mut out = String::with_capacity(template.len());
    let mut missing: Vec<String> = Vec::new();
    let mut last = 0;
    for (start, end, name) in spans(template) {
        out.push_str(&template[last..start]);
        match lookup(context, name) {
            Some(serde_json::Value::String(text)) => out.push_str(text),
            Some(serde_json::Value::Null) | None => {
                if !missing.iter().any(|m| m == name) {
                    missing.push(name.to_string());
                }
            }
            Some(other) => out.push_str(&other.to_string()),
        }
        last = end;
    }
    out.push_str(&template[last..]);
    if missing.is_empty() { Ok(out) } else { Err(missing) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_are_the_placeholders_in_order_and_json_braces_are_text() {
        let template = "Sum up {input.text} for {name}; then {input.text} again. \
                        Answer like {\"summary\": \"...\"} or { spaced } or {1abc} or {open";
        assert_eq!(names(template), vec!["input.text", "name"]);
        assert_eq!(names("{steps.analyze.output}"), vec!["steps.analyze.output"]);
        assert!(names(&format!("{{{}}}", "a".repeat(MAX_NAME + 1))).is_empty());
    }

    #[test]
    fn render_fills_text_as_is_and_other_values_as_json_and_names_what_is_missing() {
        let context = json!({"input": {"text": "call the bank", "tasks": [{"title": "x"}], "n": 3}});
        assert_eq!(
            render(
                "Write {input.text} / {input.tasks} / {input.n} / {input.tasks.0.title} {x",
                &context
            ),
            Ok("Write call the bank / [{\"title\":\"x\"}] / 3 / x {x".to_string())
        );
        assert_eq!(
            render("{input.text} {input.date} {steps.a.output} {input.date}", &context),
            Err(vec!["input.date".to_string(), "steps.a.output".to_string()])
        );
    }
}
