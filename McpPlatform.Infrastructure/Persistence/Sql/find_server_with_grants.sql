SELECT s.id, s.server_name, s.config, s.secrets, s.author_id, s.created_at, s.updated_at, s.version, g.types, g.ids, g.bits
FROM mcp_servers s
CROSS JOIN LATERAL (
    SELECT array_agg(e.principal_type) AS types, array_agg(e.principal_id) AS ids, array_agg(e.perm_bits) AS bits
    FROM (SELECT a.principal_type, a.principal_id, a.perm_bits FROM acl_entries a WHERE a.resource_id = s.id LIMIT $2) e) g
WHERE s.server_name = $1
