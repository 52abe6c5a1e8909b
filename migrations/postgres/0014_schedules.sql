-- A user's days (one row per user and date: the stream id is derived from both) and their
-- schedule templates, D1 shape. Blocks are a JSON array of {start, end, title, kind, task_id}.
create table daily_schedules (
    id         text primary key,
    user_id    text    not null,
    date       text    not null,
    blocks     text    not null default '[]',
    version    bigint not null,
    created_at text    not null,
    updated_at text    not null,
    constraint daily_schedules_user_date unique (user_id, date)
);

-- At most one row per user has is_default = 1: the projector clears the others when one is
-- made default.
create table schedule_templates (
    id          text primary key,
    user_id     text    not null,
    name        text    not null,
    description text,
    blocks      text    not null default '[]',
    is_default  bigint not null default 0,
    version     bigint not null,
    created_at  text    not null,
    updated_at  text    not null
);

create index schedule_templates_user_created on schedule_templates (user_id, created_at desc, id desc);
