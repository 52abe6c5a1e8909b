//! An event as people read it: which entity, what happened, by whom, when, and each field's
//! value before and after. Shared by the audit timeline and the live feed.
use joan_commands::StoredEvent;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// One event of the caller's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Change {
    /// The event's place in the log: the cursor of `/audit` and the id of the live feed.
    pub position: i64,
    pub entity_type: String,
    pub entity_id: String,
    /// The entity's version after this event.
    pub version: i64,
    #[serde(rename = "type")]
    pub event_type: String,
    /// Readable: `title changed`, `created`, `member added`.
    pub action: String,
    pub actor: Option<String>,
    pub at: String,
    /// The fields the event sets, with their values before (when the event records them)
    /// and after.
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    /// Any JSON value (`null` when the event does not record it).
    pub from: Value,
    pub to: Value,
}

impl From<&StoredEvent> for Change {
    fn from(e: &StoredEvent) -> Self {
        let body = match serde_json::from_str::<Value>(&e.payload) {
            Ok(Value::Object(outer)) => outer.into_iter().next().map(|(_, v)| v).unwrap_or_default(),
            _ => Value::Null,
        };
        let verb = verb(&e.aggregate_type, &e.event_type);
        let changes = changes(&verb, body);
        Self {
            position: e.position,
            entity_type: e.aggregate_type.clone(),
            entity_id: e.aggregate_id.clone(),
            version: e.sequence,
            event_type: e.event_type.clone(),
            action: verb.join(" "),
            actor: e.meta().actor.or_else(|| e.owner_id.clone()),
            at: e.recorded_at.clone(),
            changes,
        }
    }
}

/// The event's name without its entity's, in lower-case words: `TaskTitleChanged` of a
/// `task` is `["title", "changed"]`.
fn verb(entity: &str, event: &str) -> Vec<String> {
    let mut words = split_camel(event);
    let prefix: Vec<String> = entity.split('_').map(str::to_string).collect();
    if words.starts_with(&prefix) && words.len() > prefix.len() {
        words.drain(..prefix.len());
    }
    words
}

fn split_camel(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        if c.is_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        if let Some(last) = words.last_mut() {
            last.extend(c.to_lowercase());
        }
    }
    words
}

/// `{from, to}` of a field's change event names the field after the verb (`title changed`);
/// any other event sets each field it carries. Times of the event itself are left out.
fn changes(verb: &[String], body: Value) -> Vec<FieldChange> {
    let Value::Object(mut fields) = body else {
        return Vec::new();
    };
    fields.remove("at");
    if verb.last().is_some_and(|w| w == "changed") && fields.contains_key("to") && verb.len() > 1 {
        let field = verb[..verb.len() - 1].join("_");
        let mut value = |side: &str| match fields.remove(side) {
            Some(v) if is_secret(&field) && !v.is_null() => Value::from(SECRET),
            v => v.unwrap_or_default(),
        };
        return vec![FieldChange {
            from: value("from"),
            to: value("to"),
            field,
        }];
    }
    set_fields(fields)
}

fn set_fields(fields: Map<String, Value>) -> Vec<FieldChange> {
    fields
        .into_iter()
        .map(|(field, to)| FieldChange {
            to: if is_secret(&field) { Value::from(SECRET) } else { to },
            field,
            from: Value::Null,
        })
        .collect()
}

/// What a sealed value reads as: its ciphertext is no one's business, even its owner's.
const SECRET: &str = "[sealed]";

/// Seals what an event's data holds of a secret, at any depth: a sealed key's ciphertext is
/// dropped (its mask and key id stay), any other value under a secret's name reads
/// `[sealed]`. Every history answer goes through it.
pub fn seal(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            fields.remove("ciphertext");
            for (field, inner) in fields.iter_mut() {
                match inner {
                    Value::Object(_) | Value::Array(_) => seal(inner),
                    Value::Null => {}
                    other if is_secret(field) => *other = Value::from(SECRET),
                    _ => {}
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(seal),
        _ => {}
    }
}

fn is_secret(field: &str) -> bool {
    field == "key" || field.ends_with("_key") || field.contains("encrypted") || field.contains("ciphertext")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealing_drops_ciphertexts_and_hides_secret_values_at_any_depth() {
        let mut data = serde_json::json!({
            "name": "Work",
            "key": {"key_id": "k1", "ciphertext": "c1", "mask": "sk-...abcd"},
            "to": [{"api_key_encrypted": "k1:c2", "theme": "dark"}],
            "openai_key": null,
        });
        seal(&mut data);
        assert_eq!(
            data,
            serde_json::json!({
                "name": "Work",
                "key": {"key_id": "k1", "mask": "sk-...abcd"},
                "to": [{"api_key_encrypted": "[sealed]", "theme": "dark"}],
                "openai_key": null,
            })
        );
    }

    #[test]
    fn a_field_change_names_its_field_and_both_values() {
        let v = verb("task", "TaskTitleChanged");
        assert_eq!(v, ["title", "changed"]);
        let c = changes(&v, serde_json::json!({"from": "a", "to": "b", "at": "t"}));
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].field.as_str(), &c[0].from, &c[0].to),
            ("title", &Value::from("a"), &Value::from("b"))
        );
    }

    #[test]
    fn other_events_set_what_they_carry_and_keep_their_own_words() {
        assert_eq!(verb("activity_goal", "ActivityGoalCreated"), ["created"]);
        assert_eq!(verb("project", "MemberAdded"), ["member", "added"]);
        assert_eq!(verb("task", "TaskDueDateChanged"), ["due", "date", "changed"]);
        let c = changes(
            &verb("task", "TaskCreated"),
            serde_json::json!({"title": "x", "at": "t"}),
        );
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].field.as_str(), &c[0].from), ("title", &Value::Null));
    }

    #[test]
    fn sealed_keys_are_never_shown() {
        let c = changes(
            &verb("settings", "SettingsApiKeySet"),
            serde_json::json!({"provider": "openai", "key": {"key_id": "k", "ciphertext": "abc"}}),
        );
        let key = c.iter().find(|c| c.field == "key").unwrap();
        assert_eq!(key.to, Value::from(SECRET));
    }
}
