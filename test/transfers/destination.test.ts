// Download destinations: the relative path each layout gives (tables written by hand), folder
// downloads keeping their subfolders, a hostile table of remote paths that must all stay inside the
// downloads folder, the requested subfolder refused when it tries to leave, and a seeded property
// test: whatever the components, the result is inside.

import assert from 'node:assert/strict';
import { relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import {
  DESTINATION_LAYOUTS,
  DestinationError,
  destinationFor,
  insideDownloads,
  localFileName,
  type DestinationLayout,
  type DestinationRequest,
} from '../../src/transfers/index.ts';
import { mulberry32 } from '../support/seeded-random.ts';

const ROOT = resolve('/srv/downloads');

function relativeFor(request: Partial<DestinationRequest> & { remotePath: string }): string {
  return destinationFor(ROOT, { layout: 'remote-parent', username: 'alice', ...request }).relativePath;
}

describe('layouts for single files', () => {
  const table: Array<[DestinationLayout, string, string]> = [
    ['remote-parent', '@@abcde\\Music\\Artist\\Album\\01.flac', 'Album/01.flac'],
    ['remote-parent', 'C:\\Users\\bob\\Music\\Björk\\Homogenic\\06 - Jóga.flac', 'Homogenic/06 - Jóga.flac'],
    ['remote-parent', '@@abcde\\01.flac', '@@abcde/01.flac'],
    ['remote-parent', '01.flac', '01.flac'],
    ['remote-parent', 'Music/Artist/Album\\01.flac', 'Album/01.flac'],
    ['remote-parent', 'x\\Album: Live? <2001> "best" | *\\01.flac', 'Album_ Live_ _2001_ _best_ _ _/01.flac'],
    ['flat', '@@abcde\\Music\\Artist\\Album\\01.flac', '01.flac'],
    ['by-user', '@@abcde\\Music\\Artist\\Album\\01.flac', 'alice/Album/01.flac'],
    ['by-user', '01.flac', 'alice/01.flac'],
    ['album', '@@abcde\\Music\\Artist\\Album\\01.flac', 'Album/01.flac'],
    ['album', '@@abcde\\Music\\Artist\\Album\\CD1\\01.flac', 'Album/CD1/01.flac'],
    ['album', 'Music\\Album\\Disc 2 - Bonus\\01.flac', 'Album/Disc 2 - Bonus/01.flac'],
    ['album', 'Music\\Album\\disk_03\\01.flac', 'Album/disk_03/01.flac'],
    ['album', 'Music\\Discovery\\01.flac', 'Discovery/01.flac'],
    ['album', 'CD1\\01.flac', 'CD1/01.flac'],
    ['mirror', '@@abcde\\Music\\Artist\\Album\\01.flac', 'Music/Artist/Album/01.flac'],
    ['mirror', 'C:\\Users\\bob\\01.flac', 'Users/bob/01.flac'],
    ['mirror', '@@abcde\\01.flac', '01.flac'],
  ];
  for (const [layout, remotePath, expected] of table) {
    test(`${layout}: ${remotePath}`, () => assert.equal(relativeFor({ layout, remotePath }), expected));
  }

  test('the absolute folder is the one to hand to download({ to }), and the name is the transfer manager\'s', () => {
    const destination = destinationFor(ROOT, { layout: 'by-user', username: 'bob', remotePath: '@@x\\Music\\Album\\a:b.flac' });
    assert.deepEqual(destination, {
      folders: ['bob', 'Album'],
      fileName: 'ab.flac',
      folder: `${ROOT}${sep}bob${sep}Album`,
      path: `${ROOT}${sep}bob${sep}Album${sep}ab.flac`,
      relativePath: 'bob/Album/ab.flac',
    });
    assert.equal(destination.fileName, localFileName('@@x\\Music\\Album\\a:b.flac'));
  });

  test('user names become safe folder names', () => {
    assert.equal(relativeFor({ layout: 'by-user', username: 'a/b', remotePath: 'M\\A\\x.mp3' }), 'a_b/A/x.mp3');
    assert.equal(relativeFor({ layout: 'by-user', username: '..', remotePath: 'M\\A\\x.mp3' }), '_/A/x.mp3');
    assert.equal(relativeFor({ layout: 'by-user', username: '../..', remotePath: 'M\\A\\x.mp3' }), '.._/A/x.mp3');
    assert.equal(relativeFor({ layout: 'by-user', username: 'CON', remotePath: 'M\\A\\x.mp3' }), '_CON/A/x.mp3');
  });
});

describe('folder downloads keep their subfolders under the folder\'s name', () => {
  const folder = '@@abcde\\Music\\Album\\';
  const table: Array<[DestinationLayout, string, string, string]> = [
    ['remote-parent', folder, '@@abcde\\Music\\Album\\01.flac', 'Album/01.flac'],
    ['remote-parent', folder, '@@abcde\\Music\\Album\\CD2\\Scans\\front.jpg', 'Album/CD2/Scans/front.jpg'],
    ['remote-parent', '@@abcde\\Music\\Album', '@@abcde\\Music\\Album\\CD2\\01.flac', 'Album/CD2/01.flac'],
    ['remote-parent', '@@abcde/Music/Album/', '@@abcde\\Music\\Album\\CD2\\01.flac', 'Album/CD2/01.flac'],
    ['remote-parent', '@@abcde\\Music\\Album\\CD2\\', '@@abcde\\Music\\Album\\CD2\\01.flac', 'CD2/01.flac'],
    ['album', '@@abcde\\Music\\Album\\CD2\\', '@@abcde\\Music\\Album\\CD2\\01.flac', 'Album/CD2/01.flac'],
    ['album', folder, '@@abcde\\Music\\Album\\CD2\\01.flac', 'Album/CD2/01.flac'],
    ['by-user', folder, '@@abcde\\Music\\Album\\CD2\\Scans\\front.jpg', 'alice/Album/CD2/Scans/front.jpg'],
    ['flat', folder, '@@abcde\\Music\\Album\\CD2\\Scans\\front.jpg', 'front.jpg'],
    ['mirror', folder, '@@abcde\\Music\\Album\\CD2\\Scans\\front.jpg', 'Music/Album/CD2/Scans/front.jpg'],
  ];
  for (const [layout, remoteFolder, remotePath, expected] of table) {
    test(`${layout}: ${remoteFolder} ← ${remotePath}`, () => assert.equal(relativeFor({ layout, remoteFolder, remotePath }), expected));
  }

  test('a file outside the folder being downloaded is refused', () => {
    for (const remotePath of ['@@abcde\\Music\\Other\\01.flac', '@@abcde\\Music\\album\\01.flac', '@@abcde\\Music\\Album2\\01.flac', '@@abcde\\Music\\01.flac']) {
      assert.throws(() => relativeFor({ remoteFolder: folder, remotePath }), {
        name: 'DestinationError',
        code: 'not-in-folder',
        message: `${JSON.stringify(remotePath)} is not inside the folder being downloaded, ${JSON.stringify(folder)}: ask for files of that folder only`,
      });
    }
  });
});

describe('a requested subfolder', () => {
  test('goes in front of the layout', () => {
    assert.equal(relativeFor({ subfolder: 'soularr/123', remotePath: 'M\\Album\\01.flac' }), 'soularr/123/Album/01.flac');
    assert.equal(relativeFor({ subfolder: 'x\\y\\', remotePath: 'M\\Album\\01.flac' }), 'x/y/Album/01.flac');
    assert.equal(relativeFor({ layout: 'flat', subfolder: 'lidarr-42', remotePath: 'M\\Album\\01.flac' }), 'lidarr-42/01.flac');
    assert.equal(relativeFor({ subfolder: 'ab:c?', remotePath: 'M\\Album\\01.flac' }), 'ab_c_/Album/01.flac');
    assert.equal(relativeFor({ subfolder: '', remotePath: 'M\\Album\\01.flac' }), 'Album/01.flac');
  });

  test('is refused when it would leave the downloads folder', () => {
    for (const subfolder of ['..', '../x', 'a/../b', 'a\\..\\..\\b', '.', './x', '...', '/etc', '\\etc', 'C:\\Windows', 'c:x', '\\\\server\\share']) {
      assert.throws(() => relativeFor({ subfolder, remotePath: 'M\\Album\\01.flac' }), {
        name: 'DestinationError',
        code: 'bad-subfolder',
        message: `subfolder ${JSON.stringify(subfolder)}: give a folder relative to the downloads folder, without "..", a drive or a leading / or \\ (e.g. "soularr/123")`,
      }, subfolder);
    }
    assert.throws(() => relativeFor({ subfolder: 'a/'.repeat(17), remotePath: 'x' }), { code: 'bad-subfolder' });
  });

  test('an unknown layout is refused by name', () => {
    assert.throws(() => relativeFor({ layout: 'nested' as DestinationLayout, remotePath: 'x' }), {
      code: 'bad-layout',
      message: 'unknown destination layout "nested": use one of remote-parent, flat, by-user, album, mirror',
    });
  });
});

describe('hostile remote paths stay inside', () => {
  const long = 'é'.repeat(300);
  const table: Array<[string, string]> = [
    ['..\\..\\etc\\passwd', 'etc/passwd'],
    ['..\\..\\..\\..\\..\\..\\passwd', 'passwd'],
    ['C:\\Windows\\x', 'Windows/x'],
    ['C:\\x', 'C_/x'],
    ['\\\\server\\share\\x', 'share/x'],
    ['\\\\?\\C:\\x', 'C_/x'],
    ['/etc/passwd', 'etcpasswd'],
    ['a/../../b', 'a....b'],
    ['Music\\a/../../b\\x.flac', 'b/x.flac'],
    ['Music\\..\\x.flac', 'Music/x.flac'],
    ['Music\\.\\x.flac', 'Music/x.flac'],
    ['x\\..', 'x/file'],
    ['x\\..\\', 'x/file'],
    ['\\', 'file'],
    ['', 'file'],
    ['%2e%2e\\%2e%2e\\x', '%2e%2e/x'],
    ['\uff0e\uff0e\\x', '\uff0e\uff0e/x'],
    ['\u2024\u2024\\x', '\u2024\u2024/x'],
    ['Music\\Al\u0000bum\\01.flac', 'Al_bum/01.flac'],
    ['Music\\A\tB\r\n\\01.flac', 'A_B__/01.flac'],
    ['Music\\CON\\01.flac', '_CON/01.flac'],
    ['Music\\nul.txt\\x', '_nul.txt/x'],
    ['Music\\COM1 \\x', '_COM1/x'],
    ['Music\\con .txt\\x', '_con .txt/x'],
    ['Music\\Album...\\01.flac', 'Album/01.flac'],
    ['Music\\ Album . \\01.flac', 'Album/01.flac'],
    ['Music\\ . . \\01.flac', 'Music/01.flac'],
    ['Music\\\\\\Album\\\\01.flac', 'Album/01.flac'],
    [`Music\\${long}\\01.flac`, `${'é'.repeat(127)}/01.flac`],
    ['Music\\Album\\CON', 'Album/_CON'],
  ];
  for (const [remotePath, expected] of table) {
    test(JSON.stringify(remotePath), () => {
      assert.equal(relativeFor({ remotePath }), expected);
      for (const layout of DESTINATION_LAYOUTS) {
        const { path } = destinationFor(ROOT, { layout, username: '..', remotePath });
        assert.ok(path.startsWith(ROOT + sep), `${layout}: ${path}`);
      }
    });
  }

  test('deep remote paths are cut to the folders nearest the file', () => {
    const deep = `root\\${'d\\'.repeat(100)}x.flac`;
    assert.equal(destinationFor(ROOT, { layout: 'mirror', username: 'a', remotePath: deep }).folders.length, 32);
    const wide = `root\\${Array.from({ length: 10 }, (_, i) => `${i}${'w'.repeat(199)}`).join('\\')}\\x.flac`;
    const folders = destinationFor(ROOT, { layout: 'mirror', username: 'a', remotePath: wide }).folders;
    assert.deepEqual(folders.map((folder) => folder[0]), ['5', '6', '7', '8', '9']);
    const inFolder = destinationFor(ROOT, { layout: 'by-user', username: 'a', remoteFolder: 'M\\Album', remotePath: `M\\Album\\${'s\\'.repeat(50)}x.flac` });
    assert.deepEqual(inFolder.folders.slice(0, 3), ['a', 'Album', 's'], 'the user and the folder name are kept');
    assert.equal(inFolder.folders.length, 32);
  });

  test('file names: a device name before spaces and a cut that ends in a dot are made safe too', () => {
    // "CON .txt" opens the console device on Windows; a name cut to 255 bytes may end in "." (dropped by Windows).
    assert.equal(localFileName('@@x\\CON .txt'), '_CON .txt');
    assert.equal(localFileName(`@@x\\${'a'.repeat(254)}.${'b'.repeat(40)}`), 'a'.repeat(254));
    assert.equal(relativeFor({ remotePath: `M\\${'a'.repeat(254)}.${'b'.repeat(40)}\\x` }), `${'a'.repeat(254)}/x`);
  });

  test('the final check refuses whatever resolves outside, itself included', () => {
    for (const components of [['..'], ['a', '..', '..'], ['/etc'], ['..', 'downloads2']]) {
      assert.throws(() => insideDownloads(ROOT, components), { name: 'DestinationError', code: 'outside-downloads' }, components.join('/'));
    }
    assert.equal(insideDownloads(ROOT, ['a', 'b']), `${ROOT}${sep}a${sep}b`);
    assert.equal(insideDownloads('/', ['x']), `${sep}x`);
  });
});

describe('property: any remote path, user, folder and subfolder stays inside', () => {
  const pieces = ['..', '.', '...', '', ' ', 'a', 'Album', 'CD1', 'C:', 'c:', '\\', '/', '\\\\', '//', '?', '*', ':', '"', '<', '>', '|', '\u0000', '\u001f', '\t',
    'CON', 'nul', 'lpt1', 'COM1.', '%2e', '\uff0e', '\u202e', 'é', '\u{1f3b5}', 'x'.repeat(120), 'é'.repeat(100), '~', '$HOME', '@@share'];
  test('5,000 seeded random requests', () => {
    const random = mulberry32(1584);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const text = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => pick(pieces)).join('');
    const path = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => text(4)).join(pick(['\\', '/', '\\', '\\\\']));
    let checked = 0;
    for (let i = 0; i < 5_000; i++) {
      const remotePath = path(12);
      const cut = remotePath.lastIndexOf('\\');
      const remoteFolder = random() < 0.3 && cut > 0 ? remotePath.slice(0, Math.floor(random() * cut) + 1) : undefined;
      const request: DestinationRequest = { layout: pick(DESTINATION_LAYOUTS), username: text(3), remotePath, remoteFolder, subfolder: random() < 0.3 ? path(4) : undefined };
      let destination;
      try {
        destination = destinationFor(ROOT, request);
      } catch (error) {
        assert.ok(error instanceof DestinationError && error.code !== 'outside-downloads', `${JSON.stringify(request)}: ${String(error)}`);
        continue;
      }
      checked++;
      assert.ok(destination.path.startsWith(ROOT + sep), JSON.stringify(request));
      assert.ok(!relative(ROOT, destination.path).split(sep).includes('..'), JSON.stringify(request));
      for (const name of [...destination.folders, destination.fileName]) {
        assert.ok(name !== '' && !/^[. ]*$/.test(name), `a name of its own: ${JSON.stringify(name)}`);
        assert.ok(!/[\u0000-\u001f<>:"/\\|?*]/.test(name), `no forbidden character: ${JSON.stringify(name)}`);
        assert.ok(!/[. ]$/.test(name) && Buffer.byteLength(name) <= 255, `safe end and length: ${JSON.stringify(name)}`);
      }
      assert.equal(destination.path, resolve(ROOT, ...destination.folders, destination.fileName));
    }
    assert.ok(checked > 3_000, `most requests give a destination (${checked})`);
  });
});
