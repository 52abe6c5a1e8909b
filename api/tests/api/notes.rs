//! `/api/v1/notes` through the real router: sanitised HTML, ranked search (and the tasks'),
//! filters, every version kept, and strangers.
use axum::http::StatusCode;
use regex::Regex;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};
use crate::folders::create_folder;

on_both_backends!(
    no_xss_payload_survives_in_content_html_and_harmless_markdown_does,
    search_ranks_the_better_match_first_over_title_and_content,
    hostile_search_text_is_never_a_500,
    task_search_finds_words_in_title_and_description,
    the_list_filters_pages_and_counts,
    every_edit_is_kept_in_the_history_and_as_of_shows_it,
    another_users_notes_are_404_and_invisible,
);

const NOTES: &str = "/api/v1/notes";

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app.post(NOTES).token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{body}: {}", reply.text);
    reply.body
}

async fn list(app: &TestApp, token: &str, query: &str) -> (Vec<String>, String) {
    let reply = app.get(&format!("{NOTES}?{query}")).token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text);
    let titles = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_string())
        .collect();
    (titles, reply.header("x-total-count").unwrap_or_default().to_string())
}

/// Markdown and HTML an attacker might write.
const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" OnError=\"alert(1)\">",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">entity</a>",
    "<a href=\"&#x6A;avascript&colon;alert(1)\">hex entity</a>",
    "<a href=\" javascript:alert(1)\">leading space</a>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<style>body { background: url(javascript:alert(1)) }</style>",
    "<div style=\"width: expression(alert(1))\">styled</div>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<input autofocus onfocus=alert(1)>",
];

/// What must never be in rendered HTML: a dangerous element, an event handler, a style
/// attribute, or a URL attribute with a script or data scheme.
fn dangers(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut found: Vec<String> = [
        "<script", "<iframe", "<svg", "<style", "<object", "<embed", "<form", "<math", "<meta", "<base", "<body",
        "<input", "<button",
    ]
    .iter()
    .filter(|tag| lower.contains(*tag))
    .map(|tag| tag.to_string())
    .collect();
    let patterns = [
        r"<[^>]*\son[a-z]+\s*=",
        r"<[^>]*\sstyle\s*=",
        r"<[^>]*\s(href|src|action|formaction|data|srcdoc)\s*=\s*.?\s*(javascript|vbscript|data)\s*:",
    ];
    for pattern in patterns {
        if Regex::new(pattern).unwrap().is_match(&lower) {
            found.push(pattern.to_string());
        }
    }
    found
}

async fn no_xss_payload_survives_in_content_html_and_harmless_markdown_does(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    assert!(!dangers("<script>").is_empty() && !dangers("<img src=x onerror=y>").is_empty());
    for payload in XSS {
        let created = create(&app, &token, json!({"title": "x", "content": payload})).await;
        let id = created["id"].as_str().unwrap();
        assert_eq!(created["content"], json!(payload), "the markdown is kept as written");
        let stored = app.get(&format!("{NOTES}/{id}")).token(&token).send().await;
        for html in [&created["content_html"], &stored.body["content_html"]] {
            let html = html.as_str().unwrap();
            assert!(dangers(html).is_empty(), "{payload} -> {html}: {:?}", dangers(html));
        }
    }
    let listed = app.get(&format!("{NOTES}?limit=200")).token(&token).send().await;
    for note in listed.body.as_array().unwrap() {
        let html = note["content_html"].as_str().unwrap();
        assert!(dangers(html).is_empty(), "{html}");
    }
    let harmless = "# Heading\n\nSome *emphasis*, **strong** and [a link](https://example.com/page).\n\n- one\n- two";
    let note = create(&app, &token, json!({"title": "ok", "content": harmless})).await;
    let html = note["content_html"].as_str().unwrap();
    for kept in [
        "<h1>Heading</h1>",
        "<em>emphasis</em>",
        "<strong>strong</strong>",
        "<a href=\"https://example.com/page\"",
        "<li>one</li>",
    ] {
        assert!(html.contains(kept), "{kept} missing from {html}");
    }
    // An edit renders again.
    let id = note["id"].as_str().unwrap();
    let edited = app
        .patch(&format!("{NOTES}/{id}"))
        .token(&token)
        .json(&json!({"content": "<img src=x onerror=alert(1)>*new*"}))
        .send()
        .await;
    let html = edited.body["content_html"].as_str().unwrap();
    assert!(dangers(html).is_empty() && html.contains("<em>new</em>"), "{html}");
}

async fn search_ranks_the_better_match_first_over_title_and_content(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let other = app.token_for_new_user();
    create(
        &app,
        &token,
        json!({"title": "Groceries", "content": "milk, eggs, and the budget once"}),
    )
    .await;
    create(
        &app,
        &token,
        json!({"title": "Budget plan", "content": "the budget for the quarter: budget lines"}),
    )
    .await;
    create(&app, &token, json!({"title": "Travel", "content": "trains to Lyon"})).await;
    create(
        &app,
        &other,
        json!({"title": "Budget", "content": "someone else's budget"}),
    )
    .await;

    let (titles, total) = list(&app, &token, "q=budget").await;
    assert_eq!(
        (titles, total.as_str()),
        (vec!["Budget plan".to_string(), "Groceries".into()], "2")
    );
    // A word of the content only, of the title only, in another case, and a stem.
    assert_eq!(list(&app, &token, "q=eggs").await.0, ["Groceries"]);
    assert_eq!(list(&app, &token, "q=TRAVEL").await.0, ["Travel"]);
    assert_eq!(list(&app, &token, "q=train").await.0, ["Travel"]);
    // Every word must occur.
    assert_eq!(list(&app, &token, "q=budget%20milk").await.0, ["Groceries"]);
    assert!(list(&app, &token, "q=submarine").await.0.is_empty());
    // With another filter beside the search (the index no longer answers alone).
    let (titles, total) = list(&app, &token, "q=budget&archived=false").await;
    assert_eq!(
        (titles, total.as_str()),
        (vec!["Budget plan".to_string(), "Groceries".into()], "2")
    );
    let (titles, total) = list(&app, &token, "q=budget&archived=false&limit=1&offset=1").await;
    assert_eq!((titles, total.as_str()), (vec!["Groceries".to_string()], "2"));
    // Paging keeps the rank order and the total.
    let (page, total) = list(&app, &token, "q=budget&limit=1&offset=1").await;
    assert_eq!((page, total.as_str()), (vec!["Groceries".to_string()], "2"));
}

const HOSTILE: &[&str] = &[
    "\"",
    "\"\"",
    "*",
    "NEAR(",
    "NEAR(a b",
    "-",
    "-budget",
    "'",
    "AND OR",
    "AND",
    "OR NOT",
    "a OR",
    "(",
    ")",
    "^",
    ":",
    "title:",
    "col:budget",
    "budget*",
    "\\",
    "%",
    "_",
    "!",
    "&",
    "|",
    "<->",
    "'; drop table notes; --",
    "😀",
    "   ",
    "\t",
];

async fn hostile_search_text_is_never_a_500(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    create(&app, &token, json!({"title": "Budget", "content": "a budget"})).await;
    create(&app, &token, json!({"title": "Task", "content": "x"})).await;
    for q in HOSTILE {
        for base in [NOTES, "/api/v1/tasks"] {
            let target = format!("{base}?q={}", urlencode(q));
            let reply = app.get(&target).token(&token).send().await;
            assert!(
                reply.status == StatusCode::OK || reply.status == StatusCode::UNPROCESSABLE_ENTITY,
                "{target}: {} {}",
                reply.status,
                reply.text
            );
        }
    }
    for refused in ["q=%00", "q=a%00b", "tag=%00"] {
        for base in [NOTES, "/api/v1/tasks"] {
            let reply = app.get(&format!("{base}?{refused}")).token(&token).send().await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{base}?{refused}: {}",
                reply.text
            );
        }
    }
    assert_eq!(
        list(&app, &token, "q=budget").await.0,
        ["Budget"],
        "the table is intact"
    );
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn task_search_finds_words_in_title_and_description(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    for (title, description) in [
        ("Write the report", Some("quarterly numbers")),
        ("Report the report", Some("report twice more: report")),
        ("Buy milk", None),
    ] {
        let reply = app
            .post("/api/v1/tasks")
            .token(&token)
            .json(&json!({"title": title, "description": description}))
            .send()
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }
    let search = async |q: &str| -> Vec<String> {
        let reply = app.get(&format!("/api/v1/tasks?q={q}")).token(&token).send().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(search("quarterly").await, ["Write the report"]);
    assert_eq!(search("milk").await, ["Buy milk"]);
    assert_eq!(search("report").await, ["Report the report", "Write the report"]);
    // A renamed task is found by its new title only.
    let id = app.get("/api/v1/tasks?q=milk").token(&token).send().await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.patch(&format!("/api/v1/tasks/{id}"))
        .token(&token)
        .json(&json!({"title": "Buy bread"}))
        .send()
        .await;
    assert!(search("milk").await.is_empty());
    assert_eq!(search("bread").await, ["Buy bread"]);
}

async fn the_list_filters_pages_and_counts(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let folder = create_folder(&app, &token, json!({"name": "F"})).await;
    create(
        &app,
        &token,
        json!({"title": "a", "folder_id": folder, "tags": ["work"], "is_pinned": true}),
    )
    .await;
    create(
        &app,
        &token,
        json!({"title": "b", "folder_id": folder, "tags": ["homework"]}),
    )
    .await;
    create(
        &app,
        &token,
        json!({"title": "c", "is_archived": true, "tags": ["work", "x"]}),
    )
    .await;
    create(&app, &token, json!({"title": "d"})).await;
    let titles = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        list(&app, &token, "").await,
        (titles(&["d", "c", "b", "a"]), "4".into())
    );
    assert_eq!(
        list(&app, &token, &format!("folder_id={folder}")).await.0,
        titles(&["b", "a"])
    );
    assert_eq!(list(&app, &token, "tag=work").await.0, titles(&["c", "a"]));
    assert_eq!(list(&app, &token, "pinned=true").await.0, titles(&["a"]));
    assert_eq!(list(&app, &token, "archived=false").await.0, titles(&["d", "b", "a"]));
    assert_eq!(list(&app, &token, "archived=true&tag=x").await.0, titles(&["c"]));
    assert_eq!(
        list(&app, &token, "limit=2&offset=1").await,
        (titles(&["c", "b"]), "4".into())
    );
    for bad in ["limit=0", "limit=201", "offset=-1", "pinned=maybe", "folder_id=nope"] {
        let reply = app.get(&format!("{NOTES}?{bad}")).token(&token).send().await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", reply.text);
    }
}

async fn every_edit_is_kept_in_the_history_and_as_of_shows_it(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let created = create(&app, &token, json!({"title": "Draft", "content": "v1"})).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("{NOTES}/{id}");
    let mut stamps = vec![created["updated_at"].as_str().unwrap().to_string()];
    for (n, version) in ["v2", "**v3**"].iter().enumerate() {
        let reply = app
            .patch(&path)
            .token(&token)
            .header("if-match", &format!("\"{}\"", n + 1))
            .json(&json!({"content": version}))
            .send()
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        stamps.push(reply.body["updated_at"].as_str().unwrap().to_string());
    }
    let history = app.get(&format!("{path}/history")).token(&token).send().await;
    let contents: Vec<Value> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| match e["type"].as_str() {
            Some("NoteCreated") => e["data"]["content"].clone(),
            _ => e["data"]["to"].clone(),
        })
        .collect();
    assert_eq!(contents, [json!("v1"), json!("v2"), json!("**v3**")]);
    for (stamp, (content, html)) in stamps.iter().zip([
        ("v1", "<p>v1</p>"),
        ("v2", "<p>v2</p>"),
        ("**v3**", "<p><strong>v3</strong></p>"),
    ]) {
        let past = app.get(&format!("{path}?as_of={stamp}")).token(&token).send().await;
        assert_eq!(past.status, StatusCode::OK, "{}", past.text);
        assert_eq!(past.body["content"], content);
        assert_eq!(past.body["content_html"].as_str().unwrap().trim(), html);
    }
}

async fn another_users_notes_are_404_and_invisible(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let owner = app.token_for_new_user();
    let stranger = app.token_for_new_user();
    let note = create(&app, &owner, json!({"title": "Secret", "content": "hidden words"})).await;
    let path = format!("{NOTES}/{}", note["id"].as_str().unwrap());
    let before = app.state.core.store.count_events().await.unwrap();
    for reply in [
        app.get(&path).token(&stranger).send().await,
        app.get(&format!("{path}/history")).token(&stranger).send().await,
        app.patch(&path)
            .token(&stranger)
            .json(&json!({"title": "Mine"}))
            .send()
            .await,
        app.delete(&path).token(&stranger).send().await,
    ] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
    }
    assert_eq!(app.state.core.store.count_events().await.unwrap(), before);
    for query in ["", "q=hidden", "q=secret"] {
        assert_eq!(list(&app, &stranger, query).await, (vec![], "0".to_string()), "{query}");
    }
    assert_eq!(app.get(&path).token(&owner).send().await.body["title"], "Secret");
}
