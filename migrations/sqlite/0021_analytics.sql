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
    deleted    integer not null default 0
);

create index analytics_task_state_user on analytics_task_state (user_id);

create table analytics_task_goals (
    task_id text not null,
    goal_id text not null,
    done    integer not null,
    constraint analytics_task_goals_pk primary key (task_id, goal_id)
);

create index analytics_task_goals_goal on analytics_task_goals (goal_id);

-- One row per creation or completion of a task; a completion carries its cycle times.
create table analytics_task_facts (
    position      integer primary key,
    user_id       text    not null,
    task_id       text    not null,
    kind          text    not null,
    at            text    not null,
    project_id    text,
    lead_seconds  integer,
    cycle_seconds integer
);

create index analytics_task_facts_user_at on analytics_task_facts (user_id, at);

create table analytics_pomodoro_sessions (
    session_id       text primary key,
    user_id          text    not null,
    task_id          text,
    session_type     text    not null,
    started_at       text    not null,
    duration_minutes integer not null,
    outcome          text    not null,
    ended_at         text,
    focus_minutes    integer not null default 0
);

create index analytics_pomodoro_sessions_user_at on analytics_pomodoro_sessions (user_id, started_at);

create table analytics_goal_state (
    goal_id  text primary key,
    user_id  text    not null,
    title    text    not null,
    manual   integer,
    progress integer not null,
    deleted  integer not null default 0
);

create index analytics_goal_state_user on analytics_goal_state (user_id);

-- One row each time a goal's progress changed.
create table analytics_goal_progress (
    position integer not null,
    goal_id  text    not null,
    user_id  text    not null,
    at       text    not null,
    progress integer not null,
    constraint analytics_goal_progress_pk primary key (position, goal_id)
);

create index analytics_goal_progress_user_at on analytics_goal_progress (user_id, at);

create table analytics_activities (
    activity_id      text primary key,
    user_id          text    not null,
    activity_type    text    not null,
    day              text    not null,
    duration_minutes integer,
    mood_before      integer,
    mood_after       integer,
    energy_before    integer,
    energy_after     integer,
    deleted          integer not null default 0
);

create index analytics_activities_user_day on analytics_activities (user_id, day);

create table analytics_ai_requests (
    request_id     text primary key,
    user_id        text    not null,
    at             text    not null,
    provider       text    not null,
    model          text    not null,
    tokens_in      integer not null,
    tokens_out     integer not null,
    latency_ms     integer not null,
    cost_micro_usd integer not null,
    failed         integer not null
);

create index analytics_ai_requests_user_at on analytics_ai_requests (user_id, at);
