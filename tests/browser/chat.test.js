// The web chat page in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven
// by playwright-core, against the real `reframe serve` started here on 127.0.0.1 (a free
// port) with a temporary database, and stopped at the end (SIGTERM must exit 0).
//
// usage: node chat.test.js --reframe BIN --flows DIR --artifacts DIR
// (ctest runs it with NODE_PATH pointing at the node_modules of tests/browser/setup.sh)
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { start_server, stop_server } = require('./server.js');

const overall_timeout_ms = 180000;
const reply_timeout_ms = 30000;
const self_critical = 'im so useless, i cant even do the dishes without my back giving out';

function parse_args(argv) {
  const args = {};
  for (let i = 2; i + 1 < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['reframe', 'flows', 'artifacts']) {
    if (!args[key]) throw new Error('missing --' + key + ' (usage: chat.test.js --reframe BIN --flows DIR --artifacts DIR)');
  }
  return args;
}

function step(text) {
  console.log('browser test: ' + text);
}

// Fails the test on any script error or console error (a CSP violation is one).
function watch_console(page, problems) {
  page.on('pageerror', (error) => problems.push('page error: ' + error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push('console error: ' + message.text());
  });
}

async function bot_count(page) {
  return page.locator('#log .msg-bot').count();
}

// Waits until the bot has said more than `before` messages and the typing indicator is gone.
async function wait_for_reply(page, before) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('#log .msg-bot').length > n && document.getElementById('typing').hidden,
    before, { timeout: reply_timeout_ms });
  // The last message of a reply may still be on its way after a short pause: let it land.
  await page.waitForFunction(() => document.getElementById('typing').hidden, null, { timeout: reply_timeout_ms });
}

async function bot_texts(page) {
  return page.locator('#log .msg-bot .text').allTextContents();
}

async function send(page, text) {
  const before = await bot_count(page);
  await page.locator('#message').fill(text);
  await page.locator('#message').press('Enter');
  await wait_for_reply(page, before);
  return before;
}

async function check_page_basics(page, base) {
  const response = await page.goto(base);
  const csp = response.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'/, 'the page is served with a CSP');
  assert.doesNotMatch(csp, /unsafe-inline/, 'the CSP has no unsafe-inline');
  await wait_for_reply(page, 0);
  assert.equal(await page.locator('#log').getAttribute('aria-live'), 'polite');
  assert.equal(await page.getByLabel('Your message').count(), 1, 'the message box has a label');
  const help = await page.locator('#help-link').getAttribute('href');
  assert.match(help, /^https?:\/\//, 'the get-help link points at the configured resource, got ' + help);
}

// A self-critical message gets a reframe that gives the person's own words back.
async function check_reframe(page) {
  const before = await send(page, self_critical);
  const said = (await bot_texts(page)).slice(before).join(' ');
  assert.match(said, /dishes/i, 'the reply reflects what was said: ' + said);
  assert.doesNotMatch(said, /you are useless/i, 'the reply never agrees with the label');
  return said;
}

// The welcome's quick replies (the first-contact question): choosing one sends its text.
async function check_quick_reply(page) {
  const option = page.locator('#options button.option').last();
  await option.waitFor({ timeout: reply_timeout_ms });
  const label = await option.textContent();
  const before = await bot_count(page);
  await option.click();
  await wait_for_reply(page, before);
  const mine = await page.locator('#log .msg-me .text').allTextContents();
  assert.equal(mine[mine.length - 1], label, 'the quick reply is sent as the person\'s message');
  assert.equal(await page.locator('#options button.option').filter({ hasText: label }).count(), 0,
    'the answered quick replies are gone');
}

// After a reload the conversation is on the screen again and the session resumes.
async function check_resume(page) {
  const shown = await page.locator('#log .msg').count();
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('reframe.chat.v1')).token);
  assert.ok(token && token.length >= 22, 'a session token is kept in this tab');
  await page.reload();
  await page.waitForFunction(() => /carry on/.test(document.getElementById('status').textContent), null,
    { timeout: reply_timeout_ms });
  assert.equal(await page.locator('#log .msg').count(), shown, 'the conversation is shown again after a reload');
  const again = await page.evaluate(() => JSON.parse(sessionStorage.getItem('reframe.chat.v1')).token);
  assert.equal(again, token, 'the same session goes on');
  const before = await send(page, 'my sister would say i did what i could');
  assert.ok((await bot_texts(page)).length > before, 'the conversation goes on after the reload');
}

async function check_escaping(page) {
  const hostile = '<img src=x onerror="document.title=\'owned\'"><b>bold</b>';
  await send(page, hostile);
  const mine = await page.locator('#log .msg-me .text').allTextContents();
  assert.equal(mine[mine.length - 1], hostile, 'text is shown as text');
  assert.equal(await page.locator('#log img, #log b').count(), 0, 'nothing a person writes becomes HTML');
  assert.notEqual(await page.title(), 'owned');
}

async function check_narrow(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, 'no sideways scrolling at 360px (page is ' + width + 'px wide)');
}

async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { id: el.id, cls: el.className, tag: el.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
}

// Keyboard only: skip link, help link, the message box, a quick reply, focus always visible.
async function check_keyboard(page, base) {
  await page.goto(base);
  await wait_for_reply(page, 0);
  await page.keyboard.press('Tab');
  let now = await focused(page);
  assert.equal(now.cls, 'skip', 'the first Tab reaches the skip link');
  assert.ok(now.outline !== 'none' && now.width >= 2, 'focus is visible on the skip link');
  await page.keyboard.press('Tab');
  now = await focused(page);
  assert.equal(now.id, 'help-link', 'the second Tab reaches "Get help now"');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  now = await focused(page);
  assert.equal(now.id, 'message', 'the skip link moves focus to the message box');
  await page.locator('#options button.option').first().waitFor({ timeout: reply_timeout_ms });
  await page.keyboard.press('Shift+Tab');
  now = await focused(page);
  assert.equal(now.cls, 'option', 'Shift+Tab from the message box reaches the quick replies');
  assert.ok(now.outline !== 'none' && now.width >= 2, 'focus is visible on a quick reply');
  let before = await bot_count(page);
  await page.keyboard.press('Enter');
  await wait_for_reply(page, before);
  assert.equal((await focused(page)).id, 'message', 'after a quick reply, focus is back in the message box');
  before = await bot_count(page);
  await page.keyboard.type(self_critical);
  await page.keyboard.press('Enter');
  await wait_for_reply(page, before);
  assert.match((await bot_texts(page)).slice(before).join(' '), /dishes/i, 'typed with the keyboard, answered');
  const animation = await page.evaluate(() => getComputedStyle(document.querySelector('.dots span')).animationName);
  assert.equal(animation, 'none', 'no animation when the person prefers reduced motion');
}

// A token the server does not know (forgotten, or malformed) starts afresh, and this tab
// stops keeping the conversation it no longer belongs to.
async function check_unknown_session(page, base) {
  await page.goto(base);
  await wait_for_reply(page, 0);
  await page.evaluate(() => sessionStorage.setItem('reframe.chat.v1', JSON.stringify(
    { token: 'not-a-token', entries: [{ kind: 'me', text: 'an old conversation' }] })));
  await page.reload();
  await page.waitForFunction(() => /new conversation has started/.test(document.getElementById('log').textContent),
    null, { timeout: reply_timeout_ms });
  const kept = await page.evaluate(() => JSON.parse(sessionStorage.getItem('reframe.chat.v1')));
  assert.notEqual(kept.token, 'not-a-token', 'a new token replaces the unknown one');
  assert.ok(kept.entries.every((e) => e.text !== 'an old conversation'), 'the old conversation is no longer kept: ' + JSON.stringify(kept));
}

async function run(args) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'reframe-browser-'));
  fs.mkdirSync(args.artifacts, { recursive: true });
  const server = await start_server(args.reframe, args.flows, path.join(work, 'browser.db'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const problems = [];
  try {
    const first = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await first.newPage();
    watch_console(page, problems);
    step('page, CSP, labels, help link'); await check_page_basics(page, server.base);
    step('a quick reply'); await check_quick_reply(page);
    step('a self-critical message gets a reframe'); await check_reframe(page);
    step('reload and resume'); await check_resume(page);
    step('text is escaped'); await check_escaping(page);
    step('360px wide'); await check_narrow(page);
    await page.screenshot({ path: path.join(args.artifacts, 'web-chat.png'), fullPage: true });
    const second = await browser.newContext({ viewport: { width: 1024, height: 800 }, reducedMotion: 'reduce' });
    const keyboard_page = await second.newPage();
    watch_console(keyboard_page, problems);
    step('keyboard only'); await check_keyboard(keyboard_page, server.base);
    await keyboard_page.screenshot({ path: path.join(args.artifacts, 'web-chat-keyboard.png'), fullPage: true });
    const third = await browser.newContext();
    const fresh_page = await third.newPage();
    watch_console(fresh_page, problems);
    step('an unknown session starts afresh'); await check_unknown_session(fresh_page, server.base);
    assert.deepEqual(problems, [], 'no script or console errors (CSP violations included)');
  } finally {
    await browser.close();
    const code = await stop_server(server);
    fs.rmSync(work, { recursive: true, force: true });
    assert.equal(code, 0, 'reframe serve exits 0 on SIGTERM');
  }
  step('passed; screenshots in ' + args.artifacts);
}

const watchdog = setTimeout(() => {
  console.error('browser test: timed out after ' + overall_timeout_ms / 1000 + ' s');
  process.exit(1);
}, overall_timeout_ms);

run(parse_args(process.argv)).then(() => clearTimeout(watchdog), (error) => {
  console.error('browser test: FAILED: ' + (error && error.stack ? error.stack : error));
  process.exit(1);
});
