// OAuth flows for scripts/bench.sh: each token's user runs initiate → authorize (at the peer, as a browser would,
// cookies included) → callback (with initiate's binding cookie, as the browser that started the flow), CONCURRENCY at a time. Prints one JSON object:
// - platform time per flow: the API's own time in initiate plus callback, from their Server-Timing headers (request
//   time at the API minus its waits for the peer: discovery, registration, token exchange, MCP connect, tools/list);
// - the flows' wall time at the platform (initiate plus callback as this client sees them) and the peer's handler
//   time from its /__stats, the earlier, coarser estimate (wall − peer still holds waits for the peer's event loop).
//
//   node bench/oauth-flows.mjs <apiBase> <serverName> <tokensFile> <concurrency> <peerStatsUrl>
import { readFileSync } from 'node:fs';

const [apiBase, server, tokensFile, concurrencyText, statsUrl] = process.argv.slice(2);
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
const concurrency = Number(concurrencyText);

async function peerMs() {
    return (await (await fetch(statsUrl)).json()).platformFacingMs;
}

// "platform;dur=1.234, upstream;dur=5.678" → { platform: 1.234, upstream: 5.678 }
function serverTiming(response) {
    const timing = {};
    for (const part of (response.headers.get('server-timing') ?? '').split(',')) {
        const [name, ...params] = part.trim().split(';');
        const dur = params.find(p => p.startsWith('dur='));
        if (name && dur) timing[name] = Number(dur.slice(4));
    }
    if (timing.platform === undefined) throw new Error('no Server-Timing header: is this the benchmark host (bench/McpPlatform.BenchHost)?');
    return timing;
}

async function flow(token) {
    const t0 = performance.now();
    const initiate = await fetch(`${apiBase}/api/mcp/${server}/oauth/initiate`, { redirect: 'manual', headers: { authorization: `Bearer ${token}` } });
    const t1 = performance.now();
    let url = initiate.headers.get('location');
    if (initiate.status !== 302 || !url) throw new Error(`initiate answered ${initiate.status}: ${await initiate.text()}`);
    // Initiate binds this "browser" to the flow with a cookie; the callback is refused without it (csrf_validation_failed).
    const binding = initiate.headers.getSetCookie().map(cookie => cookie.split(';')[0]).join('; ');

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
    const delivered = await fetch(callback, { redirect: 'manual', headers: { cookie: binding } });
    const t3 = performance.now();
    const landing = delivered.headers.get('location') ?? '';
    if (!landing.startsWith('/oauth/success')) {
        // The flow's own account of what went wrong (GET /api/mcp/oauth/status/{userId}:{server}).
        const user = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
        const status = await fetch(`${apiBase}/api/mcp/oauth/status/${encodeURIComponent(`${user}:${server}`)}`, { headers: { authorization: `Bearer ${token}` } });
        throw new Error(`callback answered ${delivered.status} ${landing}: ${await status.text()}`);
    }
    const [a, b] = [serverTiming(initiate), serverTiming(delivered)];
    return { wall: (t1 - t0) + (t3 - t2), platform: a.platform + b.platform, upstream: a.upstream + b.upstream };
}

const walls = [];
const platforms = [];
const upstreams = [];
const errors = [];
const peerBefore = await peerMs();
const started = performance.now();
let next = 0;
await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < tokens.length) {
        const token = tokens[next++];
        try {
            const timing = await flow(token);
            walls.push(timing.wall);
            platforms.push(timing.platform);
            upstreams.push(timing.upstream);
        } catch (e) {
            errors.push(String(e.message ?? e));
        }
    }
}));
const elapsed = (performance.now() - started) / 1000;
const peerPerFlow = walls.length ? (await peerMs() - peerBefore) / walls.length : 0;
for (const list of [walls, platforms, upstreams]) list.sort((a, b) => a - b);
const quantile = (list, q) => list.length ? list[Math.min(list.length - 1, Math.floor(list.length * q))] : 0;
const at = (q) => quantile(walls, q);
const round = (v) => Math.round(v * 100) / 100;
console.log(JSON.stringify({
    flows: tokens.length,
    succeeded: walls.length,
    failed: errors.length,
    seconds: round(elapsed),
    wallP50Ms: round(at(0.5)),
    wallP99Ms: round(at(0.99)),
    peerMsPerFlow: round(peerPerFlow),
    platformP50Ms: round(quantile(platforms, 0.5)),
    platformP99Ms: round(quantile(platforms, 0.99)),
    upstreamP50Ms: round(quantile(upstreams, 0.5)),
    wallMinusPeerP50Ms: round(Math.max(0, at(0.5) - peerPerFlow)),
    firstErrors: errors.slice(0, 3),
}));
