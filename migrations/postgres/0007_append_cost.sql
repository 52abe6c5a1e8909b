-- Every append paid for `events_owner`, and no query reads it.
drop index events_owner;

-- New tasks are the newest: with `created_at` ascending they go at the end of their owner's
-- range (SQLite appends to a leaf instead of splitting pages in the middle). The list reads
-- the index backwards, still in page order and without a sort.
drop index tasks_user_created;
create index tasks_user_created on tasks (user_id, created_at, id);
