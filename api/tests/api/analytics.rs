//! `/analytics/*`: a scripted week in Pacific/Auckland (UTC+13 in March 2026, so a local day
//! starts at 11:00 UTC the day before) checked against numbers worked out by hand, other
//! users' data kept out, bad periods refused, and a replay giving the same rows.
use axum::http::StatusCode;
use joan_commands::service::CommandContext;
use joan_domain::ai_request::{AiRequestCommand, LoggedText, RecordAiRequest, RequestStatus};
use joan_domain::goal::{GoalCommand, NewGoal};
use joan_domain::pomodoro::{NewSession, PomodoroCommand, SessionMinutes, SessionType};
use joan_domain::task::{DueDate, NewTask, TaskChanges, TaskCommand, TaskStatus, Title};
use joan_domain::{GoalId, PomodoroId, ProjectId, TaskId, Timestamp, UserId};
use joan_projections::rebuild::rebuild;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};
use crate::support::{dump, rows, settle};

on_both_backends!(
    a_week_in_auckland_is_counted_on_the_users_own_days,
    weeks_and_months_regroup_the_same_facts,
    another_users_data_never_counts_and_a_token_is_required,
    bad_periods_are_422,
    replaying_analytics_rebuilds_the_same_rows_and_numbers,
);

const ZONE: &str = "Pacific/Auckland";
const WEEK: &str = "from=2026-03-01&to=2026-03-07&granularity=day";

struct User {
    id: UserId,
    token: String,
}

async fn user_in(app: &TestApp, zone: &str) -> User {
    let id = UserId(Uuid::new_v4());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = app.state.tokens.issue(id, Uuid::new_v4(), now).unwrap();
    let tz = app
        .patch("/api/v1/settings")
        .token(&token)
        .json(&json!({"timezone": zone}))
        .send()
        .await;
    assert_eq!(tz.status, StatusCode::OK, "{}", tz.text);
    User { id, token }
}

fn at(user: &User, utc: &str) -> CommandContext {
    CommandContext::new(user.id, Timestamp::parse(utc).unwrap())
}

async fn task(app: &TestApp, user: &User, utc: &str, due: Option<&str>, project: Option<ProjectId>) -> String {
    let id = Uuid::new_v4();
    let new = NewTask {
        id: TaskId(id),
        title: Title::parse("scripted").unwrap(),
        due_date: due.map(|d| DueDate::parse(d).unwrap()),
        project_id: project,
        ..NewTask::default()
    };
    app.state
        .core
        .tasks
        .execute_new(&id.to_string(), &at(user, utc), TaskCommand::Create(new), None)
        .await
        .unwrap();
    id.to_string()
}

async fn on_task(app: &TestApp, user: &User, id: &str, utc: &str, command: TaskCommand) {
    app.state
        .core
        .tasks
        .execute(id, &at(user, utc), command, None, None)
        .await
        .unwrap();
}

async fn pomodoro(
    app: &TestApp,
    user: &User,
    kind: SessionType,
    minutes: u32,
    task: Option<&str>,
    start: &str,
    end: (&str, bool),
) {
    let stream = PomodoroId::of(user.id).to_string();
    let new = NewSession {
        id: Uuid::now_v7().into(),
        session_type: kind,
        duration_minutes: Some(SessionMinutes::parse(i64::from(minutes)).unwrap()),
        task_id: task.map(|t| TaskId(t.parse().unwrap())),
        notes: None,
    };
    let pomodoro = &app.state.core.pomodoro;
    pomodoro
        .execute(&stream, &at(user, start), PomodoroCommand::Start(new), None, None)
        .await
        .unwrap();
    let (end, completed) = end;
    let command = if completed {
        PomodoroCommand::Complete
    } else {
        PomodoroCommand::Cancel { reason: None }
    };
    pomodoro
        .execute(&stream, &at(user, end), command, None, None)
        .await
        .unwrap();
}

async fn ai_request(
    app: &TestApp,
    user: &User,
    utc: &str,
    provider: &str,
    model: &str,
    numbers: [u64; 4],
    failed: bool,
) {
    let id = Uuid::new_v4();
    let record = RecordAiRequest {
        id: id.into(),
        provider_id: None,
        provider_type: Some(provider.into()),
        component_id: None,
        model: Some(model.into()),
        prompt: LoggedText::truncated("hello"),
        response: None,
        tokens_in: numbers[0].try_into().unwrap(),
        tokens_out: numbers[1].try_into().unwrap(),
        latency_ms: numbers[2],
        cost_micro_usd: numbers[3],
        status: if failed {
            RequestStatus::Failed
        } else {
            RequestStatus::Success
        },
        error_class: None,
        error_message: None,
    };
    app.state
        .core
        .ai_requests
        .execute_new(
            &id.to_string(),
            &at(user, utc),
            AiRequestCommand::Record(Box::new(record)),
            None,
        )
        .await
        .unwrap();
}

async fn post(app: &TestApp, user: &User, path: &str, body: Value) {
    let reply = app.post(path).token(&user.token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
}

/// The scripted week (local Auckland times in the comments). Returns (task T1, project P).
async fn script_week(app: &TestApp, a: &User) -> (String, String) {
    let project = ProjectId(Uuid::new_v4());
    // T4: Sun 1 Mar 23:00, due Fri 6, done Fri 6 10:00 (on time).
    let t4 = task(app, a, "2026-03-01T10:00:00Z", Some("2026-03-06"), None).await;
    // G: Mon 2 Mar 08:00 (still Sun 1 in UTC).
    let goal = Uuid::new_v4();
    let new_goal = NewGoal {
        id: GoalId(goal),
        title: Title::parse("Ship").unwrap(),
        ..NewGoal::default()
    };
    app.state
        .core
        .goals
        .execute_new(
            &goal.to_string(),
            &at(a, "2026-03-01T19:00:00Z"),
            GoalCommand::Create(new_goal),
            None,
        )
        .await
        .unwrap();
    // T1: Mon 2 09:00, in progress Mon 2 14:00, done Tue 3 14:00.
    let t1 = task(app, a, "2026-03-01T20:00:00Z", None, None).await;
    on_task(app, a, &t1, "2026-03-01T21:00:00Z", TaskCommand::LinkGoal(GoalId(goal))).await;
    let in_progress = TaskChanges {
        status: Some(TaskStatus::InProgress),
        ..TaskChanges::default()
    };
    on_task(app, a, &t1, "2026-03-02T01:00:00Z", TaskCommand::Update(in_progress)).await;
    // T2: Tue 3 00:30, which is Mon 2 11:30 in UTC; done Thu 5 00:30.
    let t2 = task(app, a, "2026-03-02T11:30:00Z", None, None).await;
    on_task(app, a, &t2, "2026-03-02T12:00:00Z", TaskCommand::LinkGoal(GoalId(goal))).await;
    on_task(app, a, &t1, "2026-03-03T01:00:00Z", TaskCommand::Complete).await;
    // T3: Wed 4 11:00, in project P, due Thu 5, never done: overdue.
    task(app, a, "2026-03-03T22:00:00Z", Some("2026-03-05"), Some(project)).await;
    on_task(app, a, &t2, "2026-03-04T11:30:00Z", TaskCommand::Complete).await;
    on_task(app, a, &t4, "2026-03-05T21:00:00Z", TaskCommand::Complete).await;

    // Work on T1 Mon 2 09:10-09:35; a session cancelled after 10.5 minutes on Tue 3 23:50;
    // a break (not focus); 50 minutes on T1 from Thu 5 00:10 (Wed 4 in UTC).
    pomodoro(
        app,
        a,
        SessionType::Work,
        25,
        Some(&t1),
        "2026-03-01T20:10:00Z",
        ("2026-03-01T20:35:00Z", true),
    )
    .await;
    pomodoro(
        app,
        a,
        SessionType::Work,
        25,
        None,
        "2026-03-03T10:50:00Z",
        ("2026-03-03T11:00:30Z", false),
    )
    .await;
    pomodoro(
        app,
        a,
        SessionType::ShortBreak,
        5,
        None,
        "2026-03-03T11:05:00Z",
        ("2026-03-03T11:10:00Z", true),
    )
    .await;
    pomodoro(
        app,
        a,
        SessionType::Work,
        50,
        Some(&t1),
        "2026-03-04T11:10:00Z",
        ("2026-03-04T12:00:00Z", true),
    )
    .await;

    // Mon 2 12:00; Tue 3 00:59 (Mon 2 in UTC); Wed 4 15:00.
    ai_request(
        app,
        a,
        "2026-03-01T23:00:00Z",
        "openai",
        "gpt-4o",
        [100, 50, 800, 1500],
        false,
    )
    .await;
    ai_request(
        app,
        a,
        "2026-03-02T11:59:00Z",
        "openai",
        "gpt-4o",
        [200, 100, 1200, 3000],
        true,
    )
    .await;
    ai_request(
        app,
        a,
        "2026-03-04T02:00:00Z",
        "anthropic",
        "claude",
        [10, 5, 400, 100],
        false,
    )
    .await;

    let activities = "/api/v1/activities";
    for (kind, date, minutes, levels) in [
        (
            "running",
            "2026-03-02",
            30,
            json!({"mood_before": 4, "mood_after": 8, "energy_before": 5, "energy_after": 7}),
        ),
        ("running", "2026-03-03", 20, json!({"mood_before": 6, "mood_after": 7})),
        (
            "yoga",
            "2026-03-03",
            60,
            json!({"mood_before": 5, "mood_after": 6, "energy_before": 3, "energy_after": 6}),
        ),
        (
            "running",
            "2026-03-05",
            40,
            json!({"mood_before": 5, "mood_after": 9, "energy_before": 6, "energy_after": 8}),
        ),
    ] {
        let mut body = json!({"type": kind, "name": kind, "date": date, "duration_minutes": minutes});
        body.as_object_mut()
            .unwrap()
            .extend(levels.as_object().unwrap().clone());
        post(app, a, activities, body).await;
    }
    post(
        app,
        a,
        "/api/v1/activities/goals",
        json!({"activity_type": "running", "target_frequency": "daily", "target_count": 1}),
    )
    .await;
    post(
        app,
        a,
        "/api/v1/activities/goals",
        json!({"activity_type": "running", "target_frequency": "weekly", "target_count": 3}),
    )
    .await;
    settle(&app.state.core).await;
    (t1, project.0.to_string())
}

async fn get(app: &TestApp, user: &User, path: &str) -> Value {
    let reply = app
        .get(&format!("/api/v1/analytics/{path}"))
        .token(&user.token)
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
    reply.body
}

fn column(body: &Value, field: &str) -> Vec<Value> {
    body["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b[field].clone())
        .collect()
}

async fn a_week_in_auckland_is_counted_on_the_users_own_days(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let a = user_in(&app, ZONE).await;
    let (t1, project) = script_week(&app, &a).await;

    let tasks = get(&app, &a, &format!("tasks?{WEEK}")).await;
    assert_eq!(
        tasks["period"],
        json!({"timezone": ZONE, "granularity": "day", "from": "2026-03-01", "to": "2026-03-07"})
    );
    let starts: Vec<Value> = (1..=7).map(|d| json!(format!("2026-03-0{d}"))).collect();
    assert_eq!(column(&tasks, "start"), starts);
    // In UTC days these would read created [2, 1, 1, 0...] and completed [0, 0, 1, 1, 1, 0, 0].
    assert_eq!(column(&tasks, "created"), [1, 1, 1, 1, 0, 0, 0].map(|n| json!(n)));
    assert_eq!(column(&tasks, "completed"), [0, 0, 1, 0, 1, 1, 0].map(|n| json!(n)));
    assert_eq!(column(&tasks, "overdue"), [0, 0, 0, 0, 1, 0, 0].map(|n| json!(n)));
    // Lead times 29 h (T1), 48 h (T2), 107 h (T4); cycle time 24 h (T1 only went in progress).
    assert_eq!(
        tasks["totals"],
        json!({"created": 4, "completed": 3, "overdue": 1, "completion_rate": 0.75,
               "lead_time_seconds": {"p50": 172800.0, "avg": 220800.0},
               "cycle_time_seconds": {"p50": 86400.0, "avg": 86400.0}})
    );
    assert_eq!(
        tasks["by_project"],
        json!([{"id": null, "created": 3, "completed": 3}, {"id": project, "created": 1, "completed": 0}])
    );
    let goal = get(&app, &a, &format!("goals?{WEEK}")).await;
    let goal_id = goal["goals"][0]["goal_id"].clone();
    assert_eq!(tasks["by_goal"], json!([{"id": goal_id, "created": 2, "completed": 2}]));

    // Created at 19:00 UTC on 1 March, which is already 2 March in Auckland: no point on the 1st.
    assert_eq!(goal["goals"].as_array().unwrap().len(), 1);
    assert_eq!(goal["goals"][0]["progress"], 100);
    let points: Vec<Value> = goal["goals"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["progress"].clone())
        .collect();
    assert_eq!(
        points,
        [
            json!(null),
            json!(0),
            json!(50),
            json!(50),
            json!(100),
            json!(100),
            json!(100)
        ]
    );

    let focus = get(&app, &a, &format!("pomodoro?{WEEK}")).await;
    assert_eq!(
        column(&focus, "focus_minutes"),
        [0, 25, 10, 0, 50, 0, 0].map(|n| json!(n))
    );
    assert_eq!(column(&focus, "interruptions"), [0, 0, 1, 0, 0, 0, 0].map(|n| json!(n)));
    assert_eq!(
        focus["totals"],
        json!({"focus_minutes": 85, "sessions": 2, "interruptions": 1})
    );
    assert_eq!(
        focus["by_task"],
        json!([{"task_id": null, "focus_minutes": 10, "sessions": 0, "interruptions": 1},
               {"task_id": t1, "focus_minutes": 75, "sessions": 2, "interruptions": 0}])
    );

    let ai = get(&app, &a, &format!("ai?{WEEK}")).await;
    assert_eq!(column(&ai, "requests"), [0, 1, 1, 1, 0, 0, 0].map(|n| json!(n)));
    assert_eq!(
        ai["totals"],
        json!({"requests": 3, "failures": 1, "tokens_in": 310, "tokens_out": 155, "cost_micro_usd": 4600})
    );
    assert_eq!(ai["latency_ms"], json!({"p50": 800.0, "avg": 800.0}));
    assert_eq!(
        ai["by_model"],
        json!([
            {"provider": "anthropic", "model": "claude", "requests": 1, "failures": 0, "tokens_in": 10,
             "tokens_out": 5, "cost_micro_usd": 100, "latency_ms": {"p50": 400.0, "avg": 400.0}},
            {"provider": "openai", "model": "gpt-4o", "requests": 2, "failures": 1, "tokens_in": 300,
             "tokens_out": 150, "cost_micro_usd": 4500, "latency_ms": {"p50": 1000.0, "avg": 1000.0}}
        ])
    );

    let activities = get(&app, &a, &format!("activities?{WEEK}")).await;
    assert_eq!(column(&activities, "count"), [0, 1, 2, 0, 1, 0, 0].map(|n| json!(n)));
    assert_eq!(
        column(&activities, "minutes"),
        [0, 30, 80, 0, 40, 0, 0].map(|n| json!(n))
    );
    assert_eq!(
        activities["by_type"],
        json!([
            {"activity_type": "running", "count": 3, "minutes": 90, "mood_before": 5.0, "mood_after": 8.0,
             "energy_before": 5.5, "energy_after": 7.5, "mood_change": 3.0, "energy_change": 2.0},
            {"activity_type": "yoga", "count": 1, "minutes": 60, "mood_before": 5.0, "mood_after": 6.0,
             "energy_before": 3.0, "energy_after": 6.0, "mood_change": 1.0, "energy_change": 3.0}
        ])
    );
    let mut streaks: Vec<(String, i64, i64)> = activities["streaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["frequency"].as_str().unwrap().to_string(),
                s["current"].as_i64().unwrap(),
                s["longest"].as_i64().unwrap(),
            )
        })
        .collect();
    streaks.sort();
    // Daily: 1 Mar no, 2 yes, 3 yes, 4 no, 5 yes, 6 and 7 no. Weekly (3 runs): 23 Feb-1 Mar no, 2-8 Mar yes.
    assert_eq!(streaks, [("daily".to_string(), 0, 2), ("weekly".to_string(), 1, 1)]);
    let to_thursday = get(&app, &a, "activities?from=2026-03-01&to=2026-03-05").await;
    let daily = to_thursday["streaks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["frequency"] == "daily")
        .unwrap()
        .clone();
    assert_eq!(
        (daily["current"].clone(), daily["longest"].clone()),
        (json!(1), json!(2))
    );

    let summary = get(&app, &a, &format!("summary?{WEEK}")).await;
    assert_eq!(
        summary["tasks"],
        json!({"created": 4, "completed": 3, "overdue": 1, "completion_rate": 0.75})
    );
    assert_eq!(
        summary["pomodoro"],
        json!({"focus_minutes": 85, "sessions": 2, "interruptions": 1})
    );
    assert_eq!(summary["goals"], json!({"goals": 1, "average_progress": 100.0}));
    assert_eq!(
        summary["activities"],
        json!({"count": 4, "minutes": 150, "streaks_alive": 1})
    );
    assert_eq!(
        summary["ai"],
        json!({"requests": 3, "failures": 1, "tokens": 465, "cost_micro_usd": 4600})
    );
}

async fn weeks_and_months_regroup_the_same_facts(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let a = user_in(&app, ZONE).await;
    script_week(&app, &a).await;
    // Sunday 1 March belongs to the ISO week of 23 February.
    let weeks = get(&app, &a, "tasks?from=2026-03-01&to=2026-03-07&granularity=week").await;
    assert_eq!(column(&weeks, "start"), [json!("2026-02-23"), json!("2026-03-02")]);
    assert_eq!(column(&weeks, "created"), [json!(1), json!(3)]);
    assert_eq!(column(&weeks, "completed"), [json!(0), json!(3)]);
    // Every creation is in March, in Auckland as in UTC.
    let months = get(&app, &a, "tasks?from=2026-02-01&to=2026-03-31&granularity=month").await;
    assert_eq!(column(&months, "start"), [json!("2026-02-01"), json!("2026-03-01")]);
    assert_eq!(column(&months, "created"), [json!(0), json!(4)]);
    // The same instants seen from UTC: T1 (20:00 UTC on 1 March) is a 1 March creation there.
    let utc = user_in(&app, "UTC").await;
    let t = task(&app, &utc, "2026-03-01T20:00:00Z", None, None).await;
    on_task(&app, &utc, &t, "2026-03-02T11:30:00Z", TaskCommand::Complete).await;
    settle(&app.state.core).await;
    let days = get(&app, &utc, "tasks?from=2026-03-01&to=2026-03-02").await;
    assert_eq!(days["period"]["timezone"], "UTC");
    assert_eq!(column(&days, "created"), [json!(1), json!(0)]);
    assert_eq!(column(&days, "completed"), [json!(0), json!(1)]);
}

async fn another_users_data_never_counts_and_a_token_is_required(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let a = user_in(&app, ZONE).await;
    let b = user_in(&app, ZONE).await;
    script_week(&app, &a).await;
    let t = task(&app, &b, "2026-03-02T01:00:00Z", None, None).await;
    on_task(&app, &b, &t, "2026-03-02T02:00:00Z", TaskCommand::Complete).await;
    ai_request(
        &app,
        &b,
        "2026-03-02T01:00:00Z",
        "openai",
        "gpt-4o",
        [1, 1, 1, 1],
        false,
    )
    .await;
    settle(&app.state.core).await;

    let mine = get(&app, &b, &format!("summary?{WEEK}")).await;
    assert_eq!(
        mine["tasks"],
        json!({"created": 1, "completed": 1, "overdue": 0, "completion_rate": 1.0})
    );
    assert_eq!(
        mine["pomodoro"],
        json!({"focus_minutes": 0, "sessions": 0, "interruptions": 0})
    );
    assert_eq!(mine["goals"], json!({"goals": 0, "average_progress": null}));
    assert_eq!(
        mine["activities"],
        json!({"count": 0, "minutes": 0, "streaks_alive": 0})
    );
    assert_eq!(mine["ai"]["requests"], 1);
    let theirs = get(&app, &a, &format!("summary?{WEEK}")).await;
    assert_eq!(theirs["tasks"]["created"], 4);
    assert_eq!(theirs["ai"]["requests"], 3);

    for path in ["summary", "tasks", "pomodoro", "goals", "activities", "ai"] {
        let anonymous = app.get(&format!("/api/v1/analytics/{path}?{WEEK}")).send().await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{path}");
    }
}

async fn bad_periods_are_422(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let a = user_in(&app, ZONE).await;
    for (query, field) in [
        ("from=2026-13-01&to=2026-03-01", "from"),
        ("from=2026-03-01&to=yesterday", "to"),
        ("from=2026-03-01T00:00:00Z&to=2026-03-02", "from"),
        ("from=2026-03-08&to=2026-03-01", "to"),
        ("from=2025-01-01&to=2026-03-01&granularity=day", "from"),
        ("from=2000-01-01&to=2026-03-01&granularity=week", "from"),
        ("from=1990-01-01&to=2026-03-01&granularity=month", "from"),
        ("granularity=year", "granularity"),
    ] {
        for path in ["summary", "tasks", "ai"] {
            let reply = app
                .get(&format!("/api/v1/analytics/{path}?{query}"))
                .token(&a.token)
                .send()
                .await;
            reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
            assert_eq!(reply.body["errors"][0]["field"], field, "{query}: {}", reply.text);
        }
    }
    // The longest ranges allowed are served; no period given is the last 30 days to today.
    let year = app
        .get("/api/v1/analytics/tasks?from=2025-03-02&to=2026-03-01")
        .token(&a.token)
        .send()
        .await;
    assert_eq!(year.status, StatusCode::OK, "{}", year.text);
    assert_eq!(year.body["buckets"].as_array().unwrap().len(), 365);
    let default = get(&app, &a, "tasks").await;
    assert_eq!(default["buckets"].as_array().unwrap().len(), 30);
}

async fn replaying_analytics_rebuilds_the_same_rows_and_numbers(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let a = user_in(&app, ZONE).await;
    script_week(&app, &a).await;
    let core = &app.state.core;
    let before = dump(core.store.db()).await;
    assert_eq!(rows(&before, "analytics_task_facts").len(), 7);
    assert_eq!(rows(&before, "analytics_ai_requests").len(), 3);
    let numbers = get(&app, &a, &format!("summary?{WEEK}")).await;
    let goals = get(&app, &a, &format!("goals?{WEEK}")).await;

    let analytics = vec![core.projections.find("analytics").unwrap()];
    rebuild(&core.store, &analytics, &()).await.unwrap();
    settle(core).await;
    let after = dump(core.store.db()).await;
    for table in core.projections.find("analytics").unwrap().1.tables() {
        assert_eq!(
            rows(&after, table),
            rows(&before, table),
            "{table} differs after the replay"
        );
    }
    assert_eq!(get(&app, &a, &format!("summary?{WEEK}")).await, numbers);
    assert_eq!(get(&app, &a, &format!("goals?{WEEK}")).await, goals);
}
