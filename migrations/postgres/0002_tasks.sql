create table tasks (
    id                text primary key,
    user_id           text   not null,
    title             text   not null,
    description       text,
    status            text   not null default 'pending',
    priority          bigint not null default 0,
    due_date          text,
    completed_at      text,
    folder_id         text,
    project_id        text,
    estimated_minutes bigint,
    actual_minutes    bigint,
    tags              text   not null default '[]',
    version           bigint not null,
    created_at        text   not null,
    updated_at        text   not null
);

create index tasks_user_created on tasks (user_id, created_at desc, id);
create index tasks_user_status on tasks (user_id, status);
create index tasks_user_due on tasks (user_id, due_date);

create table task_activities (
    id         text primary key,
    task_id    text   not null,
    user_id    text   not null,
    action     text   not null,
    details    text   not null,
    created_at text   not null,
    position   bigint not null
);

create index task_activities_task on task_activities (task_id, position desc);

-- Catch-up projection: tasks created and completed per user per day (UTC).
create table task_daily_stats (
    user_id   text   not null,
    day       text   not null,
    created   bigint not null default 0,
    completed bigint not null default 0,
    constraint task_daily_stats_pk primary key (user_id, day)
);
