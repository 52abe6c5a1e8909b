-- Idempotency-Key records: the first response to a POST, kept with the request's hash.
-- Written in the same transaction as the command's events.
create table idempotency_keys (
    user_id      text    not null,
    key          text    not null,
    request_hash text    not null,
    status       bigint  not null,
    body         text    not null,
    location     text,
    etag         text,
    created_at   text    not null,
    constraint idempotency_keys_pk primary key (user_id, key)
);

-- Goals link to tasks (filled by the goals feature; the task list already filters on it).
create table task_goal_links (
    id         text primary key,
    task_id    text not null,
    goal_id    text not null,
    created_at text not null,
    constraint task_goal_links_unique unique (task_id, goal_id)
);

create index task_goal_links_goal on task_goal_links (goal_id);
