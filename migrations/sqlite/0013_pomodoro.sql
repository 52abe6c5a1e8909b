-- A user's pomodoro settings (D1 shape): one row per user, whose id is the user's id.
create table pomodoro_settings (
    id                        text primary key,
    user_id                   text    not null,
    work_duration             integer not null default 25,
    short_break_duration      integer not null default 5,
    long_break_duration       integer not null default 15,
    sessions_until_long_break integer not null default 4,
    auto_start_breaks         integer not null default 0,
    auto_start_pomodoros      integer not null default 0,
    sound_enabled             integer not null default 1,
    version                   integer not null,
    created_at                text    not null,
    updated_at                text    not null
);

-- Pomodoro sessions (D1 shape plus `cancel_reason`): running while `ended_at` is null.
create table pomodoro_sessions (
    id               text primary key,
    user_id          text    not null,
    type             text    not null,
    duration_minutes integer not null,
    started_at       text    not null,
    ended_at         text,
    completed        integer not null default 0,
    task_id          text,
    notes            text,
    cancel_reason    text,
    version          integer not null,
    created_at       text    not null,
    updated_at       text    not null
);

create index pomodoro_sessions_user_started on pomodoro_sessions (user_id, started_at desc, id);
create index pomodoro_sessions_user_task on pomodoro_sessions (user_id, task_id);

-- Where each reactor (a process manager that turns events into commands) has read the log
-- to. Not a projection's checkpoint: a rebuild of the read tables never moves it.
create table reactor_checkpoints (
    name       text primary key,
    position   integer not null,
    tx         integer not null default 0,
    updated_at text    not null
);
