//! Legacy user_settings through the API: values kept, keys sealed and never written out.
use joan_domain::UserId;
use joan_domain::settings::Provider;
use serde_json::json;

use super::legacy::{Expect, get_ok, history_types, rows};
use crate::app::TestApp;

/// Every good settings row reads back as its user's settings (keys only as masks, and the
/// same key when opened); a refused row leaves the user with the defaults. Returns how many
/// good rows were checked.
pub async fn read_back_settings(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let mut checked = 0;
    for row in rows(legacy, "user_settings") {
        let Some(user) = row.text("user_id").filter(|u| expect.tokens.contains_key(u)) else {
            continue;
        };
        let token = expect.token(&user);
        let b = get_ok(app, token, "/api/v1/settings").await;
        if expect.is_bad("user_settings", &row.id()) {
            assert_eq!(b["version"], 0, "{b}");
            continue;
        }
        let number = |column: &str, default: i64| match row.0.get(column) {
            Some(rusqlite::types::Value::Integer(n)) => json!(n),
            _ => json!(default),
        };
        assert_eq!(b["theme"], row.json("theme"));
        assert_eq!(b["timezone"], row.json("timezone"));
        assert_eq!(b["notifications_enabled"], row.flag("notifications_enabled"));
        assert_eq!(b["default_work_duration"], number("default_work_duration", 25));
        assert_eq!(b["default_break_duration"], number("default_break_duration", 5));
        assert_eq!(b["local_llm_enabled"], row.flag("local_llm_enabled"));
        assert_eq!(b["local_llm_url"], row.json("local_llm_url"));
        assert_eq!(b["local_llm_model"], row.json("local_llm_model"));
        assert_eq!(b["created_at"], row.at("created_at"));
        assert_eq!(b["updated_at"], row.at("updated_at"));
        let id = UserId(user.parse().unwrap());
        for (provider, column) in [
            (Provider::OpenAi, "openai_api_key_encrypted"),
            (Provider::Anthropic, "anthropic_api_key_encrypted"),
        ] {
            let plain = row.text(column).filter(|k| !k.trim().is_empty());
            let name = provider.as_str();
            assert_eq!(b[format!("{name}_api_key_set")], plain.is_some(), "{b}");
            let opened = joan_api::routes::settings::api_key(&app.state, id, provider)
                .await
                .unwrap();
            assert_eq!(opened.as_ref().map(|k| k.expose()), plain.as_deref());
            if let Some(plain) = &plain {
                let mask = b[format!("{name}_api_key_mask")].as_str().unwrap();
                assert!(
                    mask.len() < plain.len() && plain.ends_with(&mask[mask.len() - 4..]),
                    "{mask}"
                );
            }
        }
        assert_eq!(
            history_types(app, token, "/api/v1/settings/history").await,
            ["SettingsImported"]
        );
        checked += 1;
    }
    checked
}

/// No plain key of the old settings is in any event, read table row or the report.
pub async fn no_key_in_clear(app: &TestApp, secrets: &[String], report: &str) {
    let db = app.state.core.store.db();
    for secret in secrets {
        assert!(!report.contains(secret.as_str()), "the report holds a key");
        let pattern = format!("%{secret}%");
        let events = db
            .fetch_scalar_i64(
                "select count(*) from events where payload like $1 or metadata like $1",
                &joan_commands::args![pattern.as_str()],
            )
            .await
            .unwrap();
        assert_eq!(events, 0, "an event holds a key");
        let rows = db
            .fetch_scalar_i64(
                "select count(*) from user_settings where openai_api_key_encrypted like $1 \
                 or anthropic_api_key_encrypted like $1 or openai_api_key_mask like $1 \
                 or anthropic_api_key_mask like $1",
                &joan_commands::args![pattern.as_str()],
            )
            .await
            .unwrap();
        assert_eq!(rows, 0, "user_settings holds a key");
    }
}
