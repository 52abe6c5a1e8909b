-- A user's AI providers (D1 shape plus the key's mask and the provider kind's own words). The
-- key is stored only sealed (`<key id>:<nonce+ciphertext>`, XChaCha20-Poly1305 bound to the
-- user and provider, sealed before the command: see docs/security.md); the mask is what the
-- API shows. At most one `is_default` per user (kept by the projection). The totals are
-- folded from the request log; `total_cost` is in millionths of a US dollar.
create table ai_providers (
    id                text primary key,
    user_id           text    not null,
    provider_type     text    not null,
    provider_name     text    not null,
    api_key_encrypted text,
    api_key_mask      text,
    api_endpoint      text,
    model_name        text    not null,
    max_tokens        bigint,
    temperature       double precision,
    is_active         bigint not null default 1,
    is_default        bigint not null default 0,
    priority          bigint not null default 0,
    total_requests    bigint not null default 0,
    total_tokens      bigint not null default 0,
    total_cost        bigint not null default 0,
    last_used_at      text,
    version           bigint not null,
    created_at        text    not null,
    updated_at        text    not null
);

create index ai_providers_user_priority on ai_providers (user_id, priority, id);

-- Every call to an AI provider: prompt and answer truncated, usage, latency, cost (millionths
-- of a US dollar), and the failure class when it failed. Never a key.
create table ai_requests (
    id             text primary key,
    user_id        text    not null,
    component_id   text,
    provider_id    text,
    provider_type  text,
    prompt         text    not null,
    response       text,
    model_used     text,
    tokens_in      bigint not null default 0,
    tokens_out     bigint not null default 0,
    tokens_total   bigint not null default 0,
    latency_ms     bigint not null default 0,
    cost_micro_usd bigint not null default 0,
    status         text    not null,
    error_class    text,
    error_message  text,
    version        bigint not null,
    created_at     text    not null,
    updated_at     text    not null
);

create index ai_requests_user_created on ai_requests (user_id, created_at desc, id);
