-- The OAuth callback's token write (TokenStore.SaveAsync without an expected version), for a new user each time:
-- encrypted access and refresh tokens of the sizes the oidc peer's tokens take, metadata as the platform writes it.
-- Rows are under user ids 'pgb-token-*', removed after the run.
\set n random(1, 1000000000)
INSERT INTO oauth_tokens (user_id, server_name, access_token, refresh_token, token_type, expires_at, issuer, scope, metadata, version, updated_at)
VALUES ('pgb-token-' || :n, 'bench-oauth', decode(repeat('ab', 900), 'hex'), decode(repeat('cd', 120), 'hex'), 'Bearer', now() + interval '1 hour',
        'http://localhost:58300', 'openid', jsonb_build_object('tokenEndpoint', 'http://localhost:58300/token', 'clientId', 'bench-client-0123456789',
        'tokenAuthMethod', 'none', 'resource', 'http://localhost:58400/mcp'), 1, now())
ON CONFLICT (user_id, server_name) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
    token_type = excluded.token_type, expires_at = excluded.expires_at, issuer = excluded.issuer, scope = excluded.scope,
    metadata = excluded.metadata, version = oauth_tokens.version + 1, updated_at = excluded.updated_at;
