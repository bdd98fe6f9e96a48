SELECT a.resource_id, bit_or(a.perm_bits) AS perm_bits
FROM unnest($1::text[], $2::text[]) AS p(t, i)
JOIN acl_entries a ON a.principal_type = p.t AND a.principal_id = p.i AND a.resource_type = 'mcpServer'
GROUP BY a.resource_id
HAVING (bit_or(a.perm_bits) & 1) = 1
