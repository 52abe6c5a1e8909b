-- A user's settings (D1 shape plus `timezone` and the key masks): one row per user, whose id
-- is the user's id. LLM keys are stored only sealed (`<scheme>:<key id>:<nonce+ciphertext>`,
-- XChaCha20-Poly1305, sealed before the command: see docs/security.md); the mask
-- (`sk-...abcd`) is what the API shows.
create table user_settings (
    id                          text primary key,
    user_id                     text    not null,
    theme                       text    not null default 'system',
    notifications_enabled       bigint  not null default 1,
    default_work_duration       bigint  not null default 25,
    default_break_duration      bigint  not null default 5,
    openai_api_key_encrypted    text,
    openai_api_key_mask         text,
    anthropic_api_key_encrypted text,
    anthropic_api_key_mask      text,
    local_llm_enabled           bigint  not null default 0,
    local_llm_url               text,
    local_llm_model             text,
    timezone                    text    not null default 'UTC',
    version                     bigint  not null,
    created_at                  text    not null,
    updated_at                  text    not null
);

-- The people and organisations a user works for (D1 shape).
create table clients (
    id         text primary key,
    user_id    text    not null,
    name       text    not null,
    email      text,
    phone      text,
    company    text,
    status     text    not null default 'active',
    version    bigint  not null,
    created_at text    not null,
    updated_at text    not null
);

create index clients_user_created on clients (user_id, created_at desc, id);
create index clients_user_status on clients (user_id, status);
