-- Set-based seed for the benchmark (psql). Variables (psql -v):
--   n        number of servers                       (1000 … 1000000)
--   users    number of users u1…uN                   (10000)
--   groups   number of groups g1…gN                  (200)
--   shares   direct user shares per server           (3  → ~300 per user at 1M servers)
--   profile  true: 2% public, 6% shared to a group, every user in 3 groups; false: owner rows only
--   wide     number of widely shared servers mcp-wide-0 … mcp-wide-(wide-1) (8): server w is shared directly with
--            every user u<j> where j % wide = w (1,250 users each at 10,000 users), more ACL entries than the API keeps
--            in memory per server (64), so a read by name checks the caller's bits in the database
-- Server i: id = md5('s'||i)::uuid, name = 'mcp-<md5 prefix>-<i>' (random name order), owner u((i % users)+1),
-- shared to u((i + k*3331) % users + 1) for k = 1..shares, to g(((i/50) % groups)+1) when i % 50 in (7,8,9),
-- public when i % 50 = 0. viewer_keys holds 'type:id' of every principal with VIEW, as the application keeps it.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';
SET synchronous_commit = off;
-- Skip per-row FK checks while bulk loading (the seed is consistent by construction).
SET session_replication_role = replica;

TRUNCATE acl_entries, mcp_servers, group_members, users, groups, audit_log, credential_variables, oauth_tokens CASCADE;

-- Keep the index definitions, drop them, load, rebuild (much faster than maintaining them row by row).
DROP TABLE IF EXISTS bench_saved_indexes;
CREATE TABLE bench_saved_indexes AS
  SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
  FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
  WHERE t.relname IN ('mcp_servers', 'acl_entries') AND NOT i.indisprimary
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT name FROM bench_saved_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
END $$;

INSERT INTO users (id, name, email, role, first_seen_at, last_seen_at)
SELECT 'u' || j, 'User ' || j, 'u' || j || '@bench.example', 'USER', now(), now()
FROM generate_series(1, :users) j;

INSERT INTO groups (id, name, first_seen_at)
SELECT 'g' || g, 'Group ' || g, now() FROM generate_series(1, :groups) g;

\if :profile
INSERT INTO group_members (group_id, user_id)
SELECT DISTINCT 'g' || (((j + o) % :groups) + 1), 'u' || j
FROM generate_series(1, :users) j CROSS JOIN (VALUES (0), (67), (133)) v(o);
\endif

CREATE TEMP TABLE words(k int PRIMARY KEY, w text);
INSERT INTO words SELECT k - 1, w FROM unnest(ARRAY[
  'weather','github','slack','postgres','calendar','email','search','files','browser','jira',
  'notion','linear','stripe','docker','kubernetes','maps','translate','finance','news','music',
  'video','images','sheets','docs','drive','crm','support','billing','analytics','logs',
  'metrics','alerts','deploy','tickets','chat','voice','sensors','robots','ledger','recipes'])
  WITH ORDINALITY AS t(w, k);

INSERT INTO mcp_servers (id, server_name, config, secrets, viewer_keys, author_id, created_at, updated_at, version)
SELECT md5('s' || i)::uuid,
       'mcp-' || substr(md5(i::text), 1, 10) || '-' || i,
       jsonb_build_object(
         'type', 'streamable-http',
         'url', 'https://mcp' || (i % 97) || '.bench.example/mcp/' || i,
         'title', initcap(w1.w) || ' ' || initcap(w2.w) || ' server ' || i,
         'description', 'Tools for ' || w1.w || ' and ' || w2.w || ', reference zx' || lpad((i % 50000)::text, 5, '0') || '.'),
       NULL,
       ARRAY['user:u' || ((i % :users) + 1)]
         || ARRAY(SELECT 'user:u' || (((i + k * 3331) % :users) + 1) FROM generate_series(1, :shares) k)
         || CASE WHEN :profile AND i % 50 IN (7, 8, 9) THEN ARRAY['group:g' || (((i / 50) % :groups) + 1)] ELSE '{}'::text[] END
         || CASE WHEN :profile AND i % 50 = 0 THEN ARRAY['public:*'] ELSE '{}'::text[] END,
       'u' || ((i % :users) + 1),
       now(), now(), 1
FROM generate_series(1, :n) i
JOIN words w1 ON w1.k = i % 40
JOIN words w2 ON w2.k = (i / 40 + 7) % 40;

-- The widely shared servers, owned by a user of their own.
INSERT INTO users (id, name, email, role, first_seen_at, last_seen_at)
VALUES ('bench-wide-owner', 'Wide Owner', 'wide-owner@bench.example', 'USER', now(), now());
INSERT INTO mcp_servers (id, server_name, config, secrets, viewer_keys, author_id, created_at, updated_at, version)
SELECT md5('wide' || w)::uuid,
       'mcp-wide-' || w,
       jsonb_build_object(
         'type', 'streamable-http',
         'url', 'https://wide' || w || '.bench.example/mcp',
         'title', 'Wide server ' || w,
         'description', 'Shared with every ' || :wide || 'th user, reference zw' || lpad(w::text, 3, '0') || '.'),
       NULL,
       ARRAY['user:bench-wide-owner'] || ARRAY(SELECT 'user:u' || j FROM generate_series(1, :users) j WHERE j % :wide = w),
       'bench-wide-owner', now(), now(), 1
FROM generate_series(0, :wide - 1) w;
INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at, search_text)
SELECT 'user', p.id, 'mcpServer', s.id, s.server_name, p.bits, p.role, 'bench-wide-owner', now(), s.search_text
FROM generate_series(0, :wide - 1) w
JOIN mcp_servers s ON s.id = md5('wide' || w)::uuid
CROSS JOIN LATERAL (
  SELECT 'bench-wide-owner' AS id, 15 AS bits, 'mcpServer_owner' AS role
  UNION ALL
  SELECT 'u' || j, 1, 'mcpServer_viewer' FROM generate_series(1, :users) j WHERE j % :wide = w
) p;

-- ACL rows: owner (15), direct viewers (1), group viewers (1), public viewers (1), each with its server's search
-- text where it fits an index entry (at most 1,500 bytes, else null: ADR 0043), as the application's triggers copy it
-- (they do not fire while session_replication_role = replica).
INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at, search_text)
SELECT p.t, p.id, 'mcpServer', s.id, s.server_name, p.bits, p.role, 'u' || ((i % :users) + 1), now(),
       CASE WHEN octet_length(s.search_text) <= 1500 THEN s.search_text END
FROM generate_series(1, :n) i
JOIN mcp_servers s ON s.id = md5('s' || i)::uuid
CROSS JOIN LATERAL (
  SELECT 'user' AS t, 'u' || ((i % :users) + 1) AS id, 15 AS bits, 'mcpServer_owner' AS role
  UNION ALL
  SELECT 'user', 'u' || (((i + k * 3331) % :users) + 1), 1, 'mcpServer_viewer' FROM generate_series(1, :shares) k
  UNION ALL
  SELECT 'group', 'g' || (((i / 50) % :groups) + 1), 1, 'mcpServer_viewer' WHERE :profile AND i % 50 IN (7, 8, 9)
  UNION ALL
  SELECT 'public', '*', 1, 'mcpServer_viewer' WHERE :profile AND i % 50 = 0
) p;

RESET session_replication_role;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT def FROM bench_saved_indexes LOOP EXECUTE r.def; END LOOP;
END $$;
DROP TABLE bench_saved_indexes;
