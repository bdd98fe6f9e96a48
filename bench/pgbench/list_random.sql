-- Same SQL as McpPlatform.Infrastructure/Persistence/Repositories/ServerRepository.cs, same parameters as the API
-- sends for one of the benchmark users (uid = 1 + 157*k, groups as bench/seed.sql assigns them, role USER).
\set uid 1 + random(0, 63) * 157
\set g1 (:uid % 200) + 1
\set g2 ((:uid + 67) % 200) + 1
\set g3 ((:uid + 133) % 200) + 1
\set r random(0, 16777215)
WITH arg AS MATERIALIZED (SELECT ARRAY['user', 'role', 'group', 'group', 'group', 'public']::text[] AS types,
                                 ARRAY['u' || :uid, 'USER', 'g' || :g1, 'g' || :g2, 'g' || :g3, '*']::text[] AS ids,
                                 21 AS n, ('mcp-' || lpad(to_hex(:r::int), 6, '0'))::text AS after)
SELECT s.id, s.server_name, s.config, s.secrets, s.author_id, s.created_at, s.updated_at, s.version
FROM (SELECT DISTINCT c.resource_id, c.resource_name
      FROM unnest((SELECT types FROM arg), (SELECT ids FROM arg)) AS p(t, i)
      CROSS JOIN LATERAL (
          SELECT a.resource_id, a.resource_name FROM acl_entries a
          WHERE a.principal_type = p.t AND a.principal_id = p.i AND a.resource_type = 'mcpServer'
            AND a.resource_name > (SELECT after FROM arg) AND (a.perm_bits & 1) = 1
          ORDER BY a.resource_name
          LIMIT (SELECT n FROM arg)) c
      ORDER BY c.resource_name
      LIMIT (SELECT n FROM arg)) v
JOIN mcp_servers s ON s.id = v.resource_id
ORDER BY s.server_name;
