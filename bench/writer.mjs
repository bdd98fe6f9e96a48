// Background writer for scripts/bench.sh: changes servers of a user of its own through the API (PATCH
// /api/mcp/servers/{name}, a new title each time, the servers in turn) at a steady rate, so that the application's
// registry revision moves as it does when users edit servers, while a row is measured. Writes start on a fixed
// schedule whether or not the previous one has answered; taking the servers in turn keeps two writes in flight from
// changing the same server at once. Runs until SIGTERM, then prints one JSON object.
//
//   node bench/writer.mjs <apiBase> <token> <serverName[,serverName...]> <writesPerSecond> <url>
const [apiBase, token, serverList, rateText, url] = process.argv.slice(2);
const rate = Number(rateText);
const servers = (serverList ?? '').split(',').filter(Boolean);
if (!apiBase || !token || servers.length === 0 || !(rate > 0) || !url) throw new Error('usage: writer.mjs <apiBase> <token> <serverName[,serverName...]> <writesPerSecond> <url>');

let started = 0, ok = 0, failed = 0, inFlight = 0;
const latencies = [];
const errors = [];
const t0 = performance.now();

async function write() {
    const n = ++started;
    inFlight++;
    const at = performance.now();
    try {
        const response = await fetch(`${apiBase}/api/mcp/servers/${servers[n % servers.length]}`, {
            method: 'PATCH',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ config: { type: 'streamable-http', url, title: `Bench writer ${n}` } }),
        });
        const text = await response.text();
        if (response.ok) ok++;
        else { failed++; if (errors.length < 3) errors.push(`${response.status}: ${text.slice(0, 200)}`); }
    } catch (e) {
        failed++;
        if (errors.length < 3) errors.push(String(e.message ?? e));
    } finally {
        inFlight--;
        latencies.push(performance.now() - at);
    }
}

const interval = 1000 / rate;
let next = performance.now();
function schedule() {
    void write();
    next += interval;
    timer = setTimeout(schedule, Math.max(0, next - performance.now()));
}
let timer = setTimeout(schedule, 0);

process.on('SIGTERM', () => {
    clearTimeout(timer);
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const p50 = latencies.length ? latencies[Math.floor(latencies.length / 2)] : 0;
    console.log(JSON.stringify({
        rate, seconds: Math.round(seconds * 100) / 100, started, ok, failed, inFlight,
        achievedPerSecond: Math.round((ok / seconds) * 100) / 100, p50Ms: Math.round(p50 * 100) / 100, firstErrors: errors,
    }));
    process.exit(0);
});
