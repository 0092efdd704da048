// The web UI in a real headless Chromium, served by a real `slsk daemon` logged in to our server:
// the login (a wrong password refused, the session kept across a reload), the System screen with the
// server connection live from the event stream, what the page is served with (CSP, caching), and
// screenshots at desktop and phone sizes.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Client } from '../../src/client/index.ts';
import { createDaemonClient, type DaemonClient } from '../../src/daemon/client.ts';
import { daemonConfigYaml, daemonStarted, daemonTestbed, startDaemon } from '../cli/daemon-child.ts';
import { cleanEnv, SlskChild } from '../cli/slsk-child.ts';
import { assertWebBuilt, launchBrowser, SCREENSHOTS, seriousA11yViolations } from './browser.ts';

const bed = daemonTestbed();
const DEADLINE_MS = 20_000;

describe('the web UI', () => {
  let browser: Browser;
  let url = '';
  let login = { username: '', password: '' };
  let music = '';
  let daemonApi: DaemonClient;
  /** Someone to talk to: a library client in this process. */
  let carol: Client;
  /** alice's share name (her folder's name), the first part of her virtual paths. */
  let aliceShare = '';

  before(async () => {
    assertWebBuilt();
    const server = await bed.startServer();
    const data = bed.tempDir('slsk-web-data-');
    music = bed.tempDir('slsk-web-music-');
    writeFileSync(join(music, 'song.mp3'), 'x');
    const configFile = join(data, 'daemon.yaml');
    writeFileSync(configFile, daemonConfigYaml({ serverPort: server.port, password: 'daemon-pw', data, music }));
    const child = startDaemon(configFile, bed.children);
    url = (await daemonStarted(child)).url;
    daemonApi = createDaemonClient({ baseUrl: url, token: readFileSync(join(data, 'daemon.token'), 'utf8').trim() });

    // alice shares an album with a disc folder, from a `slsk share` process of her own.
    const aliceMusic = bed.tempDir('slsk-web-alice-');
    aliceShare = basename(aliceMusic);
    mkdirSync(join(aliceMusic, 'Album', 'CD1'), { recursive: true });
    writeFileSync(join(aliceMusic, 'Album', 'CD1', '01 - First.mp3'), 'a'.repeat(20_000));
    writeFileSync(join(aliceMusic, 'Album', 'cover.jpg'), 'c'.repeat(3_000));
    mkdirSync(join(aliceMusic, 'Second', 'CD2'), { recursive: true });
    writeFileSync(join(aliceMusic, 'Second', 'CD2', '02 - Encore.mp3'), 'e'.repeat(15_000));
    writeFileSync(join(aliceMusic, 'Second', 'notes.txt'), 'n'.repeat(500));
    mkdirSync(join(aliceMusic, 'Third', 'Disc 1'), { recursive: true });
    writeFileSync(join(aliceMusic, 'Third', 'Disc 1', '01 - Opening.flac'), 'f'.repeat(12_000));
    writeFileSync(join(aliceMusic, 'Third', 'booklet.txt'), 'b'.repeat(700));
    const alice = new SlskChild(
      ['share', aliceMusic, '--data', bed.tempDir('slsk-web-alice-data-'), '--json', '--server', `127.0.0.1:${server.port}`, '--username', 'alice', '--password', 'pw', '--listen-host', '127.0.0.1'],
      cleanEnv(),
      120_000,
    );
    bed.children.push(alice);
    await alice.waitFor(/"event":"online"/, 'stdout', DEADLINE_MS);
    carol = new Client({ listenPort: 0, listenHost: '127.0.0.1', distributed: false, reconnect: false });
    await carol.login({ server: `127.0.0.1:${server.port}`, username: 'carol', password: 'pw' });
    await carol.joinRoom('lobby');
    // carol shares one folder (answered from this process: a browse needs no files on disk).
    const listed = { filename: 'carol song.mp3', size: 1000n, extension: 'mp3', locked: false, attributes: [] };
    carol.setSharesProvider({ shares: async () => ({ folders: [{ name: 'Carol\\Mix', files: [listed] }], lockedFolders: [] }), folder: () => undefined });
    const printed = await child.waitFor(/"event":"password","username":"([^"]+)","password":"([^"]+)"/, 'stdout', DEADLINE_MS);
    login = { username: printed[1]!, password: printed[2]! };
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await carol?.close();
    await browser?.close();
  });

  /** A fresh context logged in; `bypassCSP` only where axe is injected (see seriousA11yViolations). */
  async function loggedInPage(viewport = { width: 1280, height: 800 }, options: { bypassCSP?: boolean } = {}): Promise<Page> {
    const page = await browser.newPage({ viewport, ...options });
    await page.goto(url);
    await page.getByLabel('Username').fill(login.username);
    await page.getByLabel('Password').fill(login.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).waitFor({ timeout: DEADLINE_MS });
    return page;
  }

  test('a wrong password is refused; the right one opens the screens, and a reload keeps the session', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByRole('heading', { name: 'slsk-ts' }).waitFor({ timeout: DEADLINE_MS });
    await page.screenshot({ path: join(SCREENSHOTS, 'login-desktop.png') });
    await page.getByLabel('Username').fill(login.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.equal(await page.getByRole('alert').textContent({ timeout: DEADLINE_MS }), 'Wrong username or password.');
    await page.getByLabel('Password').fill(login.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Search is the first screen; the one chosen is in the address, so a reload keeps it too.
    await page.getByRole('heading', { name: 'Search' }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('link', { name: 'System' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'System' }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Password').waitFor({ timeout: DEADLINE_MS });
    await page.reload();
    await page.getByLabel('Password').waitFor({ timeout: DEADLINE_MS });
    await page.close();
  });

  test('System shows the server connection live: disconnect, then connect again arrives through the event stream', async () => {
    const page = await loggedInPage();
    await page.getByRole('link', { name: 'System' }).click();
    const state = page.getByTestId('server-state');
    await page.getByText('Logged in', { exact: true }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('status', { name: 'Live updates' }).filter({ hasText: /^Live$/ }).waitFor({ timeout: DEADLINE_MS });
    await page.screenshot({ path: join(SCREENSHOTS, 'system-desktop.png') });
    const log = page.getByRole('list', { name: 'Log, newest first' }).getByRole('listitem');
    const linesBefore = await log.count();
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText('Disconnected', { exact: true }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('button', { name: 'Connect' }).click();
    // The reply says it is connecting; the login itself is an event.
    await page.getByText('Logged in', { exact: true }).waitFor({ timeout: DEADLINE_MS });
    assert.equal(await state.textContent(), 'Logged in');
    // The daemon's log lines about it arrived live too.
    await log.nth(linesBefore).waitFor({ timeout: DEADLINE_MS });
    await page.close();
  });

  test('Shares lists the shared folder with its counts, and a rescan shows its progress and the new counts', async () => {
    const page = await loggedInPage();
    await page.getByRole('link', { name: 'Shares' }).click();
    await page.getByRole('heading', { name: 'Shares' }).waitFor({ timeout: DEADLINE_MS });
    const table = page.getByRole('table', { name: 'Shared folders' });
    const row = table.getByRole('row').nth(1);
    await row.getByRole('cell').nth(3).filter({ hasText: /^1$/ }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('status', { name: 'Scan state' }).filter({ hasText: /^Last scan finished/ }).waitFor({ timeout: DEADLINE_MS });
    await page.screenshot({ path: join(SCREENSHOTS, 'shares-desktop.png') });

    writeFileSync(join(music, 'another.mp3'), 'y');
    await page.getByRole('button', { name: 'Rescan' }).click();
    // The files column (after name, disk folder, visibility and folders) follows the scan's end.
    await row.getByRole('cell').nth(3).filter({ hasText: /^2$/ }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('status', { name: 'Scan state' }).filter({ hasText: /2 files, 1 added/ }).waitFor({ timeout: DEADLINE_MS });
    await page.reload();
    await page.getByRole('heading', { name: 'Shares' }).waitFor({ timeout: DEADLINE_MS });
    await page.close();
  });

  test('no serious or critical accessibility finding (axe-core) on any screen, light or dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const anonymous = await browser.newPage({ bypassCSP: true, colorScheme });
      await anonymous.goto(url);
      await anonymous.getByLabel('Password').waitFor({ timeout: DEADLINE_MS });
      assert.deepEqual(await seriousA11yViolations(anonymous), [], `login (${colorScheme})`);
      await anonymous.close();
      const page = await loggedInPage({ width: 1280, height: 800 }, { bypassCSP: true });
      await page.emulateMedia({ colorScheme });
      for (const screen of ['Search', 'Transfers', 'Browse', 'Chat', 'Users', 'Shares', 'System']) {
        await page.getByRole('link', { name: screen }).click();
        await page.getByRole('heading', { name: screen }).waitFor({ timeout: DEADLINE_MS });
        assert.deepEqual(await seriousA11yViolations(page), [], `${screen} (${colorScheme})`);
      }
      await page.close();
    }
  });

  test('Transfers: a folder download appears live, completes, and is removed and cleared from the page', async () => {
    const page = await loggedInPage();
    await page.getByRole('link', { name: 'Transfers' }).click();
    await page.getByRole('heading', { name: 'Transfers' }).waitFor({ timeout: DEADLINE_MS });
    await page.getByText('No downloads.').waitFor({ timeout: DEADLINE_MS });

    // Asked for through the API (the Search and Browse screens come later): the page learns of it from events.
    const group = await daemonApi.enqueueFolder({ body: { username: 'alice', folder: `${aliceShare}\\Album` } });
    assert.equal(group.files.length, 2);
    const list = page.getByRole('list', { name: 'Downloads' });
    await list.getByText('alice', { exact: false }).first().waitFor({ timeout: DEADLINE_MS });
    for (const name of ['CD1\\01 - First.mp3', 'cover.jpg']) {
      await list.getByRole('listitem').filter({ hasText: name }).filter({ hasText: 'completed' }).waitFor({ timeout: DEADLINE_MS });
      assert.equal(await list.getByRole('progressbar', { name: `${name}: 100 %` }).count(), 1, name);
    }
    await page.getByRole('status', { name: 'Transfer totals' }).filter({ hasText: /^2 files/ }).waitFor({ timeout: DEADLINE_MS });
    await page.screenshot({ path: join(SCREENSHOTS, 'transfers-desktop.png') });

    await list.getByRole('button', { name: 'Remove cover.jpg' }).click();
    await list.getByRole('listitem').filter({ hasText: 'cover.jpg' }).waitFor({ state: 'detached', timeout: DEADLINE_MS });
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await page.getByText('No downloads.').waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('button', { name: 'Uploads' }).click();
    await page.getByRole('button', { name: 'Uploads', pressed: true }).waitFor({ timeout: DEADLINE_MS });
    await page.close();
  });

  test('Search: results stream in, the filter box narrows them as they come, a folder is downloaded with its subfolders', async () => {
    const page = await loggedInPage();
    await page.getByRole('heading', { name: 'Search' }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('searchbox', { name: 'Search for' }).fill('encore');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('list', { name: 'Results' });
    await results.getByRole('listitem').filter({ hasText: '02 - Encore.mp3' }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('status', { name: 'Search progress' }).filter({ hasText: /1 of 1 files from 1 user$/ }).waitFor({ timeout: DEADLINE_MS });
    await page.screenshot({ path: join(SCREENSHOTS, 'search-desktop.png') });

    const filter = page.getByRole('textbox', { name: 'Filter results' });
    await filter.fill('ext:flac');
    await results.getByRole('listitem').filter({ hasText: '02 - Encore.mp3' }).waitFor({ state: 'detached', timeout: DEADLINE_MS });
    await filter.fill('ext:mp3 size:>10k');
    await results.getByRole('listitem').filter({ hasText: '02 - Encore.mp3' }).waitFor({ timeout: DEADLINE_MS });
    await filter.fill('"size:');
    await page.getByRole('alert').filter({ hasText: /^Filter:/ }).waitFor({ timeout: DEADLINE_MS });
    await filter.fill('');

    // A second search opens beside the first, which keeps its results; a closed one comes back from the history.
    await page.getByRole('searchbox', { name: 'Search for' }).fill('booklet');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await results.getByRole('listitem').filter({ hasText: 'booklet.txt' }).waitFor({ timeout: DEADLINE_MS });
    const searches = page.getByRole('tablist', { name: 'Searches' });
    await searches.getByRole('tab', { name: /^encore/ }).click();
    await results.getByRole('listitem').filter({ hasText: '02 - Encore.mp3' }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('button', { name: 'Close search booklet' }).click();
    assert.equal(await searches.getByRole('tab').count(), 1);
    const earlier = page.getByRole('combobox', { name: 'Earlier searches' });
    await earlier.getByRole('option', { name: /^booklet/ }).waitFor({ state: 'attached', timeout: DEADLINE_MS });
    await earlier.selectOption({ label: (await earlier.getByRole('option', { name: /^booklet/ }).textContent()) ?? '' });
    await results.getByRole('listitem').filter({ hasText: 'booklet.txt' }).waitFor({ timeout: DEADLINE_MS });
    await searches.getByRole('tab', { name: /^encore/ }).click();
    await results.getByRole('listitem').filter({ hasText: '02 - Encore.mp3' }).waitFor({ timeout: DEADLINE_MS });

    // The result's folder is CD2; its parent, with the notes beside it, is a search for the whole album.
    await results.getByRole('button', { name: `Download folder ${aliceShare}\\Second\\CD2 from alice` }).click();
    await page.getByRole('status').filter({ hasText: 'CD2: 1 file queued.' }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('link', { name: 'Transfers' }).click();
    const downloads = page.getByRole('list', { name: 'Downloads' });
    await downloads.getByRole('listitem').filter({ hasText: '02 - Encore.mp3' }).filter({ hasText: 'completed' }).waitFor({ timeout: DEADLINE_MS });
    // Asked for again, the file on disk is recognised and not fetched twice.
    await page.goBack();
    await results.getByRole('button', { name: `Download folder ${aliceShare}\\Second\\CD2 from alice` }).click();
    await page.getByRole('status').filter({ hasText: 'CD2: 0 files queued, 1 already downloaded.' }).waitFor({ timeout: DEADLINE_MS });
    // A result's folder opens in Browse, selected, the way to it opened.
    await results.getByRole('button', { name: `Browse ${aliceShare}\\Second\\CD2 of alice` }).click();
    await page.getByRole('heading', { name: 'Browse', level: 1 }).waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('table', { name: 'Files in CD2' }).getByText('02 - Encore.mp3').waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('list', { name: 'Shares of alice' }).getByRole('button', { name: 'CD2', exact: true, pressed: true }).waitFor({ timeout: DEADLINE_MS });
    await page.close();
  });

  test('Chat: join a room and talk there, then privately; what arrives elsewhere counts as unread', async () => {
    const page = await loggedInPage();
    await page.getByRole('link', { name: 'Chat' }).click();
    await page.getByRole('heading', { name: 'Chat' }).waitFor({ timeout: DEADLINE_MS });
    // The server's room list, filtered: carol is in lobby.
    await page.getByText('All rooms', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Filter rooms' }).fill('lob');
    const listed = page.getByRole('list', { name: 'All rooms' });
    await listed.getByRole('listitem').filter({ hasText: 'lobby (1)' }).waitFor({ timeout: DEADLINE_MS });
    await listed.getByRole('button', { name: 'Join lobby' }).click();
    const lobby = page.getByRole('list', { name: 'Messages in lobby' });
    await lobby.waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('complementary', { name: 'Members' }).getByText('carol').waitFor({ timeout: DEADLINE_MS });

    carol.sayInRoom('lobby', 'hello from carol');
    await lobby.getByText('hello from carol').waitFor({ timeout: DEADLINE_MS });
    const heard = new Promise<string>((resolve) => {
      const listener = (message: { room: string; username: string; text: string }): void => {
        if (message.username !== 'daemonuser') return;
        carol.off('roomMessage', listener);
        resolve(message.text);
      };
      carol.on('roomMessage', listener);
    });
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('hi carol, from the web');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    assert.equal(await heard, 'hi carol, from the web');
    await lobby.getByText('hi carol, from the web').waitFor({ timeout: DEADLINE_MS });
    assert.equal(await lobby.getByText('hi carol, from the web').count(), 1, 'the reply and the echo are one line');

    // A private message while the room is open: an unread count on carol's conversation.
    carol.sendPrivateMessage('daemonuser', 'psst, web');
    const side = page.getByRole('navigation', { name: 'Conversations' });
    await side.getByRole('button', { name: /carol.*1 unread/ }).click({ timeout: DEADLINE_MS });
    const withCarol = page.getByRole('list', { name: 'Messages with carol' });
    await withCarol.getByText('psst, web').waitFor({ timeout: DEADLINE_MS });
    const answered = new Promise<string>((resolve) => carol.once('privateMessage', (message) => resolve(message.text)));
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('got it');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    assert.equal(await answered, 'got it');
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-desktop.png') });
    const [conversation] = (await daemonApi.conversations({ query: {} })).filter((c) => c.username === 'carol');
    assert.equal(conversation?.unread, 0, 'opening the conversation marked it read');
    await page.close();
  });

  test('Browse: two users in tabs, a tree with counts and a filter, and a folder downloaded with its subfolders', async () => {
    const page = await loggedInPage();
    await page.getByRole('link', { name: 'Browse' }).click();
    const who = page.getByRole('textbox', { name: 'User to browse' });
    await who.fill('alice');
    await page.getByRole('button', { name: 'Browse', exact: true }).click();
    const tree = page.getByRole('list', { name: 'Shares of alice' });
    await tree.getByRole('button', { name: 'Third', exact: true }).click({ timeout: DEADLINE_MS });
    await page.getByRole('table', { name: 'Files in Third' }).getByText('booklet.txt').waitFor({ timeout: DEADLINE_MS });
    await tree.getByRole('button', { name: 'Open Third' }).click();
    await tree.getByRole('button', { name: 'Disc 1', exact: true }).waitFor({ timeout: DEADLINE_MS });
    assert.match((await tree.getByRole('listitem').filter({ hasText: /^.*Third.*/ }).first().textContent()) ?? '', /2 files/);

    await page.getByRole('textbox', { name: 'Filter folders' }).fill('disc 1');
    await tree.getByRole('button', { name: 'Album', exact: true }).waitFor({ state: 'detached', timeout: DEADLINE_MS });
    await tree.getByRole('button', { name: 'Disc 1', exact: true }).waitFor({ timeout: DEADLINE_MS });
    await page.screenshot({ path: join(SCREENSHOTS, 'browse-desktop.png') });
    await page.getByRole('button', { name: 'Download folder' }).click();
    await page.getByRole('status').filter({ hasText: 'Third: 2 files queued.' }).waitFor({ timeout: DEADLINE_MS });

    await who.fill('carol');
    await page.getByRole('button', { name: 'Browse', exact: true }).click();
    await page.getByRole('list', { name: 'Shares of carol' }).getByRole('button', { name: 'Mix', exact: true }).click({ timeout: DEADLINE_MS });
    await page.getByRole('table', { name: 'Files in Mix' }).getByText('carol song.mp3').waitFor({ timeout: DEADLINE_MS });
    const tabs = page.getByRole('tablist', { name: 'Users browsed' });
    assert.deepEqual(await tabs.getByRole('tab').allTextContents(), ['alice', 'carol']);
    await tabs.getByRole('tab', { name: 'alice' }).click();
    assert.equal(await page.getByRole('textbox', { name: 'Filter folders' }).inputValue(), 'disc 1', "alice's tab kept its filter");

    await page.getByRole('link', { name: 'Transfers' }).click();
    const downloads = page.getByRole('list', { name: 'Downloads' });
    for (const name of ['Disc 1\\01 - Opening.flac', 'booklet.txt']) {
      await downloads.getByRole('listitem').filter({ hasText: name }).filter({ hasText: 'completed' }).waitFor({ timeout: DEADLINE_MS });
    }
    await page.close();
  });

  test('Users: a user looked up (the server\'s figures and its own), made a buddy with a note that is kept, ignored and forgiven', async () => {
    const page = await loggedInPage();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('textbox', { name: 'User to look up' }).fill('alice');
    await page.getByRole('button', { name: 'Look up' }).click();
    const about = page.getByRole('region', { name: 'About alice' });
    await about.getByText('online').waitFor({ timeout: DEADLINE_MS });
    await about.getByText(/^\d+ \(one free\), 0 queued$/).waitFor({ timeout: DEADLINE_MS });
    assert.match((await about.textContent()) ?? '', /6 files in \d+ folders/);

    await about.getByRole('button', { name: 'Add buddy' }).click();
    const buddies = page.getByRole('table', { name: 'Buddies' });
    await buddies.getByRole('row').filter({ hasText: 'alice' }).filter({ hasText: 'online' }).waitFor({ timeout: DEADLINE_MS });
    const note = buddies.getByRole('textbox', { name: 'Note for alice' });
    await note.fill('shares good albums');
    await note.press('Enter');
    await note.blur();
    await page.reload();
    await page.getByRole('table', { name: 'Buddies' }).getByRole('textbox', { name: 'Note for alice' }).waitFor({ timeout: DEADLINE_MS });
    assert.equal(await page.getByRole('textbox', { name: 'Note for alice' }).inputValue(), 'shares good albums', 'the note is kept by the daemon');
    await page.getByRole('button', { name: 'Remove buddy alice' }).click();
    await page.getByText('No buddies yet', { exact: false }).waitFor({ timeout: DEADLINE_MS });

    await page.getByRole('textbox', { name: 'User to look up' }).fill('carol');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('region', { name: 'About carol' }).getByRole('button', { name: 'Ignore' }).click();
    await page.getByRole('button', { name: 'Stop ignoring carol' }).waitFor({ timeout: DEADLINE_MS });
    assert.deepEqual((await daemonApi.ignoredUsers()).map((u) => u.username), ['carol']);
    await page.screenshot({ path: join(SCREENSHOTS, 'users-desktop.png') });
    await page.getByRole('button', { name: 'Stop ignoring carol' }).click();
    await page.getByText('Nobody.').waitFor({ timeout: DEADLINE_MS });
    await page.close();
  });

  test('at phone width every screen fits and every control stays on screen', async () => {
    const page = await loggedInPage({ width: 360, height: 740 });
    await page.getByRole('link', { name: 'System' }).click();
    await page.getByText('Logged in', { exact: true }).waitFor({ timeout: DEADLINE_MS });
    // Evaluated in the page (a string: this file is type-checked without the DOM's types).
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, 'no horizontal scrolling');
    for (const name of ['Log out', 'Disconnect']) {
      const box = await page.getByRole('button', { name }).boundingBox();
      assert.ok(box !== null && box.x >= 0 && box.x + box.width <= 360, `${name}: ${JSON.stringify(box)}`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'system-phone.png'), fullPage: true });
    // Every other screen at phone width too: nothing wider than the screen, and a picture of each.
    for (const screen of ['Search', 'Transfers', 'Browse', 'Chat', 'Users', 'Shares']) {
      await page.getByRole('link', { name: screen }).click();
      await page.getByRole('heading', { name: screen, level: 1 }).waitFor({ timeout: DEADLINE_MS });
      assert.equal(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0, `${screen}: no horizontal scrolling`);
      await page.screenshot({ path: join(SCREENSHOTS, `${screen.toLowerCase()}-phone.png`), fullPage: true });
    }
    await page.close();
  });

  test('the page is served with a policy that keeps it to the daemon, hashed files cached for good, the API untouched', async (t) => {
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'.*connect-src 'self'/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const html = await page.text();
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script !== undefined, html);
    const asset = await fetch(url + script);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(asset.headers.get('content-type') ?? '', /^text\/javascript/);
    // A screen's own address gets the page; the API keeps its JSON 404.
    assert.equal(await (await fetch(`${url}/transfers/downloads`)).text(), html);
    const missing = await fetch(`${url}/api/v1/no-such-route`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\/json/);
    t.diagnostic(`screenshots in ${SCREENSHOTS}`);
  });
});
