// "oidc MCP stack": a production-grade OAuth 2.1 / OIDC authorization server (oidc-provider 9.13.3)
// plus an MCP resource server (@modelcontextprotocol/sdk 1.32.2) that only accepts the AS's JWT access tokens.
// Started by the C# NodePeer fixture (NodePeer.StartOidcStackAsync) as
//   node --require Peers/force-loopback.cjs Peers/oidc-mcp-stack.mjs
// Environment:
//   AS_PORT            authorization server port        (default 3400) -> issuer http://localhost:AS_PORT (no trailing slash)
//   MCP_PORT           MCP resource server port         (default 3401) -> resource http://localhost:MCP_PORT/mcp
//   ACCESS_TOKEN_TTL   access token lifetime, seconds   (default 3600)
//   REFRESH_TOKEN_TTL  refresh token lifetime, seconds  (default 86400)
// The AS auto-approves: a headless client following the 303 redirects with a cookie jar ends at
// redirect_uri?code=…&state=…&iss=… (login as "test-user", then consent to everything requested).
// Test-only: GET http://localhost:MCP_PORT/__stats (no auth) counts token requests, refresh-token reuse and registrations.

import { randomUUID } from 'node:crypto';
import express from 'express';
import * as jose from 'jose';
import Provider, { errors } from 'oidc-provider';
import * as z from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

function intFromEnv(name, fallback) {
    const raw = process.env[name];
    if (raw === undefined || raw === '') {
        return fallback;
    }
    const value = Number.parseInt(raw, 10);
    if (!Number.isInteger(value) || value <= 0 || String(value) !== raw.trim()) {
        throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    }
    return value;
}

const AS_PORT = intFromEnv('AS_PORT', 3400);
const MCP_PORT = intFromEnv('MCP_PORT', 3401);
const ACCESS_TOKEN_TTL = intFromEnv('ACCESS_TOKEN_TTL', 3600);
const REFRESH_TOKEN_TTL = intFromEnv('REFRESH_TOKEN_TTL', 86400);

const ISSUER = `http://localhost:${AS_PORT}`;
const MCP_URL = `http://localhost:${MCP_PORT}/mcp`;
const PRM_PATH = '/.well-known/oauth-protected-resource/mcp';
const PRM_URL = `http://localhost:${MCP_PORT}${PRM_PATH}`;
const SCOPE = 'mcp:tools';
const ACCOUNT_ID = 'test-user';

// ---------------------------------------------------------------------------------------------
// Counters for tests (GET /__stats on the MCP port).
// ---------------------------------------------------------------------------------------------
const stats = {
    tokenRequests: { authorization_code: 0, refresh_token: 0 },
    tokenErrors: { authorization_code: 0, refresh_token: 0 },
    refreshReuse: 0,
    registrations: 0,
    authorizations: 0,
    mcpRequests: { authorized: 0, rejected: 0 },
    // Time spent answering the platform (not the browser's authorize pages, not long-lived SSE streams), so the
    // benchmark can tell the platform's own time per OAuth flow from this peer's.
    platformFacingMs: 0,
};

function timed(req, res, next) {
    const browser = req.method === 'GET' && (req.path.startsWith('/auth') || req.path.startsWith('/interaction') || req.path === '/mcp');
    if (!browser && req.path !== '/__stats') {
        const start = process.hrtime.bigint();
        res.on('finish', () => { stats.platformFacingMs += Number(process.hrtime.bigint() - start) / 1e6; });
    }
    next();
}

function bump(bucket, key) {
    bucket[key] = (bucket[key] ?? 0) + 1;
}

// ---------------------------------------------------------------------------------------------
// Authorization server (oidc-provider).
// ---------------------------------------------------------------------------------------------
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: `test-${randomUUID()}`, alg: 'RS256', use: 'sig' };

const provider = new Provider(ISSUER, {
    clients: [],
    clientDefaults: {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        application_type: 'web',
    },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    scopes: ['openid', 'offline_access', SCOPE],
    responseTypes: ['code'],
    pkce: { required: () => true }, // oidc-provider 9 only implements S256
    cookies: { keys: ['oidc-mcp-stack-test-cookie-key-not-a-secret'] },
    jwks: { keys: [signingKey] },
    features: {
        devInteractions: { enabled: false },
        // The resource server accepts only Authorization: Bearer, so do not advertise or bind DPoP.
        dPoP: { enabled: false },
        registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: true },
        revocation: { enabled: true },
        introspection: { enabled: true },
        userinfo: { enabled: true },
        rpInitiatedLogout: { enabled: false },
        resourceIndicators: {
            enabled: true,
            defaultResource: async (_ctx, _client, oneOf) => oneOf ?? MCP_URL,
            useGrantedResource: async () => true,
            getResourceServerInfo: async (_ctx, resourceIndicator) => {
                if (resourceIndicator !== MCP_URL) {
                    throw new errors.InvalidTarget(`unknown resource ${resourceIndicator}; this AS only serves ${MCP_URL}`);
                }
                return {
                    scope: SCOPE,
                    audience: MCP_URL,
                    accessTokenTTL: ACCESS_TOKEN_TTL,
                    accessTokenFormat: 'jwt',
                    jwt: { sign: { alg: 'RS256' } },
                };
            },
        },
    },
    // Refresh tokens for every client allowed the refresh_token grant, with or without offline_access.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every refresh rotates: the old refresh token is consumed; presenting it again is invalid_grant
    // and oidc-provider then revokes the whole grant (reuse detection).
    rotateRefreshToken: true,
    // Tokens outlive the (cookie) session: a headless client never comes back to the browser session.
    expiresWithSession: async () => false,
    ttl: {
        AccessToken: ACCESS_TOKEN_TTL,
        AuthorizationCode: 60,
        RefreshToken: REFRESH_TOKEN_TTL,
        Grant: REFRESH_TOKEN_TTL,
        Session: REFRESH_TOKEN_TTL,
        Interaction: 600,
        IdToken: 3600,
    },
    findAccount: async (_ctx, sub) => ({
        accountId: sub,
        claims: async () => ({ sub }),
    }),
    renderError: async (ctx, out) => {
        ctx.type = 'json';
        ctx.body = out;
    },
});

provider.on('registration_create.success', () => {
    stats.registrations += 1;
});
provider.on('authorization.success', () => {
    stats.authorizations += 1;
});
provider.on('grant.error', (ctx, err) => {
    if (err?.error_detail === 'refresh token already used') {
        stats.refreshReuse += 1;
    }
});
provider.on('server_error', (_ctx, err) => {
    console.error('oidc-provider server_error:', err);
});

// Count every token-endpoint call by grant type (success or not).
provider.use(async (ctx, next) => {
    await next();
    if (ctx.method === 'POST' && ctx.path === '/token') {
        const grantType = ctx.oidc?.params?.grant_type ?? ctx.oidc?.body?.grant_type ?? 'unknown';
        bump(stats.tokenRequests, grantType);
        if (ctx.status >= 400) {
            bump(stats.tokenErrors, grantType);
        }
    }
});

const asApp = express();
asApp.disable('x-powered-by');
asApp.use(timed);

// Auto-approving interaction handler: login as test-user, then grant whatever is asked for.
asApp.get('/interaction/:uid', async (req, res, next) => {
    try {
        const details = await provider.interactionDetails(req, res);
        const { prompt, params, session } = details;
        if (prompt.name === 'login') {
            await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT_ID } }, { mergeWithLastSubmission: false });
            return;
        }
        if (prompt.name === 'consent') {
            const grant = details.grantId
                ? await provider.Grant.find(details.grantId)
                : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
            const missing = prompt.details;
            if (missing.missingOIDCScope) {
                grant.addOIDCScope(missing.missingOIDCScope.join(' '));
            }
            if (missing.missingOIDCClaims) {
                grant.addOIDCClaims(missing.missingOIDCClaims);
            }
            if (missing.missingResourceScopes) {
                for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
                    grant.addResourceScope(indicator, scopes.join(' '));
                }
            }
            const grantId = await grant.save();
            await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
            return;
        }
        res.status(501).json({ error: 'not_implemented', error_description: `prompt ${prompt.name} is not handled` });
    } catch (err) {
        next(err);
    }
});

// Everything else (discovery incl. /.well-known/oauth-authorization-server, /auth, /token, /reg, /jwks, ...) is oidc-provider.
asApp.use(provider.callback());

// ---------------------------------------------------------------------------------------------
// MCP resource server.
// ---------------------------------------------------------------------------------------------
const jwks = jose.createRemoteJWKSet(new URL(`${ISSUER}/jwks`));

function challenge(res, description) {
    const header = description === undefined
        ? `Bearer resource_metadata="${PRM_URL}"`
        : `Bearer error="invalid_token", error_description="${description.replace(/["\\]/g, "'")}", scope="${SCOPE}", resource_metadata="${PRM_URL}"`;
    stats.mcpRequests.rejected += 1;
    res.set('WWW-Authenticate', header);
    res.status(401).json(description === undefined
        ? { error: 'invalid_request', error_description: 'Missing bearer token' }
        : { error: 'invalid_token', error_description: description });
}

async function requireJwt(req, res, next) {
    const authorization = req.headers.authorization;
    if (!authorization) {
        challenge(res, undefined);
        return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) {
        challenge(res, "invalid Authorization header, expected 'Bearer TOKEN'");
        return;
    }
    try {
        const { payload } = await jose.jwtVerify(match[1], jwks, {
            issuer: ISSUER,
            audience: MCP_URL,
            algorithms: ['RS256'],
            clockTolerance: 0,
        });
        req.auth = {
            token: match[1],
            clientId: String(payload.client_id ?? ''),
            scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
            expiresAt: payload.exp,
            resource: new URL(MCP_URL),
            extra: { sub: payload.sub, scope: payload.scope ?? '' },
        };
        stats.mcpRequests.authorized += 1;
        next();
    } catch (err) {
        challenge(res, `invalid token: ${err?.code ?? err?.name ?? 'ERR'}${err?.message ? ` (${err.message})` : ''}`);
    }
}

function createMcpServer() {
    const server = new McpServer({ name: 'oidc-mcp-stack', version: '1.0.0' }, { capabilities: { logging: {} } });
    server.registerTool('echo', {
        description: 'Echoes the message back',
        inputSchema: { message: z.string().describe('Text to echo') },
    }, async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }));
    server.registerTool('whoami', {
        description: "Returns the access token's sub and scope",
    }, async (extra) => {
        const info = extra?.authInfo?.extra ?? {};
        return { content: [{ type: 'text', text: JSON.stringify({ sub: info.sub ?? null, scope: info.scope ?? null }) }] };
    });
    return server;
}

const transports = new Map(); // Mcp-Session-Id -> StreamableHTTPServerTransport

const mcpApp = express();
mcpApp.disable('x-powered-by');
mcpApp.use(timed);
mcpApp.use((req, res, next) => {
    // Same DNS-rebinding guard as the SDK's createMcpExpressApp: loopback host names only.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!['localhost', '127.0.0.1', '[::1]'].includes(host)) {
        res.status(403).json({ jsonrpc: '2.0', error: { code: -32000, message: `Invalid Host: ${host}` }, id: null });
        return;
    }
    next();
});
mcpApp.use(express.json());

mcpApp.get(PRM_PATH, (_req, res) => {
    res.json({
        resource: MCP_URL,
        authorization_servers: [ISSUER],
        scopes_supported: [SCOPE],
        bearer_methods_supported: ['header'],
        resource_name: 'oidc MCP stack (test)',
    });
});

mcpApp.get('/__stats', (_req, res) => {
    res.json(stats);
});

mcpApp.post('/mcp', requireJwt, async (req, res) => {
    try {
        const sessionId = req.headers['mcp-session-id'];
        let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
        if (!transport) {
            if (sessionId !== undefined) {
                res.status(404).json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
                return;
            }
            if (!isInitializeRequest(req.body)) {
                res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null });
                return;
            }
            transport = new StreamableHTTPServerTransport({
                sessionIdGenerator: () => randomUUID(),
                onsessioninitialized: (id) => {
                    transports.set(id, transport);
                },
            });
            transport.onclose = () => {
                if (transport.sessionId) {
                    transports.delete(transport.sessionId);
                }
            };
            await createMcpServer().connect(transport);
        }
        await transport.handleRequest(req, res, req.body);
    } catch (err) {
        console.error('MCP request failed:', err);
        if (!res.headersSent) {
            res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
        }
    }
});

async function sessionRequest(req, res) {
    const sessionId = req.headers['mcp-session-id'];
    const transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (!transport) {
        res.status(sessionId === undefined ? 400 : 404).json({
            jsonrpc: '2.0',
            error: { code: sessionId === undefined ? -32000 : -32001, message: sessionId === undefined ? 'Bad Request: No valid session ID provided' : 'Session not found' },
            id: null,
        });
        return;
    }
    await transport.handleRequest(req, res);
}

mcpApp.get('/mcp', requireJwt, sessionRequest);
mcpApp.delete('/mcp', requireJwt, sessionRequest);

// ---------------------------------------------------------------------------------------------
// Start both (127.0.0.1 only: explicit host here, and force-loopback.cjs as a second guard).
// ---------------------------------------------------------------------------------------------
function listen(app, port) {
    return new Promise((resolve, reject) => {
        const server = app.listen(port, '127.0.0.1');
        server.once('listening', () => resolve(server));
        server.once('error', reject);
    });
}

const servers = [];
try {
    servers.push(await listen(asApp, AS_PORT));
    console.log(`OIDC AS listening on port ${AS_PORT} (issuer ${ISSUER})`);
    servers.push(await listen(mcpApp, MCP_PORT));
    console.log(`MCP resource server listening on port ${MCP_PORT} (resource ${MCP_URL}, access token TTL ${ACCESS_TOKEN_TTL} s, refresh token TTL ${REFRESH_TOKEN_TTL} s)`);
} catch (err) {
    console.error(`oidc-mcp-stack failed to start: ${err?.code ?? ''} ${err?.message ?? err}`);
    process.exit(1);
}

let stopping = false;
function stop(signal) {
    if (stopping) {
        return;
    }
    stopping = true;
    console.log(`oidc-mcp-stack: ${signal}, shutting down`);
    for (const transport of transports.values()) {
        transport.close().catch(() => {});
    }
    for (const server of servers) {
        server.closeAllConnections?.();
        server.close();
    }
    setTimeout(() => process.exit(0), 200).unref();
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
