-- Personal activities and activity goals, D1 shape. Tags are a JSON array of strings; date is
-- YYYY-MM-DD and time HH:MM, as the user gave them (their own day).
create table personal_activities (
    id               text primary key,
    user_id          text    not null,
    type             text    not null,
    name             text    not null,
    description      text,
    duration_minutes integer,
    date             text    not null,
    time             text,
    mood_before      integer,
    mood_after       integer,
    energy_before    integer,
    energy_after     integer,
    tags             text    not null default '[]',
    location         text,
    weather          text,
    goal_id          text,
    version          integer not null,
    created_at       text    not null,
    updated_at       text    not null
);

create index personal_activities_user_date on personal_activities (user_id, date desc, id desc);
-- Goal progress: one user's activities of one type within a period.
create index personal_activities_user_type_date on personal_activities (user_id, type, date);

create table activity_goals (
    id                      text primary key,
    user_id                 text    not null,
    activity_type           text    not null,
    target_frequency        text    not null,
    target_count            integer,
    target_duration_minutes integer,
    start_date              text,
    end_date                text,
    reminder_time           text,
    is_active               integer not null default 1,
    version                 integer not null,
    created_at              text    not null,
    updated_at              text    not null
);

create index activity_goals_user_created on activity_goals (user_id, created_at desc, id desc);
