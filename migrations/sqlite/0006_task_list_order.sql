-- The task list pages by `created_at desc, id desc`. The index ran `id` ascending, so every
-- page sorted the tasks sharing a timestamp in a temporary B-tree; this one hands the rows over
-- in page order.
drop index tasks_user_created;
create index tasks_user_created on tasks (user_id, created_at desc, id desc);
