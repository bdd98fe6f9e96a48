// A person's path through Swagger UI in headless Chromium (puppeteer-core drives the Debian chromium; nothing is downloaded).
//
//   node swagger-walkthrough.mjs   with the environment:
//     WALK_BASE_URL     the API, e.g. http://localhost:PORT
//     WALK_TOKEN        the development JWT pasted into Authorize
//     WALK_MCP_URL      the MCP server the new server entry points at
//     WALK_TITLE        the title of that entry
//     WALK_SHOTS        folder for the screenshots
//     WALK_CHROMIUM     the browser binary (default /usr/bin/chromium)
//     WALK_TIMEOUT_MS   bound of every wait (default 20000)
//
// Prints one JSON object per line and step: {"step", "ok", "screenshot", ...what the page showed}. The C# test
// (EndToEnd/SwaggerBrowserTests.cs) asserts on those values. A step that cannot be done prints {"ok": false, "error"}
// with a screenshot of the page at that moment, and the script exits 1.

import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const baseUrl = required('WALK_BASE_URL').replace(/\/$/, '');
const token = required('WALK_TOKEN');
const mcpUrl = required('WALK_MCP_URL');
const title = required('WALK_TITLE');
const shots = required('WALK_SHOTS');
const chromium = process.env.WALK_CHROMIUM || '/usr/bin/chromium';
const timeout = Number(process.env.WALK_TIMEOUT_MS || 20000);

fs.mkdirSync(shots, { recursive: true });

function required(name) {
    const value = process.env[name];
    if (!value) {
        console.log(JSON.stringify({ step: 'arguments', ok: false, error: `${name} is not set` }));
        process.exit(2);
    }
    return value;
}

function report(result) {
    console.log(JSON.stringify(result));
}

let current = 'launch';
let counter = 0;
let browser = null;
let page = null;

async function shot(name, element) {
    counter += 1;
    const file = path.join(shots, `${String(counter).padStart(2, '0')}-${name}.png`);
    if (element) {
        await element.scrollIntoView();
        await element.screenshot({ path: file });
    } else {
        await page.screenshot({ path: file });
    }
    return file;
}

async function step(name, action) {
    current = name;
    const started = Date.now();
    const result = await action();
    report({ step: name, ok: true, ms: Date.now() - started, ...result });
    return result;
}

/** The operation block of METHOD PATH, expanded, with "Try it out" pressed. */
async function openOperation(method, apiPath) {
    const block = await page.waitForSelector(
        `::-p-xpath(//div[contains(concat(' ', normalize-space(@class), ' '), ' opblock-${method} ')][.//*[contains(@class,'opblock-summary-path')][@data-path='${apiPath}']])`);
    if (!(await block.evaluate(b => b.classList.contains('is-open')))) {
        const summary = await block.waitForSelector('.opblock-summary-control, .opblock-summary');
        await summary.click();
    }
    const tryOut = await block.waitForSelector('button.try-out__btn');
    if ((await tryOut.evaluate(b => b.textContent.trim())) === 'Try it out') {
        await tryOut.click();
    }
    await block.waitForSelector('button.execute');
    return block;
}

/** Presses Execute and waits for the live response; what the page shows for it. */
async function execute(block) {
    const button = await block.waitForSelector('button.execute');
    await button.click();
    const status = await block.waitForSelector('.live-responses-table .response .response-col_status');
    const code = (await status.evaluate(s => s.textContent)).trim();
    const body = await block.$('.live-responses-table .response-col_description .highlight-code pre, .live-responses-table .response-col_description pre.microlight');
    const text = body ? (await body.evaluate(b => b.textContent)).trim() : '';
    return { status: code, body: text };
}

async function typeInto(handle, text) {
    await handle.click();
    await handle.evaluate(el => el.select && el.select());
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.press('Backspace');
    await handle.type(text);
}

try {
    browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        // Tests run as root in containers: no sandbox (it needs user namespaces), and /dev/shm may be tiny.
        args: ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
        defaultViewport: { width: 1280, height: 900 },
        timeout,
    });
    page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(timeout);
    const version = await browser.version();

    await step('swagger-ui', async () => {
        await page.goto(`${baseUrl}/swagger/index.html`, { waitUntil: 'networkidle0' });
        await page.waitForSelector('.swagger-ui .info .title');
        await page.waitForSelector('.opblock');
        const heading = await page.$eval('.swagger-ui .info .title', h => h.textContent.trim());
        const operations = await page.$$eval('.opblock', blocks => blocks.length);
        return { browser: version, url: page.url(), heading, operations, screenshot: await shot('swagger-ui') };
    });

    await step('authorize', async () => {
        await (await page.waitForSelector('.auth-wrapper button.authorize')).click();
        const modal = await page.waitForSelector('.modal-ux');
        const input = await modal.waitForSelector('.auth-container input');
        await input.type(token);
        await (await modal.waitForSelector('.auth-btn-wrapper button.authorize')).click();
        // Once accepted, the modal offers Logout instead of Authorize and says "Authorized".
        await modal.waitForSelector('::-p-xpath(.//button[normalize-space()="Logout"])');
        const modalText = await modal.evaluate(m => m.innerText);
        const modalShot = await shot('authorize-dialog', modal);
        await (await modal.waitForSelector('button.btn-done')).click();
        await page.waitForSelector('.modal-ux', { hidden: true });
        const locked = await page.$eval('.auth-wrapper button.authorize', b => b.classList.contains('locked'));
        return { modalText, locked, modalScreenshot: modalShot, screenshot: await shot('authorized') };
    });

    const created = await step('create-server', async () => {
        const block = await openOperation('post', '/api/mcp/servers');
        const textarea = await block.waitForSelector('textarea.body-param__text');
        await typeInto(textarea, JSON.stringify({ config: { type: 'streamable-http', url: mcpUrl, title } }, null, 2));
        const response = await execute(block);
        let serverName = null;
        try {
            serverName = JSON.parse(response.body).serverName ?? null;
        } catch {
            // Not JSON: the test shows the body.
        }
        return { ...response, serverName, screenshot: await shot('create-server', block) };
    });
    if (!created.serverName) {
        throw new Error(`the create response shows no serverName: ${created.status} ${created.body}`);
    }

    const reinit = await step('reinitialize', async () => {
        const block = await openOperation('post', '/api/mcp/{serverName}/reinitialize');
        const input = await block.waitForSelector('tr[data-param-name="serverName"] input');
        await typeInto(input, created.serverName);
        const response = await execute(block);
        let oauthUrl = null;
        let oauthRequired = null;
        try {
            ({ oauthUrl = null, oauthRequired = null } = JSON.parse(response.body));
        } catch {
            // Not JSON: the test shows the body.
        }
        return { ...response, oauthRequired, oauthUrl, screenshot: await shot('reinitialize', block) };
    });
    if (!reinit.oauthUrl) {
        throw new Error(`the reinitialize response shows no oauthUrl: ${reinit.status} ${reinit.body}`);
    }

    await step('authorization', async () => {
        // The demo authorization server approves at once and redirects to the platform's callback, which redirects
        // to its success page.
        await page.goto(reinit.oauthUrl, { waitUntil: 'load' });
        await page.waitForFunction(() => location.pathname.startsWith('/oauth/'));
        const heading = await page.$eval('h1', h => h.textContent.trim());
        const message = await page.$eval('#message', p => p.textContent.trim());
        return { url: page.url(), heading, message, screenshot: await shot('oauth-success') };
    });

    await step('tools', async () => {
        await page.goto(`${baseUrl}/swagger/index.html`, { waitUntil: 'networkidle0' });
        await page.waitForSelector('.opblock');
        const locked = await page.$eval('.auth-wrapper button.authorize', b => b.classList.contains('locked'));
        const block = await openOperation('get', '/api/mcp/tools');
        const response = await execute(block);
        return { ...response, locked, screenshot: await shot('tools', block) };
    });

    report({ step: 'done', ok: true });
    await browser.close();
} catch (error) {
    let screenshot = null;
    let html = null;
    let url = null;
    let screenshotError = null;
    if (page) {
        try {
            url = page.url();
            screenshot = await shot(`failed-${current}`);
            html = path.join(shots, `failed-${current}.html`);
            fs.writeFileSync(html, await page.content());
        } catch (shotError) {
            screenshotError = String(shotError);   // the page is gone too
        }
    }
    report({ step: current, ok: false, error: String(error?.stack || error), url, screenshot, screenshotError, html });
    await browser?.close().catch(() => {});
    process.exit(1);
}
