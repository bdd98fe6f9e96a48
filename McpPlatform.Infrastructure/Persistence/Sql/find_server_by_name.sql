WITH arg AS MATERIALIZED (SELECT $2::text[] AS types, $3::text[] AS ids)
SELECT s.id, s.server_name, s.config, s.secrets, s.author_id, s.created_at, s.updated_at, s.version,
       COALESCE((SELECT bit_or(a.perm_bits) FROM acl_entries a
                 JOIN unnest((SELECT types FROM arg), (SELECT ids FROM arg)) AS p(t, i)
                   ON a.principal_type = p.t AND a.principal_id = p.i
                 WHERE a.resource_id = s.id), 0) AS perm_bits
FROM mcp_servers s WHERE s.server_name = $1
