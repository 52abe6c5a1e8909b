//! `/activities` and `/activities/goals` beyond the shared conventions (conformance.rs):
//! filters, validation, the goal link, and goal progress at the edges of its periods in the
//! user's time zone.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::{Reply, TestApp};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    activities_are_listed_by_day_with_date_type_and_tag_filters,
    invalid_activities_are_refused_field_by_field,
    an_activity_serves_only_the_callers_goals,
    weekly_progress_follows_the_users_week_across_a_sunday_midnight,
    monthly_and_daily_progress_turn_over_at_the_users_midnight,
    goal_rules_across_fields_are_422_and_filters_apply,
    an_activity_without_a_date_is_on_the_users_own_today,
);

const ACTIVITIES: &str = "/api/v1/activities";
const GOALS: &str = "/api/v1/activities/goals";

async fn record(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app.post(ACTIVITIES).token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body
}

fn names(reply: &Reply) -> Vec<&str> {
    reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect()
}

fn fields(reply: &Reply) -> Vec<&str> {
    reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

async fn activities_are_listed_by_day_with_date_type_and_tag_filters(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let run = record(
        &app,
        &token,
        json!({"type": "running", "name": "Run", "date": "2026-03-01", "time": "07:15", "duration_minutes": 30,
               "mood_before": 4, "mood_after": 8, "energy_before": 5, "energy_after": 7,
               "tags": ["outdoors", "morning"], "location": "Park", "weather": "Sunny"}),
    )
    .await;
    assert_eq!(run["mood_after"], 8);
    assert_eq!(run["tags"], json!(["outdoors", "morning"]));
    assert_eq!(run["time"], "07:15");
    record(
        &app,
        &token,
        json!({"type": "reading", "name": "Novel", "date": "2026-03-03", "tags": ["evening"]}),
    )
    .await;
    record(
        &app,
        &token,
        json!({"type": "running", "name": "Late run", "date": "2026-03-01", "time": "19:00"}),
    )
    .await;
    record(
        &app,
        &token,
        json!({"type": "running", "name": "Jog", "date": "2026-02-20", "tags": ["outdoors"]}),
    )
    .await;

    let list = |query: &str| app.get(&format!("{ACTIVITIES}{query}")).token(&token).send();
    let all = list("").await;
    assert_eq!(names(&all), ["Novel", "Late run", "Run", "Jog"]);
    assert_eq!(all.header("x-total-count"), Some("4"));
    assert_eq!(
        names(&list("?from=2026-03-01&to=2026-03-01").await),
        ["Late run", "Run"]
    );
    assert_eq!(names(&list("?type=running&tag=outdoors").await), ["Run", "Jog"]);
    assert_eq!(names(&list("?tag=out").await), Vec::<&str>::new());
    assert_eq!(names(&list("?from=2026-03-02").await), ["Novel"]);
    let bad = list("?from=March&type=&limit=0").await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&bad), ["from", "type", "limit"], "{}", bad.text);

    let path = format!("{ACTIVITIES}/{}", run["id"].as_str().unwrap());
    let changed = app
        .patch(&path)
        .token(&token)
        .json(&json!({"mood_after": null, "energy_after": 9, "tags": ["park"], "time": null}))
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(
        (
            &changed.body["mood_after"],
            &changed.body["energy_after"],
            &changed.body["time"]
        ),
        (&Value::Null, &json!(9), &Value::Null)
    );
    let history = app.get(&format!("{path}/history")).token(&token).send().await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ActivityRecorded",
            "ActivityTimeChanged",
            "ActivityLevelChanged",
            "ActivityLevelChanged",
            "ActivityTagsChanged"
        ]
    );
}

async fn invalid_activities_are_refused_field_by_field(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let body = json!({"type": " ", "name": "", "duration_minutes": 1441, "date": "2026-02-30", "time": "24:00",
                      "mood_before": 0, "energy_after": 11, "tags": ["x".repeat(51)], "weather": ""});
    let refused = app.post(ACTIVITIES).token(&token).json(&body).send().await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        fields(&refused),
        [
            "type",
            "name",
            "mood_before",
            "energy_after",
            "duration_minutes",
            "date",
            "time",
            "tags",
            "weather"
        ],
        "{}",
        refused.text
    );
    assert!(
        app.get(ACTIVITIES)
            .token(&token)
            .send()
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn an_activity_serves_only_the_callers_goals(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let stranger = app.token_for_new_user();
    let mine = app
        .post("/api/v1/goals")
        .token(&token)
        .json(&json!({"title": "Fit"}))
        .send()
        .await;
    let theirs = app
        .post("/api/v1/goals")
        .token(&stranger)
        .json(&json!({"title": "Theirs"}))
        .send()
        .await;
    let linked = record(
        &app,
        &token,
        json!({"type": "running", "name": "Run", "goal_id": mine.body["id"]}),
    )
    .await;
    assert_eq!(linked["goal_id"], mine.body["id"]);
    let refused = app
        .post(ACTIVITIES)
        .token(&token)
        .json(&json!({"type": "running", "name": "Run", "goal_id": theirs.body["id"]}))
        .send()
        .await;
    assert_eq!(fields(&refused), ["goal_id"], "{}", refused.text);
    let path = format!("{ACTIVITIES}/{}", linked["id"].as_str().unwrap());
    let moved = app
        .patch(&path)
        .token(&token)
        .json(&json!({"goal_id": theirs.body["id"]}))
        .send()
        .await;
    assert_eq!(fields(&moved), ["goal_id"], "{}", moved.text);
    let by_stranger = app
        .patch(&path)
        .token(&stranger)
        .json(&json!({"goal_id": theirs.body["id"]}))
        .send()
        .await;
    by_stranger.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let unlinked = app
        .patch(&path)
        .token(&token)
        .json(&json!({"goal_id": null}))
        .send()
        .await;
    assert_eq!(unlinked.body["goal_id"], Value::Null, "{}", unlinked.text);
}

/// The goal's progress at an instant.
async fn progress(app: &TestApp, token: &str, goal: &Value, at: &str) -> Value {
    let path = format!("{GOALS}/{}?at={at}", goal["id"].as_str().unwrap());
    let reply = app.get(&path).token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["progress"].clone()
}

async fn in_paris(app: &TestApp) -> String {
    let token = app.token_for_new_user();
    let tz = app
        .patch("/api/v1/settings")
        .token(&token)
        .json(&json!({"timezone": "Europe/Paris"}))
        .send()
        .await;
    assert_eq!(tz.status, StatusCode::OK, "{}", tz.text);
    token
}

async fn weekly_progress_follows_the_users_week_across_a_sunday_midnight(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = in_paris(&app).await;
    let goal = app
        .post(GOALS)
        .token(&token)
        .json(
            &json!({"activity_type": "running", "target_frequency": "weekly", "target_count": 2,
                      "target_duration_minutes": 120}),
        )
        .send()
        .await;
    assert_eq!(goal.status, StatusCode::CREATED, "{}", goal.text);
    assert_eq!(goal.body["is_active"], true);
    let goal = goal.body;
    // Sunday 1 March and Monday 2 March 2026 are in two ISO weeks.
    record(
        &app,
        &token,
        json!({"type": "running", "name": "Sun", "date": "2026-03-01", "duration_minutes": 90}),
    )
    .await;
    record(
        &app,
        &token,
        json!({"type": "running", "name": "Sun 2", "date": "2026-03-01", "duration_minutes": 45}),
    )
    .await;
    record(
        &app,
        &token,
        json!({"type": "running", "name": "Mon", "date": "2026-03-02", "duration_minutes": 30}),
    )
    .await;
    record(
        &app,
        &token,
        json!({"type": "reading", "name": "Other", "date": "2026-03-01", "duration_minutes": 60}),
    )
    .await;

    // 22:30 UTC is 23:30 on Sunday in Paris: still the week of 23 February.
    let sunday = progress(&app, &token, &goal, "2026-03-01T22:30:00Z").await;
    assert_eq!(
        sunday,
        json!({"period_start": "2026-02-23", "period_end": "2026-03-01", "count": 2, "minutes": 135, "percent": 100})
    );
    // 23:30 UTC is 00:30 on Monday in Paris (while still Sunday in UTC).
    let monday = progress(&app, &token, &goal, "2026-03-01T23:30:00Z").await;
    assert_eq!(
        monday,
        json!({"period_start": "2026-03-02", "period_end": "2026-03-08", "count": 1, "minutes": 30, "percent": 25})
    );
    let listed = app
        .get(&format!("{GOALS}?at=2026-03-01T23:30:00Z"))
        .token(&token)
        .send()
        .await;
    assert_eq!(listed.body[0]["progress"], monday, "{}", listed.text);
    assert_eq!(listed.header("x-total-count"), Some("1"));
}

async fn monthly_and_daily_progress_turn_over_at_the_users_midnight(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = in_paris(&app).await;
    let create = |frequency: &str, start: Option<&str>| {
        let body =
            json!({"activity_type": "yoga", "target_frequency": frequency, "target_count": 4, "start_date": start});
        app.post(GOALS).token(&token).json(&body).send()
    };
    let monthly = create("monthly", None).await.body;
    let daily = create("daily", None).await.body;
    let from_the_30th = create("monthly", Some("2026-03-30")).await.body;
    for date in ["2026-03-01", "2026-03-29", "2026-03-31", "2026-03-31", "2026-04-01"] {
        record(
            &app,
            &token,
            json!({"type": "yoga", "name": "Yoga", "date": date, "duration_minutes": 20}),
        )
        .await;
    }
    // 21:59 UTC on 31 March is 23:59 in Paris (summer time): still March.
    let march = progress(&app, &token, &monthly, "2026-03-31T21:59:00Z").await;
    assert_eq!(
        (
            &march["period_start"],
            &march["period_end"],
            &march["count"],
            &march["percent"]
        ),
        (&json!("2026-03-01"), &json!("2026-03-31"), &json!(4), &json!(100))
    );
    let april = progress(&app, &token, &monthly, "2026-03-31T22:00:00Z").await;
    assert_eq!(
        (
            &april["period_start"],
            &april["period_end"],
            &april["count"],
            &april["minutes"],
            &april["percent"]
        ),
        (
            &json!("2026-04-01"),
            &json!("2026-04-30"),
            &json!(1),
            &json!(20),
            &json!(25)
        )
    );
    let last_day = progress(&app, &token, &daily, "2026-03-31T21:59:00Z").await;
    assert_eq!(
        (&last_day["period_start"], &last_day["count"]),
        (&json!("2026-03-31"), &json!(2))
    );
    let first_day = progress(&app, &token, &daily, "2026-03-31T22:00:00Z").await;
    assert_eq!(
        (&first_day["period_start"], &first_day["count"]),
        (&json!("2026-04-01"), &json!(1))
    );
    // Activities before the goal's start do not count.
    let clipped = progress(&app, &token, &from_the_30th, "2026-03-31T12:00:00Z").await;
    assert_eq!(clipped["count"], 2);
}

async fn goal_rules_across_fields_are_422_and_filters_apply(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let no_target = app
        .post(GOALS)
        .token(&token)
        .json(&json!({"activity_type": "running"}))
        .send()
        .await;
    assert_eq!(fields(&no_target), ["target_count"], "{}", no_target.text);
    let backwards = app
        .post(GOALS)
        .token(&token)
        .json(&json!({"activity_type": "running", "target_count": 1, "start_date": "2026-03-02", "end_date": "2026-03-01"}))
        .send()
        .await;
    assert_eq!(fields(&backwards), ["end_date"], "{}", backwards.text);
    let bad = app
        .post(GOALS)
        .token(&token)
        .json(&json!({"activity_type": "", "target_frequency": "hourly", "target_count": 0, "reminder_time": "7am"}))
        .send()
        .await;
    assert_eq!(
        fields(&bad),
        ["activity_type", "target_frequency", "target_count", "reminder_time"],
        "{}",
        bad.text
    );
    let goal = app
        .post(GOALS)
        .token(&token)
        .json(&json!({"activity_type": "running", "target_count": 3, "reminder_time": "07:30"}))
        .send()
        .await;
    assert_eq!(goal.body["target_frequency"], "weekly");
    assert_eq!(goal.body["reminder_time"], "07:30");
    let path = format!("{GOALS}/{}", goal.body["id"].as_str().unwrap());
    let cleared = app
        .patch(&path)
        .token(&token)
        .json(&json!({"target_count": null}))
        .send()
        .await;
    assert_eq!(fields(&cleared), ["target_count"], "{}", cleared.text);
    let paused = app
        .patch(&path)
        .token(&token)
        .json(&json!({"is_active": false}))
        .send()
        .await;
    assert_eq!(paused.body["is_active"], false, "{}", paused.text);
    app.post(GOALS)
        .token(&token)
        .json(&json!({"activity_type": "reading", "target_duration_minutes": 60}))
        .send()
        .await;
    let active = app.get(&format!("{GOALS}?is_active=true")).token(&token).send().await;
    assert_eq!(active.body.as_array().unwrap().len(), 1, "{}", active.text);
    assert_eq!(active.body[0]["activity_type"], "reading");
    let running = app
        .get(&format!("{GOALS}?activity_type=running"))
        .token(&token)
        .send()
        .await;
    assert_eq!(running.body[0]["is_active"], false, "{}", running.text);
    // The goals route is not an activity id, and an activity id is no goal.
    let list = app.get(GOALS).token(&token).send().await;
    assert_eq!(list.status, StatusCode::OK);
    let as_activity = app
        .get(&format!("{ACTIVITIES}/{}", goal.body["id"].as_str().unwrap()))
        .token(&token)
        .send()
        .await;
    as_activity.assert_problem(StatusCode::NOT_FOUND, "not_found");
}

async fn an_activity_without_a_date_is_on_the_users_own_today(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    // Kiritimati is UTC+14 all year: its today is UTC's tomorrow for 14 hours of the day,
    // Pago Pago (UTC-11) is UTC's yesterday for 11; between them one always differs from UTC.
    for (zone, hours) in [("Pacific/Kiritimati", 14), ("Pacific/Pago_Pago", -11)] {
        let token = app.token_for_new_user();
        let tz = app
            .patch("/api/v1/settings")
            .token(&token)
            .json(&json!({"timezone": zone}))
            .send()
            .await;
        assert_eq!(tz.status, StatusCode::OK, "{}", tz.text);
        let local_today = || {
            (time::OffsetDateTime::now_utc() + time::Duration::hours(hours))
                .date()
                .to_string()
        };
        let before = local_today();
        let activity = record(&app, &token, json!({"type": "walk", "name": "Evening walk"})).await;
        let after = local_today();
        let date = activity["date"].as_str().unwrap();
        assert!(date == before || date == after, "{zone}: {date}, expected {before}");
    }
}
