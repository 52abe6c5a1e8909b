-- Kanban boards (D1 shape; columns and settings are JSON text) and the cards on them.
create table kanban_boards (
    id              text primary key,
    user_id         text    not null,
    name            text    not null,
    description     text,
    project_id      text,
    columns         text    not null default '[]',
    settings        text    not null default '{}',
    kanban_position bigint  not null default 0,
    version         bigint  not null,
    created_at      text    not null,
    updated_at      text    not null
);

create index kanban_boards_user on kanban_boards (user_id, kanban_position, created_at, id);

-- One row per task placed on a board; positions run 0..n-1 within each column. No unique
-- constraint on the position: renumbering shifts rows one statement at a time.
create table kanban_cards (
    board_id  text    not null,
    task_id   text    not null,
    column_id text    not null,
    position  bigint  not null,
    constraint kanban_cards_pk primary key (board_id, task_id)
);

create index kanban_cards_column on kanban_cards (board_id, column_id, position);
create index kanban_cards_task on kanban_cards (task_id);
