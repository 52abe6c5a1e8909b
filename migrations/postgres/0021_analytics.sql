-- Analytics (a catch-up projection, `joan replay --projection analytics`): facts at the grain
-- of one event or one entity, every instant in UTC, so that the API buckets them in the
-- user's own time zone at query time. The *_state tables are what the projector keeps to date
-- its facts (a task's creation when it completes); the others are what the endpoints read.

create table analytics_task_state (
    task_id    text primary key,
    user_id    text    not null,
    project_id text,
    created_at text    not null,
    started_at text,
    due_date   text,
    done_at    text,
    deleted    bigint not null default 0
);

create index analytics_task_state_user on analytics_task_state (user_id);

create table analytics_task_goals (
    task_id text not null,
    goal_id text not null,
    done    bigint not null,
    constraint analytics_task_goals_pk primary key (task_id, goal_id)
);

create index analytics_task_goals_goal on analytics_task_goals (goal_id);

-- One row per creation or completion of a task; a completion carries its cycle times.
create table analytics_task_facts (
    position      bigint primary key,
    user_id       text    not null,
    task_id       text    not null,
    kind          text    not null,
    at            text    not null,
    project_id    text,
    lead_seconds  bigint,
    cycle_seconds bigint
);

create index analytics_task_facts_user_at on analytics_task_facts (user_id, at);

create table analytics_pomodoro_sessions (
    session_id       text primary key,
    user_id          text    not null,
    task_id          text,
    session_type     text    not null,
    started_at       text    not null,
    duration_minutes bigint not null,
    outcome          text    not null,
    ended_at         text,
    focus_minutes    bigint not null default 0
);

create index analytics_pomodoro_sessions_user_at on analytics_pomodoro_sessions (user_id, started_at);

create table analytics_goal_state (
    goal_id  text primary key,
    user_id  text    not null,
    title    text    not null,
    manual   bigint,
    progress bigint not null,
    deleted  bigint not null default 0
);

create index analytics_goal_state_user on analytics_goal_state (user_id);

-- One row each time a goal's progress changed.
create table analytics_goal_progress (
    position bigint not null,
    goal_id  text    not null,
    user_id  text    not null,
    at       text    not null,
    progress bigint not null,
    constraint analytics_goal_progress_pk primary key (position, goal_id)
);

create index analytics_goal_progress_user_at on analytics_goal_progress (user_id, at);

create table analytics_activities (
    activity_id      text primary key,
    user_id          text    not null,
    activity_type    text    not null,
    day              text    not null,
    duration_minutes bigint,
    mood_before      bigint,
    mood_after       bigint,
    energy_before    bigint,
    energy_after     bigint,
    deleted          bigint not null default 0
);

create index analytics_activities_user_day on analytics_activities (user_id, day);

create table analytics_ai_requests (
    request_id     text primary key,
    user_id        text    not null,
    at             text    not null,
    provider       text    not null,
    model          text    not null,
    tokens_in      bigint not null,
    tokens_out     bigint not null,
    latency_ms     bigint not null,
    cost_micro_usd bigint not null,
    failed         bigint not null
);

create index analytics_ai_requests_user_at on analytics_ai_requests (user_id, at);
