-- AI workflows (D1 shape): templates, executions, and one row per step of an execution.
create table ai_workflow_templates (
    id          text primary key,
    user_id     text not null,
    name        text not null,
    description text,
    steps       text not null default '[]',
    version     bigint not null,
    created_at  text not null,
    updated_at  text not null
);

create index ai_workflow_templates_user_created on ai_workflow_templates (user_id, created_at desc, id desc);

create table ai_workflow_executions (
    id            text primary key,
    user_id       text not null,
    template_id   text not null,
    template_name text not null,
    status        text not null,
    input         text not null default '{}',
    current_step  bigint,
    error         text,
    completed_at  text,
    version       bigint not null,
    created_at    text not null,
    updated_at    text not null
);

create index ai_workflow_executions_user_created on ai_workflow_executions (user_id, created_at desc, id desc);

create table ai_workflow_steps (
    id             text primary key,
    execution_id   text not null,
    user_id        text not null,
    step_index     bigint not null,
    name           text not null,
    type           text not null,
    status         text not null,
    attempt        bigint not null default 0,
    output         text,
    provider       text,
    model          text,
    tokens_in      bigint,
    tokens_out     bigint,
    latency_ms     bigint,
    cost_micro_usd bigint,
    error          text,
    version        bigint not null,
    created_at     text not null,
    updated_at     text not null,
    constraint ai_workflow_steps_execution_index unique (execution_id, step_index)
);
