//! `Providers` (the `Llm`) against the fake server: formats, normalisation, retries, timeouts,
//! fallback, circuit breakers and the outbound guard.
use std::time::{Duration, Instant};

use joan_api::ai::providers::{AiSettings, Providers};
use joan_api::ai::{ChatRequest, FailureClass, Llm, ProviderKind, ProviderSpec, SealedKey};
use joan_api::config::Secret;
use joan_api::crypto::Keyring;
use serde_json::json;
use uuid::Uuid;

use super::fake_llm::{Answer, COMPLETION_TOKENS, FakeLlm, PROMPT_TOKENS};

const KEY: &str = "sk-test-fake-0123456789abcdef";

fn keyring() -> Keyring {
    Keyring::from_bytes(&[9; 32])
}

/// Settings for tests: the fake allowed, short waits.
fn settings(fakes: &[&FakeLlm]) -> AiSettings {
    AiSettings {
        allow_hosts: fakes.iter().map(|f| f.host_port()).collect(),
        timeout: Duration::from_secs(3),
        retries: 2,
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_secs(3),
        breaker_threshold: 5,
        breaker_cooldown: Duration::from_secs(60),
        ..AiSettings::default()
    }
}

fn providers(settings: AiSettings) -> Providers {
    Providers::new(settings, keyring()).unwrap()
}

fn spec(fake: &FakeLlm, kind: ProviderKind) -> ProviderSpec {
    let id = Uuid::new_v4();
    let context = format!("test {id}");
    let sealed = keyring().seal(&Secret::new(KEY), &context);
    ProviderSpec {
        id,
        kind,
        name: format!("fake {kind:?}"),
        endpoint: Some(fake.base(kind)),
        model: "gpt-4o-mini".into(),
        max_tokens: Some(64),
        temperature: Some(0.2),
        key: Some(SealedKey {
            key_id: sealed.key_id,
            ciphertext: sealed.ciphertext,
            context,
        }),
        priority: 0,
    }
}

fn ask(prompt: &str) -> ChatRequest {
    ChatRequest {
        system: Some("be brief".into()),
        prompt: prompt.into(),
        ..ChatRequest::default()
    }
}

fn ask_json(prompt: &str, schema: serde_json::Value) -> ChatRequest {
    ChatRequest {
        json: true,
        json_schema: Some(schema),
        ..ask(prompt)
    }
}

#[tokio::test]
async fn each_wire_format_answers_with_text_usage_and_cost() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    fake.script([Answer::text("hello there")]);
    for kind in [
        ProviderKind::Openai,
        ProviderKind::Groq,
        ProviderKind::OpenaiCompatible,
        ProviderKind::Anthropic,
        ProviderKind::Ollama,
    ] {
        let spec = spec(&fake, kind);
        let done = llm.complete(std::slice::from_ref(&spec), &ask("hi")).await.unwrap();
        assert_eq!(done.text, "hello there", "{kind:?}");
        assert_eq!((done.tokens_in, done.tokens_out), (PROMPT_TOKENS, COMPLETION_TOKENS));
        assert_eq!(
            (done.provider_id, done.provider_kind, done.attempts),
            (spec.id, kind, 1)
        );
        assert_eq!(done.model, "gpt-4o-mini");
        // 12 tokens at $0.15/M and 5 at $0.60/M: 4.8 micro-USD, rounded up; local is free.
        let cost = if kind == ProviderKind::Ollama { 0 } else { 5 };
        assert_eq!(done.cost_micro_usd, cost, "{kind:?}");

        let seen = fake.seen().pop().unwrap();
        let header = |name: &str| seen.headers.get(name).map(|v| v.to_str().unwrap().to_string());
        match kind {
            ProviderKind::Anthropic => {
                assert_eq!(seen.path, "/v1/messages");
                assert_eq!(header("x-api-key").as_deref(), Some(KEY));
                assert_eq!(header("anthropic-version").as_deref(), Some("2023-06-01"));
                assert_eq!(seen.body["system"], "be brief");
                assert_eq!(seen.body["max_tokens"], 64);
                assert_eq!(seen.body["messages"], json!([{"role": "user", "content": "hi"}]));
            }
            ProviderKind::Ollama => {
                assert_eq!(seen.path, "/api/chat");
                assert_eq!(seen.body["stream"], false);
                assert_eq!(seen.body["options"]["num_predict"], 64);
                assert_eq!(seen.body["messages"][0]["role"], "system");
            }
            _ => {
                assert_eq!(seen.path, "/v1/chat/completions");
                assert_eq!(header("authorization"), Some(format!("Bearer {KEY}")));
                assert_eq!(seen.body["temperature"], 0.2);
                assert_eq!(seen.body["messages"][1], json!({"role": "user", "content": "hi"}));
            }
        }
    }
}

#[tokio::test]
async fn json_is_taken_out_of_a_code_fence_and_checked_against_the_schema() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    fake.script([Answer::text(
        "Here you go:\n```json\n{\"tasks\": [\"write\", \"call\"]}\n```\nAnything else?",
    )]);
    let schema = json!({"type": "object", "required": ["tasks"], "properties": {"tasks": {"type": "array", "items": {"type": "string"}}}});
    let done = llm
        .complete(&[spec(&fake, ProviderKind::Openai)], &ask_json("list", schema))
        .await
        .unwrap();
    assert_eq!(done.json, Some(json!({"tasks": ["write", "call"]})));
    assert_eq!((done.attempts, fake.hits()), (1, 1));
    let system = fake.seen()[0].body["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(system.contains("JSON Schema"), "{system}");
}

#[tokio::test]
async fn invalid_json_gets_one_repair_call_then_gives_up() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    let schema = json!({"type": "array", "items": {"type": "object", "required": ["title"]}});
    fake.script([
        Answer::text("Sure! title: write"),
        Answer::text("[{\"title\": \"write\"}]"),
    ]);
    let done = llm
        .complete(
            &[spec(&fake, ProviderKind::Anthropic)],
            &ask_json("extract", schema.clone()),
        )
        .await
        .unwrap();
    assert_eq!(done.json, Some(json!([{"title": "write"}])));
    assert_eq!(done.attempts, 2);
    assert_eq!(
        (done.tokens_in, done.tokens_out),
        (2 * PROMPT_TOKENS, 2 * COMPLETION_TOKENS)
    );
    let repair = &fake.seen()[1].body["messages"];
    assert_eq!(repair[1], json!({"role": "assistant", "content": "Sure! title: write"}));
    assert!(repair[2]["content"].as_str().unwrap().contains("corrected JSON"));

    // Valid JSON against the wrong shape is repaired too; a second miss fails.
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    fake.script([Answer::text("{\"title\": \"not a list\"}")]);
    let failed = llm
        .complete(&[spec(&fake, ProviderKind::Openai)], &ask_json("extract", schema))
        .await
        .unwrap_err();
    assert_eq!(failed.class, FailureClass::InvalidResponse);
    assert!(failed.message.contains("$ must be array"), "{}", failed.message);
    assert_eq!((failed.attempts, fake.hits()), (2, 2), "one repair only");
}

#[tokio::test]
async fn a_429_waits_as_long_as_retry_after_asks_then_succeeds() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    fake.script([Answer::retry_after(429, "1"), Answer::text("ok")]);
    let started = Instant::now();
    let done = llm
        .complete(&[spec(&fake, ProviderKind::Openai)], &ask("hi"))
        .await
        .unwrap();
    assert_eq!((done.text.as_str(), done.attempts), ("ok", 2));
    let seen = fake.seen();
    let gap = seen[1].at - seen[0].at;
    assert!(gap >= Duration::from_secs(1), "waited only {gap:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_not_waited() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    fake.script([Answer::retry_after(429, "3600"), Answer::text("ok")]);
    let started = Instant::now();
    let failed = llm
        .complete(&[spec(&fake, ProviderKind::Openai)], &ask("hi"))
        .await
        .unwrap_err();
    assert_eq!((failed.class, fake.hits()), (FailureClass::RateLimited, 1));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn server_errors_and_anthropic_overload_are_retried() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    fake.script([Answer::status(500), Answer::status(503), Answer::text("ok")]);
    let done = llm
        .complete(&[spec(&fake, ProviderKind::Ollama)], &ask("hi"))
        .await
        .unwrap();
    assert_eq!((done.text.as_str(), done.attempts, fake.hits()), ("ok", 3, 3));

    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    fake.script([Answer::status(529), Answer::text("ok")]);
    let done = llm
        .complete(&[spec(&fake, ProviderKind::Anthropic)], &ask("hi"))
        .await
        .unwrap();
    assert_eq!(done.attempts, 2);

    // Out of retries: the last failure, every call counted.
    fake.script([Answer::status(502)]);
    let failed = llm
        .complete(&[spec(&fake, ProviderKind::Anthropic)], &ask("hi"))
        .await
        .unwrap_err();
    assert_eq!((failed.class, failed.attempts), (FailureClass::Unavailable, 3));
    assert!(failed.message.contains("502"), "{}", failed.message);
}

#[tokio::test]
async fn a_slow_provider_times_out() {
    let fake = FakeLlm::start().await;
    let llm = providers(AiSettings {
        timeout: Duration::from_millis(300),
        retries: 0,
        ..settings(&[&fake])
    });
    fake.script([Answer::slow(Duration::from_secs(5), Answer::text("late"))]);
    let started = Instant::now();
    let failed = llm
        .complete(&[spec(&fake, ProviderKind::Openai)], &ask("hi"))
        .await
        .unwrap_err();
    assert_eq!(failed.class, FailureClass::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn html_garbage_is_an_invalid_response_and_not_retried() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    fake.script([Answer::Garbage]);
    let failed = llm
        .complete(&[spec(&fake, ProviderKind::Openai)], &ask("hi"))
        .await
        .unwrap_err();
    assert_eq!((failed.class, fake.hits()), (FailureClass::InvalidResponse, 1));
}

#[tokio::test]
async fn a_401_is_an_invalid_key_after_one_call_and_never_shows_the_key() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    for code in [401, 403] {
        fake.script([Answer::status(code), Answer::text("never reached")]);
        let before = fake.hits();
        let failed = llm
            .complete(&[spec(&fake, ProviderKind::Openai)], &ask("hi"))
            .await
            .unwrap_err();
        assert_eq!((failed.class, failed.attempts), (FailureClass::InvalidKey, 1));
        assert_eq!(fake.hits() - before, 1, "no retry");
        assert!(!failed.message.contains(KEY) && !format!("{failed:?}").contains(KEY));
    }
    fake.script([Answer::status(400)]);
    let failed = llm
        .complete(&[spec(&fake, ProviderKind::Openai)], &ask("hi"))
        .await
        .unwrap_err();
    assert_eq!((failed.class, failed.attempts), (FailureClass::BadRequest, 1));
}

#[tokio::test]
async fn a_missing_or_unopenable_key_fails_before_any_call() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    let mut no_key = spec(&fake, ProviderKind::Anthropic);
    no_key.key = None;
    let failed = llm.complete(&[no_key], &ask("hi")).await.unwrap_err();
    assert_eq!(failed.class, FailureClass::InvalidKey);
    let mut moved = spec(&fake, ProviderKind::Openai);
    moved.key.as_mut().unwrap().context = "another user".into();
    let failed = llm.complete(&[moved], &ask("hi")).await.unwrap_err();
    assert_eq!(failed.class, FailureClass::InvalidKey);
    assert_eq!(fake.hits(), 0);
    let failed = llm.complete(&[], &ask("hi")).await.unwrap_err();
    assert_eq!(failed.class, FailureClass::NoProvider);
}

#[tokio::test]
async fn a_failing_provider_falls_back_to_the_next() {
    let (down, up) = (FakeLlm::start().await, FakeLlm::start().await);
    let llm = providers(AiSettings {
        retries: 1,
        ..settings(&[&down, &up])
    });
    down.script([Answer::status(500)]);
    up.script([Answer::text("from the second")]);
    let chain = [spec(&down, ProviderKind::Openai), spec(&up, ProviderKind::Ollama)];
    let done = llm.complete(&chain, &ask("hi")).await.unwrap();
    assert_eq!(done.text, "from the second");
    assert_eq!(
        (done.provider_id, done.provider_kind),
        (chain[1].id, ProviderKind::Ollama)
    );
    assert_eq!((done.attempts, down.hits(), up.hits()), (3, 2, 1));

    // An invalid key on the first also moves on.
    down.script([Answer::status(401)]);
    let done = llm.complete(&chain, &ask("hi")).await.unwrap();
    assert_eq!(done.provider_id, chain[1].id);
}

#[tokio::test]
async fn the_circuit_opens_after_repeated_failures_and_closes_after_the_cooldown() {
    let fake = FakeLlm::start().await;
    let llm = providers(AiSettings {
        retries: 0,
        breaker_threshold: 3,
        breaker_cooldown: Duration::from_millis(400),
        ..settings(&[&fake])
    });
    let chain = [spec(&fake, ProviderKind::Openai)];
    fake.script([Answer::status(500)]);
    for _ in 0..3 {
        let failed = llm.complete(&chain, &ask("hi")).await.unwrap_err();
        assert_eq!(failed.class, FailureClass::Unavailable);
    }
    assert_eq!(fake.hits(), 3);
    for _ in 0..2 {
        let failed = llm.complete(&chain, &ask("hi")).await.unwrap_err();
        assert_eq!((failed.class, failed.attempts), (FailureClass::CircuitOpen, 0));
    }
    assert_eq!(fake.hits(), 3, "an open circuit sends nothing");

    fake.script([Answer::text("back")]);
    tokio::time::sleep(Duration::from_millis(450)).await;
    let done = llm.complete(&chain, &ask("hi")).await.unwrap();
    assert_eq!(done.text, "back");
    llm.complete(&chain, &ask("hi")).await.unwrap();
    assert_eq!(fake.hits(), 5, "closed again");

    // Another provider's circuit is its own.
    let other = [spec(&fake, ProviderKind::Ollama)];
    llm.complete(&other, &ask("hi")).await.unwrap();
}

#[tokio::test]
async fn the_guard_refuses_private_endpoints_and_redirects_at_call_time() {
    let fake = FakeLlm::start().await;
    let llm = providers(settings(&[&fake]));
    for endpoint in [
        "http://127.0.0.1/v1",
        "http://[::1]/v1",
        "http://[::ffff:127.0.0.1]/v1",
        "http://0.0.0.0/v1",
        "http://169.254.169.254/latest",
        "http://10.0.0.1/v1",
        "http://2130706433/v1",
        "http://0x7f000001/v1",
        // The fake's own address on another port: allow entries are per port.
        &format!("http://127.0.0.1:{}/v1", fake.addr.port().wrapping_add(1)),
        "file:///etc/passwd",
    ] {
        let mut target = spec(&fake, ProviderKind::OpenaiCompatible);
        target.endpoint = Some(endpoint.to_string());
        let failed = llm.complete(&[target], &ask("hi")).await.unwrap_err();
        assert_eq!(failed.class, FailureClass::Refused, "{endpoint}");
        assert_eq!(failed.attempts, 0, "{endpoint}: nothing was sent");
    }
    // An allowed server answering with a redirect: not followed, whatever the target.
    for location in [
        "http://10.0.0.1/v1/chat/completions",
        &format!("{}/chat/completions", fake.base(ProviderKind::Openai)),
    ] {
        fake.script([Answer::Redirect(location.to_string())]);
        let before = fake.hits();
        let failed = llm
            .complete(&[spec(&fake, ProviderKind::Openai)], &ask("hi"))
            .await
            .unwrap_err();
        assert_eq!(failed.class, FailureClass::Refused, "{location}");
        assert!(failed.message.contains("redirect"), "{}", failed.message);
        assert_eq!(fake.hits() - before, 1);
    }
}

#[tokio::test]
async fn the_operators_ollama_url_is_allowed_without_an_allow_list() {
    let fake = FakeLlm::start().await;
    let llm = providers(AiSettings {
        allow_hosts: Vec::new(),
        ollama_url: fake.base(ProviderKind::Ollama),
        ..settings(&[])
    });
    let mut local = spec(&fake, ProviderKind::Ollama);
    local.endpoint = None;
    local.key = None;
    fake.script([Answer::text("local")]);
    assert_eq!(llm.complete(&[local], &ask("hi")).await.unwrap().text, "local");
    // The same server named as another kind's endpoint is allowed too (same host:port).
    let openai_compatible = spec(&fake, ProviderKind::OpenaiCompatible);
    assert!(llm.complete(&[openai_compatible], &ask("hi")).await.is_ok());
}
