-- Files attached to a task, note, project or goal (D1 shape plus `sha256`, `version` and
-- `updated_at`). The bytes are in the object store under `storage_key`; a row exists only for
-- an attachment whose upload completed and was recorded.
create table attachments (
    id          text primary key,
    user_id     text    not null,
    filename    text    not null,
    mime_type   text    not null,
    size        bigint  not null,
    sha256      text    not null,
    storage_key text    not null,
    entity_type text    not null,
    entity_id   text    not null,
    version     bigint  not null,
    uploaded_at text    not null,
    updated_at  text    not null
);

create index attachments_user_uploaded on attachments (user_id, uploaded_at desc, id);
create index attachments_entity on attachments (entity_type, entity_id, uploaded_at desc);
