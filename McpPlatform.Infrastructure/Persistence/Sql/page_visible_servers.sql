WITH arg AS MATERIALIZED (SELECT $1::text[] AS types, $2::text[] AS ids, $3::int AS n, $4::text AS after)
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
ORDER BY s.server_name
