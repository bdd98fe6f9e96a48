// OAuth flows for scripts/bench.sh: each token's user runs initiate → authorize (at the peer, as a browser would,
// cookies included) → callback, CONCURRENCY at a time. Prints one JSON object: the flows' platform wall time (initiate
// plus callback, which includes the peer answering the platform: discovery, token exchange, MCP connect) and the
// peer's own share of it from its /__stats, so platform time = wall time − peer time.
//
//   node bench/oauth-flows.mjs <apiBase> <serverName> <tokensFile> <concurrency> <peerStatsUrl>
import { readFileSync } from 'node:fs';

const [apiBase, server, tokensFile, concurrencyText, statsUrl] = process.argv.slice(2);
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
const concurrency = Number(concurrencyText);

async function peerMs() {
    return (await (await fetch(statsUrl)).json()).platformFacingMs;
}

async function flow(token) {
    const t0 = performance.now();
    const initiate = await fetch(`${apiBase}/api/mcp/${server}/oauth/initiate`, { redirect: 'manual', headers: { authorization: `Bearer ${token}` } });
    const t1 = performance.now();
    let url = initiate.headers.get('location');
    if (initiate.status !== 302 || !url) throw new Error(`initiate answered ${initiate.status}: ${await initiate.text()}`);

    const jar = new Map();
    let callback;
    for (let hop = 0; hop < 10 && !callback; hop++) {
        const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const cookie of response.headers.getSetCookie()) {
            const pair = cookie.split(';')[0];
            const at = pair.indexOf('=');
            jar.set(pair.slice(0, at), pair.slice(at + 1));
        }
        const location = response.headers.get('location');
        if (!location) throw new Error(`the authorization server answered ${response.status} without a redirect`);
        const next = new URL(location, url).toString();
        if (next.startsWith(`${apiBase}/api/mcp/`)) callback = next;
        url = next;
    }
    if (!callback) throw new Error('the authorization server never redirected back');

    const t2 = performance.now();
    const delivered = await fetch(callback, { redirect: 'manual' });
    const t3 = performance.now();
    const landing = delivered.headers.get('location') ?? '';
    if (!landing.startsWith('/oauth/success')) {
        // The flow's own account of what went wrong (GET /api/mcp/oauth/status/{userId}:{server}).
        const user = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
        const status = await fetch(`${apiBase}/api/mcp/oauth/status/${encodeURIComponent(`${user}:${server}`)}`, { headers: { authorization: `Bearer ${token}` } });
        throw new Error(`callback answered ${delivered.status} ${landing}: ${await status.text()}`);
    }
    return (t1 - t0) + (t3 - t2);
}

const walls = [];
const errors = [];
const peerBefore = await peerMs();
const started = performance.now();
let next = 0;
await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < tokens.length) {
        const token = tokens[next++];
        try {
            walls.push(await flow(token));
        } catch (e) {
            errors.push(String(e.message ?? e));
        }
    }
}));
const elapsed = (performance.now() - started) / 1000;
const peerPerFlow = walls.length ? (await peerMs() - peerBefore) / walls.length : 0;
walls.sort((a, b) => a - b);
const at = (q) => walls.length ? walls[Math.min(walls.length - 1, Math.floor(walls.length * q))] : 0;
const round = (v) => Math.round(v * 100) / 100;
console.log(JSON.stringify({
    flows: tokens.length,
    succeeded: walls.length,
    failed: errors.length,
    seconds: round(elapsed),
    wallP50Ms: round(at(0.5)),
    wallP99Ms: round(at(0.99)),
    peerMsPerFlow: round(peerPerFlow),
    platformP50Ms: round(Math.max(0, at(0.5) - peerPerFlow)),
    firstErrors: errors.slice(0, 3),
}));
