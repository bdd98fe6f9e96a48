-- Same SQL as McpPlatform.Infrastructure/Persistence/Repositories/ServerRepository.cs (FindByNameSql), same parameters
-- as the API sends for one of the benchmark users (uid = 1 + 157*k, groups as bench/seed.sql assigns them, role USER):
-- the per-caller check that edits make, and reads of a server with more ACL entries than are kept in memory. Other
-- reads by name are served from the registry snapshot (FindSharedSql once per server and registry revision).
\set uid 1 + random(0, 63) * 157
\set g1 (:uid % 200) + 1
\set g2 ((:uid + 67) % 200) + 1
\set g3 ((:uid + 133) % 200) + 1
\set m random(1, :ncap)
WITH arg AS MATERIALIZED (SELECT ARRAY['user', 'role', 'group', 'group', 'group', 'public']::text[] AS types, ARRAY['u' || :uid, 'USER', 'g' || :g1, 'g' || :g2, 'g' || :g3, '*']::text[] AS ids)
SELECT s.id, s.server_name, s.config, s.secrets, s.author_id, s.created_at, s.updated_at, s.version,
       COALESCE((SELECT bit_or(a.perm_bits) FROM acl_entries a
                 JOIN unnest((SELECT types FROM arg), (SELECT ids FROM arg)) AS p(t, i)
                   ON a.principal_type = p.t AND a.principal_id = p.i
                 WHERE a.resource_id = s.id), 0)
FROM mcp_servers s
 WHERE s.server_name = 'mcp-' || substr(md5((:m::int * 50)::text), 1, 10) || '-' || (:m::int * 50);
